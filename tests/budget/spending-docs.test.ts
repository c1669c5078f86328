import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadOrg } from '../../src/org/load-org-once.js';
import { lemming } from '../helpers/cli.js';
import { fencedBlock } from '../helpers/docs.js';
import { defaultOrg, REPO_ROOT } from '../helpers/temp-org.js';

const page = (): string => readFileSync(join(REPO_ROOT, 'docs/spending.md'), 'utf8');

describe("docs/spending.md's settings, as written", () => {
  test('the org and department ceiling, and the loop breakers, are valid in the default org and load as the page says', () => {
    const root = defaultOrg();
    const orgYaml = join(root, 'org/org.yaml');
    const breakers = fencedBlock(page(), 'engine:\n  breakers:').replace(/^engine:\n/, '');
    writeFileSync(orgYaml, `${readFileSync(orgYaml, 'utf8').replace(/^engine:\n/m, `engine:\n${breakers}`)}\n${fencedBlock(page(), 'budget:\n')}`);
    const checked = lemming(root, ['validate']);
    expect(checked.stdout + checked.stderr).not.toMatch(/error|invalid/i);
    expect(checked.status).toBe(0);
    const { org } = loadOrg(root);
    expect(org.settings.breakers).toMatchObject({ ping_pong: expect.anything(), repeated_messages: expect.anything(), escalation_storm: expect.anything() });
  });

  test('a wrong budget: each mistake is named with its line and field and a valid value that is valid there (a ceiling is above 0)', () => {
    const root = defaultOrg();
    const orgYaml = join(root, 'org/org.yaml');
    const base = readFileSync(orgYaml, 'utf8');
    const problems = (budget: string): string[] => {
      writeFileSync(orgYaml, `${base}\n${budget}\n`);
      const checked = lemming(root, ['validate']);
      expect(checked.status).toBe(1);
      return checked.stdout.split('\n').filter((line) => line.startsWith('error: org/org.yaml'));
    };
    expect(problems('budget: ten')).toEqual([expect.stringMatching(/^error: org\/org\.yaml:\d+: budget: .*; a valid value looks like `budget: \{ credits: 20/)]);
    const [zero] = problems('budget:\n  credits: 0');
    expect(zero).toMatch(/^error: org\/org\.yaml:\d+: budget\.credits: .*; a valid value looks like `credits: 20 /);
    expect(zero).not.toContain('0 or more');
    expect(problems('budget:\n  credits: 5\n  departments:\n    planner: { credits: -1 }')).toEqual([expect.stringMatching(/budget\.departments\.planner\.credits: .*a valid value looks like `credits: 20 /)]);
    expect(problems('budget:\n  credits: 5\n  warn_at: [0.5, ten]')).toEqual([expect.stringMatching(/budget\.warn_at\.1: .*; a valid value looks like `warn_at: \[0\.5, 0\.8, 1\]/)]);
    // Nothing was lost: the file is as written, for the person to mend.
    expect(readFileSync(orgYaml, 'utf8')).toContain('warn_at: [0.5, ten]');
  });
});
