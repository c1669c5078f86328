import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { readHumanInbox } from '../../src/engine/human/human-inbox.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { lemming, startLemming } from '../helpers/cli.js';
import { recordingSleep } from '../helpers/provider-requests.js';
import { humanSends, ofType, runEngine } from '../helpers/temp-org.js';
import { checkInvariants } from '../faults/invariants.js';
import { chargeLines, eventually, isAlive, outsideOrg, sendBlock, type AgentStep } from './outside-org.js';

function inbox(root: string) {
  return readHumanInbox(root, loadOrg(root).org).messages;
}

/** Run with retries that wait no time, and return the events. */
function runInstantly(root: string, maxTurns?: number) {
  const sleeps = recordingSleep();
  return runEngine(root, maxTurns === undefined ? {} : { maxTurns }, { providerFactory: createProviderFactory({ root, sleep: sleeps.sleep }) });
}

describe('an agent program that fails', () => {
  test('one that hangs is stopped at timeout_ms with every process it started, then tried again', async () => {
    // Room for Node to start the program on a busy machine (it must start and write its child's pid before the timeout); the hang outlasts any.
    const org = outsideOrg({ provider: 'command', timeout_ms: 3000, max_retries: 1 });
    org.plan({ manager: [{ hang: true }, { say: sendBlock('human', 'Sorry for the wait.') }] });
    humanSends(org.root, 'manager', 'Anyone there?');
    const events = await runInstantly(org.root);

    expect(org.calls()).toHaveLength(2);
    // The hanging program's own child (a `sleep 600`) went with it: the whole process group was killed.
    const child = org.childPid();
    expect(child).toBeDefined();
    expect(await eventually(() => !isAlive(child ?? 0))).toBe(true);
    expect(ofType(events, 'agent-retrying')).toMatchObject([{ agent: 'manager', model: 'agent', attempt: 2, attempts: 2, cause: expect.stringMatching(/gave no answer within 3000 ms \(org\.yaml models\.agent\.timeout_ms\); its processes were stopped/) }]);
    expect(inbox(org.root)).toMatchObject([{ body: 'Sorry for the wait.' }]);
    expect(checkInvariants(org.root)).toEqual([]);
  });

  test('one that exits non-zero: tried again, then an error naming the code and its last words; its mail waits, and after max_failed_turns it is held', async () => {
    const org = outsideOrg({ provider: 'command', max_retries: 1 }, { engine: 'max_failed_turns: 2' });
    const quota = { exit: 3, stderr: 'starting\nerror: quota exceeded for this month\n' };
    org.plan({ manager: [quota, quota, quota, quota] });
    humanSends(org.root, 'manager', 'Build it.');
    const events = await runInstantly(org.root);

    expect(org.calls()).toHaveLength(4);
    expect(ofType(events, 'agent-error')).toMatchObject([
      { turn: 1, agent: 'manager', message: expect.stringMatching(/exited with code 3; it said: starting \| error: quota exceeded for this month \(gave up after 2 attempts\)/) },
      { turn: 2, agent: 'manager' },
    ]);
    expect(ofType(events, 'agent-held')).toMatchObject([{ agent: 'manager', model: 'agent', failedTurns: 2 }]);
    expect(ofType(events, 'run-finished')[0]).toMatchObject({ reason: 'models-failing', failing: ['manager'] });
    // Each of the four runs happened: each is charged its price per call (0.01), in the turn it failed.
    expect(chargeLines(org.root)).toMatchObject([
      { turn: 1, input_tokens: 0, output_tokens: 0, credits: 0.02 },
      { turn: 2, input_tokens: 0, output_tokens: 0, credits: 0.02 },
    ]);
    expect(inbox(org.root)).toEqual([]);
  });

  test('garbage, JSON that is not, and a flood past max_output_bytes are not retried; each run is charged its price per call', async () => {
    const cases: Array<{ entry: Record<string, unknown>; step: AgentStep; said: RegExp }> = [
      { entry: {}, step: { garbage: true }, said: /answered 5 bytes that are not UTF-8 text/ },
      { entry: { reply: 'json' }, step: { say: '{"text": "half an obj' }, said: /answered something that is not JSON .*it starts "\{\\"text\\": \\"half an obj"/ },
      { entry: { reply: 'json' }, step: { json: { answer: 42 } }, said: /answered JSON with neither "text" nor "tool_calls" \(its fields: answer\)/ },
      { entry: {}, step: { say: '\n  \n' }, said: /answered nothing \(stdout was empty\)/ },
      { entry: { max_output_bytes: 1000 }, step: { flood: 50_000 }, said: /wrote more than 1000 bytes on stdout \(org\.yaml models\.agent\.max_output_bytes\)/ },
    ];
    for (const { entry, step, said } of cases) {
      const org = outsideOrg({ provider: 'command', max_retries: 3, ...entry });
      const quiet: AgentStep = entry.reply === 'json' ? { json: { text: 'Nothing more.' } } : { say: 'Nothing more.' };
      org.plan({ manager: [step, quiet, quiet, quiet] });
      humanSends(org.root, 'manager', 'Go.');
      // Turn 1 fails, once; later turns find the program with nothing more to say, and the mail is read.
      const events = await runInstantly(org.root);
      expect(org.calls().filter((call) => call.turn === 1)).toHaveLength(1);
      expect(ofType(events, 'agent-retrying')).toEqual([]);
      expect(ofType(events, 'agent-error')).toMatchObject([{ turn: 1, agent: 'manager', message: expect.stringMatching(said) }]);
      const turnOne = chargeLines(org.root).filter((charge) => charge.turn === 1);
      expect(turnOne).toEqual([expect.objectContaining({ agent: 'manager', model: 'agent', input_tokens: 0, output_tokens: 0, credits: 0.01 })]);
      expect(checkInvariants(org.root)).toEqual([]);
    }
  });

  test('Ctrl-C while the program works stops it and its children; the next run asks once more and delivers once', async () => {
    const org = outsideOrg({ provider: 'command' });
    org.plan({ manager: [{ hang: true, started: true }, { say: sendBlock('human', 'Here after all.') }] });
    humanSends(org.root, 'manager', 'Wait for it.');
    const run = startLemming(org.root, ['run', '--plain']);
    const exited = new Promise<number | null>((resolve) => run.once('close', (code) => resolve(code)));
    expect(await eventually(() => existsSync(`${org.script}.started`) && org.childPid() !== undefined)).toBe(true);
    run.kill('SIGINT');
    expect(await exited).toBe(0);
    const child = org.childPid() ?? 0;
    expect(await eventually(() => !isAlive(child))).toBe(true);
    expect(inbox(org.root)).toEqual([]);

    const again = lemming(org.root, ['run', '--plain']);
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(org.calls()).toHaveLength(2);
    expect(inbox(org.root)).toMatchObject([{ body: 'Here after all.' }]);
    expect(chargeLines(org.root)).toHaveLength(1);
    expect(checkInvariants(org.root)).toEqual([]);
  });

  test('an engine killed after the answer came back asks the program nothing again: the journaled answer is applied, once', () => {
    const org = outsideOrg({ provider: 'command' });
    org.plan({ manager: [{ say: sendBlock('human', 'Said once.') }, { say: sendBlock('human', 'Said twice!') }] });
    humanSends(org.root, 'manager', 'Speak.');
    const killed = lemming(org.root, ['run', '--plain'], { LEMMING_CRASH_AT: 'after-response:1' });
    expect(killed.signal).toBe('SIGKILL');
    const again = lemming(org.root, ['run', '--plain']);
    expect(again.status).toBe(0);
    expect(org.calls()).toHaveLength(1);
    expect(inbox(org.root)).toMatchObject([{ body: 'Said once.' }]);
    expect(chargeLines(org.root)).toHaveLength(1);
    expect(checkInvariants(org.root)).toEqual([]);
  });

  test('a program that is not installed: validate names the field, and run stops before turn 1 with one line and a notice for the human', () => {
    const org = outsideOrg({ provider: 'command', command: './bin/reviewer.sh' });
    humanSends(org.root, 'manager', 'Review this.');
    const validated = lemming(org.root, ['validate']);
    expect(validated.status).toBe(1);
    expect(validated.stdout).toContain(`error: org/org.yaml: models.agent.command: there is no file ${org.root}/bin/reviewer.sh`);
    const run = lemming(org.root, ['run', '--plain']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`org/org.yaml models.agent.command: there is no file ${org.root}/bin/reviewer.sh (needed by manager). Install the program, correct command, or give those agents another model.`);
    expect(lemming(org.root, ['inbox']).stdout).toContain('Cannot run the program of model agent');
  });
});
