import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/engine/money/ledger.js';
import { appendLog, readLog, readLogSince, type LogEntry } from '../../src/engine/record/agent-log.js';
import { EXPERIMENT_LEDGER, readExperimentCharges, recordCharges } from '../../src/experiment/experiment-ledger.js';
import { enterCommand } from '../../src/invocation.js';
import { cutTornTail } from '../../src/storage/whole-records.js';
import { ActivityCounter } from '../../src/web/views/activity-counts.js';

/*
 * Every reader of a file lemming appends to a whole line at a time keeps the one rule of
 * storage/whole-records.ts: a torn last line is cut (and never glued to the next record), a damaged
 * line before valid ones is named (file, line), never skipped.
 */

let root: string;
const logs = (): string => join(root, 'agents', 'ada', 'logs');
const log = (): string => join(logs(), 'activity.jsonl');
const line = (entry: LogEntry): string => `${JSON.stringify(entry)}\n`;
const refused = (turn: number): LogEntry => ({ turn, at: '2026-11-26T00:00:00.000Z', event: 'refused', reason: 'bob is not in ada.send_to (org/chart.yaml)', to: 'bob' });
const sent = (turn: number): LogEntry => ({ turn, at: '2026-11-26T00:00:00.000Z', event: 'sent', id: `00000${turn}-ada-001`, to: ['carol'] });

/** What a new process knows of the logs: nothing (each command starts so). */
function newCommand(): void {
  enterCommand({ env: process.env, cwd: process.cwd() })();
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lemming-whole-readers-'));
  mkdirSync(logs(), { recursive: true });
  newCommand();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('an activity log read from a turn on (readLogSince: the dashboard\'s requests, the engine\'s breakers and refusals)', () => {
  it('names a line damaged between two entries, where it gave the entries after it only', () => {
    writeFileSync(log(), line(refused(3)) + 'this line was edited by hand\n' + line(sent(3)));
    expect(() => readLogSince(root, 'ada', 3)).toThrow(/agents\/ada\/logs\/activity\.jsonl line 2: is not an entry of the activity log.*line 3 after it is one/);
    // `lemming logs` says the same of the same line.
    expect(() => readLog(root, 'ada')).toThrow(/activity\.jsonl line 2: .*line 3 after it is one/);
  });

  it('passes over a torn tail, as `lemming logs` does, where it gave nothing from the turn', () => {
    writeFileSync(log(), line(refused(2)) + line(refused(3)) + line(sent(3)) + '{"turn":3,"at":"2026-11-26T0\n');
    expect(readLog(root, 'ada').map((entry) => entry.event)).toEqual(['refused', 'refused', 'sent']);
    expect(readLogSince(root, 'ada', 3).map((entry) => entry.event)).toEqual(['refused', 'sent']);
  });
});

describe("the dashboard's activity counts (/metrics)", () => {
  it('names a damaged line between two entries, where it counted around it unsaid', () => {
    writeFileSync(log(), line(refused(1)) + 'not json\n' + line(refused(2)));
    expect(() => new ActivityCounter(root).counts()).toThrow(/agents\/ada\/logs\/activity\.jsonl line 2: .*line 3 after it is one/);
  });

  it('counts a torn tail once it is whole, and names by its line in the file a damaged line found as the log grows', () => {
    const counter = new ActivityCounter(root);
    writeFileSync(log(), line(refused(1)) + line(refused(2)));
    expect(counter.counts().refusals).toEqual({ 'chart send_to': 2 });
    // A line still being written: not counted, and no error.
    appendFileSync(log(), '{"turn":3,"at":"2026');
    expect(counter.counts().refusals).toEqual({ 'chart send_to': 2 });
    appendFileSync(log(), 'oops\n');
    expect(counter.counts().refusals).toEqual({ 'chart send_to': 2 });
    // An entry after it: line 3 was damaged, not torn.
    appendFileSync(log(), line(refused(4)));
    expect(() => counter.counts()).toThrow(/activity\.jsonl line 3: .*line 4 after it is one/);
  });
});

describe('appending to an activity log a crash left with a torn last line (appendLog)', () => {
  it('cuts the torn line first, so the next entries are kept; it glued the first to the fragment and `lemming logs` stopped on it', () => {
    writeFileSync(log(), line(refused(1)) + '{"turn":2,"at":"2026-11-26T00:00:00.0');
    newCommand();
    appendLog(root, 'ada', [sent(3)]);
    appendLog(root, 'ada', [refused(4)]);
    expect(readLog(root, 'ada').map((entry) => [entry.turn, entry.event])).toEqual([
      [1, 'refused'],
      [3, 'sent'],
      [4, 'refused'],
    ]);
    expect(readLogSince(root, 'ada', 3)).toHaveLength(2);
  });
});

const charge = (credits: number): Extract<LedgerEntry, { type: 'charge' }> =>
  ({ type: 'charge', turn: 3, agent: 'experiment', model: 'judge', input_tokens: 100, output_tokens: 10, credits, at: '2026-11-26T00:00:00.000Z' }) as Extract<LedgerEntry, { type: 'charge' }>;

/** An experiment's folder whose ledger holds baseline-r1's judge, then `then` as a kill or an edit left it. */
function experimentWith(then: string): string {
  const folder = join(root, 'experiments', 'speed');
  mkdirSync(folder, { recursive: true });
  recordCharges(folder, 'baseline-r1', 'judge', [charge(0.01)]);
  appendFileSync(join(folder, EXPERIMENT_LEDGER), then);
  return folder;
}

describe("an experiment's own ledger (who scored each run)", () => {
  it('names a line damaged between two charges, where the report lost that run\'s judge unsaid', () => {
    const folder = experimentWith('{"type":"charge","run":"baseline-r2",\n');
    recordCharges(folder, 'baseline-r3', 'judge', [charge(0.01)]);
    expect(() => readExperimentCharges(folder)).toThrow(/experiments\/speed\/ledger\.jsonl line 2: is not a charge.*line 3 after it is one/);
  });

  it('cuts a torn last line before it appends, so a crash mid-line loses no later charge', () => {
    const folder = experimentWith('{"type":"charge","run":"baseline-r2","pur');
    recordCharges(folder, 'baseline-r2', 'judge', [charge(0.01)]);
    recordCharges(folder, 'baseline-r3', 'adherence', [charge(0.01)]);
    expect(readExperimentCharges(folder).map((each) => `${each.run} ${each.purpose}`)).toEqual(['baseline-r1 judge', 'baseline-r2 judge', 'baseline-r3 adherence']);
    expect(readFileSync(join(folder, EXPERIMENT_LEDGER), 'utf8').split('\n')).toHaveLength(4);
  });
});

describe('the cut of a torn tail (cutTornTail: the credit ledger as a run opens it, an activity log, an experiment\'s ledger)', () => {
  it('cuts a torn last line longer than the 64 KiB it reads at a time whole, and leaves a whole file and a missing one as they are', () => {
    const file = join(root, 'ledger.jsonl');
    writeFileSync(file, `{"type":"charge"}\n${'x'.repeat(100_000)}`);
    cutTornTail(file);
    expect(readFileSync(file, 'utf8')).toBe('{"type":"charge"}\n');
    cutTornTail(file);
    expect(readFileSync(file, 'utf8')).toBe('{"type":"charge"}\n');
    cutTornTail(join(root, 'none.jsonl'));
    expect(() => readFileSync(join(root, 'none.jsonl'))).toThrow(/ENOENT/);
  });
});
