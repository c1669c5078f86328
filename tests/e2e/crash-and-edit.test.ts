import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { tempDir, write } from '../helpers/org-files.js';

test('a turn interrupted with an agent at work finishes even if that agent has since left the org', () => {
  const root = tempDir();
  lemming(root, ['bootstrap']);
  lemming(root, ['send', 'manager', 'Plan it']);
  // Call 1 is the manager's (turn 1), call 2 the planner's (turn 2): the kill comes just before it.
  const killed = lemming(root, ['run'], { LEMMING_CRASH_AT: 'before-call:2' });
  expect(killed.signal).toBe('SIGKILL');
  write(
    root,
    'org/chart.yaml',
    [
      'agents:',
      '  human: { reports_to: null, send_to: [manager], read_from: ["*"] }',
      '  manager: { reports_to: human, send_to: [human, hr, janitor, coder_01], read_from: ["*"] }',
      '  hr: { reports_to: manager, send_to: [manager], read_from: [manager] }',
      '  coder_01: { reports_to: manager, send_to: [manager], read_from: [manager] }',
      '  janitor: { reports_to: manager, send_to: [manager], read_from: [manager] }',
      '',
    ].join('\n'),
  );
  renameSync(join(root, 'agents', 'planner'), join(root, 'planner-away'));
  expect(lemming(root, ['validate']).status).toBe(0);
  const resumed = lemming(root, ['run']);
  expect(resumed.stderr).toBe('');
  expect(resumed.status).toBe(0);
  expect(resumed.stdout).toContain('planner is no longer in the org');
  expect(resumed.stdout).toContain('the org is idle');
});
