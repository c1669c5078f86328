import { describe, expect, it } from 'vitest';
import { analyzeRecords } from '../../src/analysis/analyze-org.js';
import type { MessageRecord, OrgRecords, TurnActivity } from '../../src/analysis/records/org-records.js';

/**
 * Each of the five MAST modes lemming's rules can detect (src/analysis/failures/mast.ts), held to a
 * run where it happens and one, alike but for that, where it does not: the rule fires on the first
 * and not on the second. Records are built by hand (no engine): a person, a manager and two workers.
 */
class Run {
  readonly messages: MessageRecord[] = [];
  readonly activity = new Map<string, Map<number, TurnActivity>>();
  private count = 0;

  send(turn: number, from: string, to: string, body: string, replyTo?: string): string {
    this.count += 1;
    const id = `${String(turn).padStart(6, '0')}-${from}-${String(this.count).padStart(3, '0')}`;
    this.messages.push({ id, from, to, turn, priority: 'normal', body, ...(replyTo === undefined ? {} : { replyTo }) });
    return id;
  }

  /** A call of `agent` in `turn` was shown these messages and made nothing. */
  shown(turn: number, agent: string, ids: string[]): void {
    let turns = this.activity.get(agent);
    if (!turns) this.activity.set(agent, (turns = new Map()));
    turns.set(turn, { called: true, read: ids, madeSomething: false });
  }

  made(turn: number, agent: string): void {
    let turns = this.activity.get(agent);
    if (!turns) this.activity.set(agent, (turns = new Map()));
    turns.set(turn, { called: true, read: [], madeSomething: true });
  }

  /** The MAST codes present in the run, as `lemming analyze` reports them, after `turn` finished turns. */
  modes(turn: number): string[] {
    const records: OrgRecords = {
      turn,
      agents: [
        { name: 'ada', isHuman: false, reportsTo: 'manager' },
        { name: 'bo', isHuman: false, reportsTo: 'manager' },
        { name: 'human', isHuman: true, reportsTo: null },
        { name: 'manager', isHuman: false, reportsTo: 'human' },
      ],
      messages: this.messages,
      activity: this.activity,
      charges: new Map(),
    };
    return analyzeRecords('mast', records).mast.filter((mode) => mode.present).map((mode) => mode.code);
  }
}

/** A request answered through one worker: the start both examples of a mode share. */
function answered(run: Run): string {
  const request = run.send(0, 'human', 'manager', 'Write the release notes.');
  const task = run.send(1, 'manager', 'ada', 'Draft the release notes.', request);
  const draft = run.send(2, 'ada', 'manager', 'Drafted: notes.md.', task);
  run.send(3, 'manager', 'human', 'The release notes are in notes.md.', draft);
  return request;
}

describe('MAST detectors, each held to a run where its mode happens and one where it does not', () => {
  it('the baseline (a request answered through one worker) shows no mode', () => {
    const run = new Run();
    answered(run);
    expect(run.modes(4)).toEqual([]);
  });

  it('FM-1.3 step repetition: the same message in two turns fires; the same text to two agents in one turn (a broadcast) does not', () => {
    const repeated = new Run();
    answered(repeated);
    repeated.send(4, 'manager', 'bo', 'Please check the release notes.');
    const again = repeated.send(6, 'manager', 'bo', 'Please  check the release notes.');
    repeated.send(7, 'bo', 'manager', 'Checked.', again);
    expect(repeated.modes(8)).toEqual(['FM-1.3']);
    const broadcast = new Run();
    answered(broadcast);
    const toBo = broadcast.send(4, 'manager', 'bo', 'Please check the release notes.');
    const toAda = broadcast.send(4, 'manager', 'ada', 'Please check the release notes.');
    broadcast.send(5, 'bo', 'manager', 'Checked.', toBo);
    broadcast.send(5, 'ada', 'manager', 'Checked too.', toAda);
    expect(broadcast.modes(8)).toEqual([]);
  });

  it('FM-1.5 unaware of termination: four messages back and forth with nothing made fires; the same exchange with a file written in it does not', () => {
    const exchange = (run: Run): void => {
      answered(run);
      run.send(4, 'ada', 'bo', 'Shall we add the changelog?');
      run.send(5, 'bo', 'ada', 'If you think so.');
      run.send(6, 'ada', 'bo', 'Only if you agree.');
      run.send(7, 'bo', 'ada', 'I agree if you do.');
    };
    const bouncing = new Run();
    exchange(bouncing);
    expect(bouncing.modes(8)).toEqual(expect.arrayContaining(['FM-1.5']));
    const working = new Run();
    exchange(working);
    working.made(5, 'bo');
    expect(working.modes(8)).not.toContain('FM-1.5');
  });

  it('FM-2.4 information withholding and FM-2.5 ignored input: a worker shown its mail that never writes fires both; one that answers, or is never shown it, fires neither', () => {
    const silent = new Run();
    answered(silent);
    silent.shown(5, 'bo', [silent.send(4, 'manager', 'bo', 'Check the figures in notes.md.')]);
    expect(silent.modes(6)).toEqual(['FM-2.4', 'FM-2.5']);
    // Mail never shown to it (not called: not drawn by activation, out of credits) is not ignored.
    const held = new Run();
    answered(held);
    held.send(4, 'manager', 'bo', 'Check the figures in notes.md.');
    expect(held.modes(6)).toEqual([]);
    const answering = new Run();
    answered(answering);
    const asked = answering.send(4, 'manager', 'bo', 'Check the figures in notes.md.');
    answering.send(5, 'bo', 'manager', 'The figures are right.', asked);
    expect(answering.modes(6)).toEqual([]);
    // Mail it could not yet read (sent in the last finished turn) is not ignored.
    const late = new Run();
    answered(late);
    late.send(6, 'manager', 'bo', 'Check the figures in notes.md.');
    expect(late.modes(6)).toEqual([]);
  });

  it('FM-3.1 premature termination: a request no answer reached fires; the same request answered does not', () => {
    const stopped = new Run();
    const request = stopped.send(0, 'human', 'manager', 'Write the release notes.');
    const task = stopped.send(1, 'manager', 'ada', 'Draft the release notes.', request);
    stopped.send(2, 'ada', 'manager', 'Drafted: notes.md.', task);
    expect(stopped.modes(4)).toEqual(['FM-3.1']);
    const done = new Run();
    answered(done);
    expect(done.modes(4)).toEqual([]);
  });
});
