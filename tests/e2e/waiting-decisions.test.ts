import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-org.js';

describe('a hire waiting for approval is said where a person looks, through the built CLI', () => {
  test('the run\'s summary and `lemming status` name the proposal and the commands that decide it; once decided, they do not', () => {
    const root = tempDir();
    expect(lemming(root, ['bootstrap']).status).toBe(0);
    lemming(root, ['send', 'manager', 'Hiring: please hire another coder for the release', '--subject', 'Hiring: hire a coder']);
    const run = lemming(root, ['run']);
    expect(run.status).toBe(0);
    const waiting = [
      '1 proposal waits for your decision:',
      '  000002-hr-002: hr proposes to hire coder_02 (Coder: writes and tests code), reporting to manager, 0.05 credits from hr',
      `  decide: \`lemming approve 000002-hr-002 --root ${root}\` or \`lemming reject 000002-hr-002 --reason "…" --root ${root}\`, or in the dashboard's Proposals (\`lemming serve --root ${root}\`)`,
    ].join('\n');
    expect(run.stdout).toContain(waiting);

    const status = lemming(root, ['status']);
    expect(status.stdout).toContain(waiting);
    const json = JSON.parse(lemming(root, ['status', '--json']).stdout) as { proposals?: Array<{ id: string; proposed_by: string }> };
    expect(json.proposals).toEqual([expect.objectContaining({ id: '000002-hr-002', proposed_by: 'hr' })]);

    // The command as printed works.
    expect(lemming(root, ['approve', '000002-hr-002']).status).toBe(0);
    expect(lemming(root, ['status']).stdout).not.toContain('waits for your decision');
  });
});
