import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { defaultOrg } from '../helpers/temp-org.js';

/*
 * `top-up`, `import-network --credits` and `blame --max-credits` read an amount by one parser, and
 * its refusal used to say "for one top-up" for all three: a researcher setting blame's ceiling was
 * told of a top-up. The parser now takes what the amount is, and says it.
 */

describe('an amount of credits refused in the words of what it is', () => {
  const root = defaultOrg();
  const refusal = (args: string[]): { status: number | null; said: string } => {
    const result = lemming(root, args);
    return { status: result.status, said: result.stderr };
  };

  test.each([
    [['top-up', 'hr', '2000000'], 'credits must be at most 1000000 for one top-up, for example 0.5'],
    [['import-network', 'edges.txt', '--credits', '2000000'], "credits must be at most 1000000 for each agent's budget, for example 0.5"],
    [['blame', 'run', '--check', 'passed', '--max-credits', '2000000'], "credits must be at most 1000000 for the forks' spending together, for example 0.5"],
    [['import-network', 'edges.txt', '--credits', '1e3'], "expected a plain number of credits above 0 and at most 1000000 for each agent's budget, for example 0.5"],
    [['blame', 'run', '--check', 'passed', '--max-credits', '0x10'], "expected a plain number of credits above 0 and at most 1000000 for the forks' spending together, for example 0.5"],
  ])('%j is refused, exit 2: %s', (args, words) => {
    const { status, said } = refusal(args);
    expect(status).toBe(2);
    expect(said).toContain(words);
    if (args[0] !== 'top-up') expect(said).not.toContain('top-up');
  });
});
