import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendLog, cutLogFromTurn, readLog, readLogSince, type LogEntry } from '../../src/engine/record/agent-log.js';
import { LOG_SEGMENT_BYTES } from '../../src/engine/record/log-segments.js';
import { enterCommand } from '../../src/invocation.js';
import { ActivityCounter } from '../../src/web/views/activity-counts.js';

let root: string;
const log = (): string => join(root, 'agents', 'ada', 'logs', 'activity.jsonl');
const pieces = (): string[] => {
  try {
    return readdirSync(join(root, 'agents', 'ada', 'logs', 'activity')).sort();
  } catch {
    return [];
  }
};

/** A turn's lines as the engine writes them: a call, a refusal, a send; about 400 bytes. */
function turnLines(turn: number): LogEntry[] {
  const at = `2026-11-26T00:00:${String(turn % 60).padStart(2, '0')}Z`;
  return [
    { turn, at, event: 'called', model: 'offline', shown: 1, inputTokens: 120, outputTokens: 30, credits: 0.001 },
    { turn, at, event: 'refused', reason: 'bob is not in ada.send_to (org/chart.yaml)', to: 'bob' },
    { turn, at, event: 'sent', id: `${String(turn).padStart(6, '0')}-ada-001`, to: ['carol'], subject: `Progress on the ferry timetable, turn ${turn}` },
  ];
}

/** What a new process knows of the logs: nothing (each command starts so). */
function forgetCommandState(): void {
  enterCommand({ env: process.env, cwd: process.cwd() })();
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lemming-log-pieces-'));
  forgetCommandState();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('an activity log kept in pieces', () => {
  it('stays near its piece size however many turns append to it, and reads back whole, in order, across its pieces', () => {
    for (let turn = 1; turn <= 120; turn += 1) appendLog(root, 'ada', turnLines(turn));
    // 120 turns of some 500 bytes: the log itself holds the last few turns, its pieces the rest.
    expect(statSync(log()).size).toBeLessThan(LOG_SEGMENT_BYTES + 1024);
    expect(pieces().length).toBeGreaterThanOrEqual(5);
    expect(pieces()[0]).toBe('000001.jsonl');
    const all = readLog(root, 'ada');
    expect(all).toHaveLength(360);
    expect(all.map((entry) => entry.turn)).toEqual(Array.from({ length: 120 }, (_, index) => [index + 1, index + 1, index + 1]).flat());
    // No turn's lines are split between two pieces: each piece begins with a turn's first line.
    for (const piece of pieces()) {
      const first = JSON.parse(readFileSync(join(root, 'agents', 'ada', 'logs', 'activity', piece), 'utf8').split('\n')[0] as string) as LogEntry;
      expect(first.event).toBe('called');
    }
    expect(readLog(root, 'ada', 7).map((entry) => entry.turn)).toEqual([118, 118, 119, 119, 119, 120, 120, 120].slice(1));
    // From an early turn: back through the pieces, oldest first.
    expect(readLogSince(root, 'ada', 3).map((entry) => entry.turn)).toEqual(all.filter((entry) => entry.turn >= 3).map((entry) => entry.turn));
    expect(readLogSince(root, 'ada', 120)).toHaveLength(3);
  });

  it('never moves a turn it is still writing, and in a new process reads the last line to know', () => {
    for (let turn = 1; turn <= 30; turn += 1) appendLog(root, 'ada', turnLines(turn));
    const before = pieces().length;
    // Fill the log past its size within turn 30, in a fresh process as far as the log knows.
    forgetCommandState();
    for (let step = 0; step < 40; step += 1) appendLog(root, 'ada', turnLines(30));
    expect(pieces().length).toBe(before);
    expect(statSync(log()).size).toBeGreaterThan(LOG_SEGMENT_BYTES);
    forgetCommandState();
    appendLog(root, 'ada', turnLines(31));
    expect(pieces().length).toBe(before + 1);
    expect(readLog(root, 'ada').map((entry) => entry.turn)).toEqual(readLog(root, 'ada').map((entry) => entry.turn).sort((left, right) => left - right));
    expect(readLogSince(root, 'ada', 31)).toHaveLength(3);
  });

  it("cuts a crashed attempt's lines from the log itself, and the replay cuts the log into the same pieces", () => {
    const run = (crash: boolean): string[] => {
      rmSync(join(root, 'agents'), { recursive: true, force: true });
      forgetCommandState();
      for (let turn = 1; turn <= 60; turn += 1) {
        if (crash && turn === 45) {
          // The attempt writes its lines and fails; the turn is taken again (in this process), cutting them first.
          appendLog(root, 'ada', turnLines(turn));
          appendLog(root, 'ada', turnLines(turn));
          cutLogFromTurn(root, 'ada', turn);
        }
        appendLog(root, 'ada', turnLines(turn));
      }
      return [...pieces().map((piece) => readFileSync(join(root, 'agents', 'ada', 'logs', 'activity', piece), 'utf8')), readFileSync(log(), 'utf8')];
    };
    expect(run(true)).toEqual(run(false));
  });

  it('is counted once by the dashboard across pieces, however the pieces came between two looks', () => {
    const counter = new ActivityCounter(root);
    const expected = (turns: number): number => turns;
    for (let turn = 1; turn <= 10; turn += 1) appendLog(root, 'ada', turnLines(turn));
    expect(counter.counts().refusals['chart send_to']).toBe(expected(10));
    // Moved to a piece, and grown again past where it was counted, between two looks.
    for (let turn = 11; turn <= 50; turn += 1) appendLog(root, 'ada', turnLines(turn));
    expect(counter.counts().refusals['chart send_to']).toBe(expected(50));
    for (let turn = 51; turn <= 53; turn += 1) appendLog(root, 'ada', turnLines(turn));
    expect(counter.counts().refusals['chart send_to']).toBe(expected(53));
    // A line a person added by hand is counted too; a fresh counter agrees.
    appendFileSync(log(), `${JSON.stringify({ turn: 53, at: 'x', event: 'refused', reason: 'carol is not in ada.read_from' })}\n`);
    expect(counter.counts().refusals).toEqual({ 'chart send_to': 53, 'chart read_from': 1 });
    expect(new ActivityCounter(root).counts().refusals).toEqual({ 'chart send_to': 53, 'chart read_from': 1 });
  });
});
