import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runTimeBefore, startsOf } from '../../src/experiment/run-metrics.js';
import type { RunAttempt } from '../../src/experiment/run-process.js';
import { lemmingAsync } from '../helpers/cli.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { defaultOrg } from '../helpers/temp-org.js';

/**
 * A run's `attempts` say how many times it had to be started: once, and once more for each resume
 * after a failure or a kill. A survey question due after a turn stops the run's engine there and
 * starts it again once the agents have answered; that is the run going as planned, not a second
 * attempt. Every run of such a study read `attempts 2` before, which a reader takes for a run that
 * failed once.
 */

const STUDY = `name: paused
turns: 8
repeats: 2
messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes for version 2 written and checked.
survey:
  - question: How busy are you, from 1 to 5?
    number: true
    after_turn: 2
variants:
  - name: baseline
`;

const attempt = (exitCode: number | null, reason?: 'turn-cap' | 'idle'): RunAttempt => ({
  startedAt: '2026-11-29T00:00:00.000Z',
  wallMs: 10,
  exitCode,
  stderr: '',
  ...(reason ? { finished: { type: 'run-finished', reason, turns: 2, lastTurn: 2 } as unknown as NonNullable<RunAttempt['finished']> } : {}),
});

describe("a run's attempts", () => {
  test('a survey after turn 2 pauses each run once: runs.csv and report.md say 1 attempt, and the question was asked after turn 2', { timeout: 300_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'paused.yaml'), STUDY);
    const tables = join(root, 'tables');
    const result = await lemmingAsync(root, ['experiment', join(root, 'paused.yaml'), '--csv', tables]);
    expect(result.status, result.stderr).toBe(0);
    const folder = join(root, 'experiments/paused');
    // The engine was started twice for each run: before the question and after it.
    expect(JSON.parse(readFileSync(join(folder, 'baseline-r1/experiment-attempts.json'), 'utf8'))).toHaveLength(2);
    const csv = readTablesFolder(tables);
    expect(csv.runs?.map((row) => [row.run, row.attempts])).toEqual([['baseline-r1', '1'], ['baseline-r2', '1']]);
    expect(csv.survey_answers?.every((row) => row.asked_after_turn === '2')).toBe(true);
    expect(readFileSync(join(folder, 'report.md'), 'utf8')).toMatch(/^\| baseline-r1 \| idle \| .* \| 1 \|$/m);
  });

  test('a start after a failure or a kill counts; a start after a planned pause at a turn does not', () => {
    expect(startsOf([attempt(0, 'idle')])).toBe(1);
    expect(startsOf([attempt(0, 'turn-cap'), attempt(0, 'idle')])).toBe(1);
    expect(startsOf([attempt(1), attempt(0, 'idle')])).toBe(2);
    expect(startsOf([attempt(null), attempt(0, 'turn-cap'), attempt(1), attempt(0, 'idle')])).toBe(3);
    expect(startsOf([])).toBe(0);
  });

  test("the human's answer is timed in the run's own time, as its wall time is: the attempts' time before it, not the pauses and kills between them", () => {
    const at = (iso: string, wallMs: number): RunAttempt => ({ startedAt: `2026-11-29T00:${iso}.000Z`, wallMs, exitCode: 0, stderr: '' });
    // Started at 00:00, paused for a survey after 2 s, started again at 00:30 (28 s asking), the answer 3 s into that attempt.
    expect(runTimeBefore([at('00:00', 2_000), at('00:30', 5_000)], Date.parse('2026-11-29T00:00:33.000Z'))).toBe(5_000);
    // A kill, and the run started again an hour later: the hour is no time of the run's.
    expect(runTimeBefore([at('00:00', 4_000), at('00:00', 1_000)].map((each, index) => (index === 1 ? { ...each, startedAt: '2026-11-29T01:00:00.000Z' } : each)), Date.parse('2026-11-29T01:00:00.500Z'))).toBe(4_500);
    // Within the first attempt, and before any.
    expect(runTimeBefore([at('00:00', 2_000)], Date.parse('2026-11-29T00:00:01.250Z'))).toBe(1_250);
    expect(runTimeBefore([at('00:10', 2_000)], Date.parse('2026-11-29T00:00:05.000Z'))).toBe(0);
  });
});
