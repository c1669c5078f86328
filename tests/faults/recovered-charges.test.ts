import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultFaultOrg, eventsOf, humanSends, runScripted } from './fault-org.js';
import { checkInvariants } from './invariants.js';
import { scratchDir } from './scratch.js';

/** A body of 10,000 characters: lemming's estimate of it is 2,500 tokens, 1 in 8 of them 313. */
const LONG_BODY = 'The release plan, part by part. '.repeat(313).slice(0, 10_000);

/** The ledger as it is on disk, each line without its wall-clock `at`. */
function ledgerLines(root: string): string[] {
  return readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/"at":"[^"]*",?/, ''));
}

/**
 * A scripted model that counts its answers low (1 input and 1 output token for a 10,000-character message and
 * the prompt it answers): a test's model, given to the engine as it is, not through the usage gate (only
 * lemming's own providers are: create-provider.ts, gatesUsage). It stops the run (`stop`) while its first
 * answer is on its way, so that answer is journaled and left for the next run to finish.
 */
function lowCounting(stop?: AbortController): ScriptedProvider {
  return new ScriptedProvider((request) => {
    if (request.agent === 'manager' && request.turn === 1) {
      stop?.abort();
      return { toolCalls: [sendCall('planner', LONG_BODY)], usage: { inputTokens: 1, outputTokens: 1, estimated: false } };
    }
    return { usage: { inputTokens: 1, outputTokens: 1, estimated: false } };
  });
}

