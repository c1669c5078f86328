import { expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { outsideOrg, sendBlock } from './outside-org.js';

test('`lemming trace` of a command agent shows the plain-text prompt the program read, and that prompt does not contradict itself', () => {
  const org = outsideOrg({ provider: 'command' }, { engine: 'traces: { keep: 5 }' });
  org.plan({ manager: [{ say: sendBlock('human', 'Done.', 'Re: hello') }] });
  expect(lemming(org.root, ['send', 'manager', 'hello']).status).toBe(0);
  const run = lemming(org.root, ['run', '--plain']);
  expect(run.status).toBe(0);
  const [call] = org.calls();
  const stdin = call?.stdin ?? '';
  const [systemRead, userRead] = stdin.split('\n\n--- user ---\n');

  const trace = lemming(org.root, ['trace', 'manager']).stdout;
  // The system prompt the trace shows is the one the program read, with the action-block instructions.
  expect(trace).toContain(`-- system\n${systemRead}\n`);
  expect(systemRead).toContain('=== send_message');
  expect(trace).toContain(`-- user\n${(userRead ?? '').trimEnd()}`);
  // No tool was offered as a function: the trace says how they were given instead.
  expect(trace).toContain('-- tools offered: none (described in the prompt as action blocks: send_message, remember, write_file, read_file)');
  const json = JSON.parse(lemming(org.root, ['trace', 'manager', '--json']).stdout) as { request: { system: string; tools: unknown[] } };
  expect(json.request.system).toBe(systemRead);
  expect(json.request.tools).toEqual([]);

  // "Act only through your tools" stands, so the prompt must not also say the tools are not there.
  expect(stdin).toContain('You act only through your tools');
  expect(stdin).not.toMatch(/tools are not available/i);
  expect(stdin).toMatch(/you call a tool by writing its block/i);
});
