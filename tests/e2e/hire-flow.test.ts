import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { checkInvariants } from '../faults/invariants.js';
import { read, tempDir } from '../helpers/org-files.js';

describe('hire → approve → the new agent works, through the built CLI', () => {
  test('hr proposes on the manager\'s request, the human approves, hr is told, and the new agent has its first turn', () => {
    const root = tempDir();
    expect(lemming(root, ['bootstrap']).status).toBe(0);
    lemming(root, ['send', 'manager', 'Hiring: please hire another coder for the release', '--subject', 'Hiring: hire a coder']);
    const first = lemming(root, ['run']);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('manager -> hr: Hiring: hire a coder');
    expect(first.stdout).toMatch(/hr step 1: list_agents \{\} → \d+ chars/);
    expect(first.stdout).toMatch(/hr step 2: hire_agent .* → proposal 000002-hr-002/);
    expect(readdirSync(join(root, 'org/proposals'))).toEqual(['000002-hr-002.md']);
    expect(existsSync(join(root, 'agents/coder_02'))).toBe(false);
    // The human hears of it through the chain: hr → manager → human.
    const inbox = lemming(root, ['inbox']).stdout;
    expect(inbox).toContain('000002-hr-002');

    const waiting = lemming(root, ['approvals']).stdout;
    expect(waiting).toContain('000002-hr-002  hr proposes to hire coder_02 (Coder: writes and tests code), reporting to manager, 0.05 credits from hr');
    expect(lemming(root, ['approve', '000002-hr-002']).stdout).toContain('coder_02 joins at the next turn');
    expect(read(root, 'org/chart.yaml')).toContain('  coder_02:\n    reports_to: manager\n    send_to: [manager]\n    read_from: [manager]\n');

    lemming(root, ['send', 'manager', 'Ask the new coder to write the release tests', '--subject', 'Release tests for coder_02']);
    const second = lemming(root, ['run']);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('manager -> coder_02: Release tests for coder_02');
    expect(second.stdout).toContain('coder_02 -> manager: Re: Release tests for coder_02');
    // hr was told of the decision in its inbox.
    expect(read(root, 'agents/hr/logs/activity.jsonl')).toContain('-lemming-proposal-000002-hr-002-hr-1');
    const status = JSON.parse(lemming(root, ['status', '--json']).stdout) as { agents: Array<{ name: string; balance: number }> };
    const coder = status.agents.find((agent) => agent.name === 'coder_02');
    expect(coder?.balance).toBeGreaterThan(0);
    expect(coder?.balance).toBeLessThan(0.05);
    expect(checkInvariants(root)).toEqual([]);
  });
});