describe('a turn finished after a stop charges what the run never stopped charged', () => {
  test("a scripted model's low counts, journaled and read back, are charged as they came: the ledger is byte for byte the never-stopped run's", async () => {
    const reference = defaultFaultOrg();
    humanSends(reference, 'manager', 'Please plan the release of version 2.');
    const stopped = scratchDir();
    cpSync(reference, stopped, { recursive: true });

    expect(eventsOf(await runScripted(reference, lowCounting()), 'run-finished')[0]?.reason).toBe('idle');

    const stop = new AbortController();
    expect(eventsOf(await runScripted(stopped, lowCounting(stop), { signal: stop.signal }), 'run-finished')[0]?.reason).toBe('stopped');
    // The manager's answer is journaled, applied and charged, the turn not committed. With its `done` cut from the journal
    // and its charge from the ledger, the org is as a run killed after its files were written leaves it (crash point
    // after-write): the next run applies the journaled answer again and charges it.
    const journalFile = join(stopped, 'org/state/journal.jsonl');
    const journal = readFileSync(journalFile, 'utf8');
    expect(journal).toContain('"type":"response"');
    writeFileSync(journalFile, journal.split('\n').filter((line) => !line.startsWith('{"type":"done"')).join('\n'));
    const ledgerFile = join(stopped, 'org/state/ledger.jsonl');
    const ledger = readFileSync(ledgerFile, 'utf8');
    expect(ledger).toContain('"type":"charge","turn":1,"agent":"manager"');
    writeFileSync(ledgerFile, ledger.split('\n').filter((line) => !line.startsWith('{"type":"charge","turn":1,')).join('\n'));
    const resumed = lowCounting();
    expect(eventsOf(await runScripted(stopped, resumed), 'run-finished')[0]?.reason).toBe('idle');
    expect(resumed.requests.filter((request) => request.agent === 'manager' && request.turn === 1)).toEqual([]);

    // Before: the recovered turn held the manager's 1 output token to 313, the floor of its message, which the never-stopped run never applied.
    expect(readFileSync(join(stopped, 'org/state/ledger.jsonl'), 'utf8')).toBe(readFileSync(join(reference, 'org/state/ledger.jsonl'), 'utf8'));
    expect(ledgerLines(stopped).find((line) => line.includes('"agent":"manager"'))).toMatch(/"input_tokens":1,"output_tokens":1,/);
    expect(checkInvariants(stopped, { requests: resumed.requests })).toEqual([]);
  });

  test.concurrent.each(['after-response:1', 'after-step:1'])('the offline model killed at %s and run again: every ledger line is the never-stopped run\'s', async (point) => {
    const reference = defaultFaultOrg();
    humanSends(reference, 'manager', 'Please plan the release of version 2.');
    const killed = scratchDir();
    cpSync(reference, killed, { recursive: true });
    expect(lemming(reference, ['run', '--plain']).status).toBe(0);
    expect(lemming(killed, ['run', '--plain'], { LEMMING_CRASH_AT: point }).signal).toBe('SIGKILL');
    const journal = readFileSync(join(killed, 'org/state/journal.jsonl'), 'utf8');
    // Each answer is journaled with lemming's estimate of its request (`asked`), which a gated model's is held to on recovery.
    expect(journal).toMatch(point.startsWith('after-step') ? /"type":"step",.*"asked":\d+/ : /"type":"response",.*"asked":\d+/);
    const resumed = lemming(killed, ['run', '--plain']);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    expect(ledgerLines(killed)).toEqual(ledgerLines(reference));
  });

  test("the offline model killed between the journal's done and the ledger's charges, the done edited to 0 credits: the ledger is the never-stopped run's", () => {
    const reference = defaultFaultOrg();
    humanSends(reference, 'manager', 'Please plan the release of version 2.');
    const killed = scratchDir();
    cpSync(reference, killed, { recursive: true });
    expect(lemming(reference, ['run', '--plain']).status).toBe(0);
    expect(lemming(killed, ['run', '--plain'], { LEMMING_CRASH_AT: 'after-ledger:1' }).signal).toBe('SIGKILL');
    // The journal's dones are written, then the ledger's charges: a kill between the two leaves no charge of the turn.
    const ledgerFile = join(killed, 'org/state/ledger.jsonl');
    writeFileSync(ledgerFile, readFileSync(ledgerFile, 'utf8').split('\n').filter((line) => !line.startsWith('{"type":"charge","turn":1,')).join('\n'));
    const journalFile = join(killed, 'org/state/journal.jsonl');
    const journal = readFileSync(journalFile, 'utf8');
    expect(journal).toMatch(/"type":"done".*"agent":"manager".*"credits":0\.\d+/);
    writeFileSync(journalFile, journal.replace(/("type":"done".*?"charge":\{[^}]*"credits":)0\.\d+/, '$10'));
    const resumed = lemming(killed, ['run', '--plain']);
    expect(resumed.status).toBe(0);
    // Before: the manager's turn 1 was charged 0 credits, as the edited journal said.
    expect(resumed.stdout + resumed.stderr).toMatch(/org\/state\/journal\.jsonl.*charge of 0 credits/);
    expect(ledgerLines(killed)).toEqual(ledgerLines(reference));
    expect(checkInvariants(killed)).toEqual([]);
  });

  test("validate of an org killed after an offline answer was journaled, the answer edited to 0 output tokens: it says what a replay would hold it to, and what it assumed", () => {
    const killed = defaultFaultOrg();
    humanSends(killed, 'manager', 'Please plan the release of version 2.');
    expect(lemming(killed, ['run', '--plain'], { LEMMING_CRASH_AT: 'after-response:1' }).signal).toBe('SIGKILL');
    const journalFile = join(killed, 'org/state/journal.jsonl');
    const journal = readFileSync(journalFile, 'utf8');
    expect(journal).toMatch(/"type":"response".*"outputTokens":[1-9]/);
    const edited = journal.replace(/("type":"response".*?"outputTokens":)\d+/, '$10');
    writeFileSync(journalFile, edited);
    const validate = lemming(killed, ['validate']);
    expect(validate.status).toBe(0);
    // `lemming run` finishes it as journaled (the offline model's answers pass no gate live); `lemming run --replay` gates every model's.
    // Before: nothing said, the org valid, though a replay finishing the turn charges the floor of the answer's text.
    expect(validate.stdout + validate.stderr).toMatch(/org\/state\/journal\.jsonl.*judged as `lemming run` finishes it.*--replay.*fewer output tokens than its text holds/);
    // It changes nothing.
    expect(readFileSync(journalFile, 'utf8')).toBe(edited);
  });
});

