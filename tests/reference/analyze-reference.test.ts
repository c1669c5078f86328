import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { HandBuiltOrg, troubledOrg } from '../helpers/hand-built-org.js';
import { REPO_ROOT } from '../helpers/org-files.js';
import { tempDir } from '../helpers/temp-dirs.js';

const TINY = join(REPO_ROOT, 'tests', 'fixtures', 'network', 'tiny-edges.txt');
const TINY_LABELS = join(REPO_ROOT, 'tests', 'fixtures', 'network', 'tiny-labels.txt');

interface ComparisonJson {
  reference: { people: number; edges: number; selfLoops: number; departments: number };
  runs: Array<{ source: string; people: number; edges: number }>;
  rows: Array<{ measure: string; real: number; runs: number[]; mean: number; interval: [number, number]; alike?: true }>;
}

/**
 * Two runs of the default org (manager, planner, hr, coder_01, janitor; all in the manager's branch,
 * so one department) whose networks are known: manager→planner, planner→manager, planner→coder_01,
 * coder_01→planner, manager→hr, coder_01→manager; the second run also hr→manager. The human's mail,
 * and a message written twice, add no edge.
 */
function twoRuns(): string {
  const org = new HandBuiltOrg();
  const task = org.send(0, 'human', 'manager', 'Plan the release.');
  for (const [from, to] of [['manager', 'planner'], ['planner', 'manager'], ['planner', 'coder_01'], ['coder_01', 'planner'], ['manager', 'hr'], ['coder_01', 'manager'], ['manager', 'planner']] as const) {
    org.send(1, from, to, `From ${from} to ${to}.`, { replyTo: task });
  }
  org.send(2, 'manager', 'human', 'Done.', { replyTo: task });
  org.finished(2);
  const runs = tempDir();
  cpSync(org.root, join(runs, 'study-r1'), { recursive: true });
  org.send(2, 'hr', 'manager', 'Anything else?');
  cpSync(org.root, join(runs, 'study-r2'), { recursive: true });
  return runs;
}

/** Wilson's score interval of `share` of `n` trials at 95 %, worked by its formula (z = 1.959964), apart from src/statistics/. */
function wilsonByHand(share: number, n: number): [number, number] {
  const z = 1.959964;
  const centre = share + (z * z) / (2 * n);
  const spread = z * Math.sqrt((share * (1 - share)) / n + (z * z) / (4 * n * n));
  return [(centre - spread) / (1 + (z * z) / n), (centre + spread) / (1 + (z * z) / n)];
}

describe('lemming analyze --reference', () => {
  test('each run against a real network worked out by hand: the real value, each run, the mean and its interval', () => {
    const runs = twoRuns();
    const run = lemming(runs, ['analyze', '--reference', TINY, '--labels', TINY_LABELS, '--runs', runs, '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const comparison = JSON.parse(run.stdout) as ComparisonJson;
    expect(comparison.reference).toMatchObject({ people: 4, edges: 5, selfLoops: 1, departments: 2 });
    expect(comparison.runs.map((entry) => [entry.people, entry.edges])).toEqual([[5, 6], [5, 7]]);
    const rows = new Map(comparison.rows.map((row) => [row.measure, row]));
    const expected: Record<string, [number, number, number]> = {
      // [real, run 1, run 2]
      edgesPerPerson: [5 / 4, 6 / 5, 7 / 5],
      // Out-degrees real [1,1,1,2], run 1 [0,0,2,2,2], run 2 [0,1,2,2,2].
      ksOutDegree: [0, 0.4, 0.35],
      // In-degrees real [1,1,1,2], run 1 [0,1,1,2,2], run 2 [0,1,1,2,3].
      ksInDegree: [0, 0.2, 0.2],
      reciprocity: [4 / 5, 4 / 6, 6 / 7],
      insideDepartments: [4 / 5, 1, 1],
      // manager, planner, coder_01 make a triangle: manager's coefficient 1/3 (hr is its third neighbour), the two others 1.
      clustering: [0, 7 / 15, 7 / 15],
      // hr and janitor never write in run 1; in run 2 only the janitor.
      neverWrite: [0, 2 / 5, 1 / 5],
    };
    expect([...rows.keys()]).toEqual(Object.keys(expected));
    for (const [measure, [real, first, second]] of Object.entries(expected)) {
      const row = rows.get(measure);
      expect(row?.real, measure).toBeCloseTo(real, 12);
      expect(row?.runs[0], measure).toBeCloseTo(first, 12);
      expect(row?.runs[1], measure).toBeCloseTo(second, 12);
      expect(row?.mean, measure).toBeCloseTo((first + second) / 2, 12);
      if (first === second) {
        // Two runs alike show no spread: a share's interval is the Wilson interval of the two runs as trials, never [x, x].
        const [low, high] = wilsonByHand(first, 2);
        expect([row?.interval[0], row?.interval[1], row?.alike], measure).toEqual([expect.closeTo(low, 6), expect.closeTo(high, 6), true]);
        continue;
      }
      // Two runs, the run the unit: the mean ± t(0.975, 1)·|first − second|/2, t(0.975, 1) = 12.7062.
      // Clamped to what the measure can be: 0 to 1 but for edges per person.
      expect(row?.interval[0], measure).toBeCloseTo(Math.max(0, (first + second) / 2 - (12.7062 * Math.abs(first - second)) / 2), 3);
      expect(row?.interval[1], measure).toBeCloseTo(Math.min(measure === 'edgesPerPerson' ? Infinity : 1, (first + second) / 2 + (12.7062 * Math.abs(first - second)) / 2), 3);
    }

    const text = lemming(runs, ['analyze', '--reference', TINY, '--labels', TINY_LABELS, '--runs', runs]);
    expect(text.stdout).toContain('Real: ');
    expect(text.stdout).toContain('4 people, 5 directed edges between them (1 self-loop(s) left out), 2 departments');
    expect(text.stdout).toContain('Simulated: 2 runs,');
    // Two runs that differ: a t interval over them spans the whole range a share can take.
    expect(text.stdout).toContain('| reciprocity (share of edges returned) | 0.800 | 0.762 | [0.000, 1.000] |');
    // Two runs alike (7/15 each): before, [0.467, 0.467]; now the Wilson interval of the two runs.
    const [low, high] = wilsonByHand(7 / 15, 2);
    expect(text.stdout).toContain(`| clustering (average local coefficient) | 0.000 | 0.467 | [${low.toFixed(3)}, ${high.toFixed(3)}] |`);
  });

  test('one org, without departments: one run, and no department share', () => {
    const runs = twoRuns();
    const run = lemming(join(runs, 'study-r2'), ['analyze', '--reference', TINY]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Simulated: one run,');
    expect(run.stdout).not.toContain('inside departments |');
    expect(run.stdout).toContain("No department share: give the real network's departments with --labels.");
  });

  test('runs of two variants are not repeats of one: --variant picks them', () => {
    const runs = twoRuns();
    cpSync(join(runs, 'study-r1'), join(runs, 'other'), { recursive: true });
    const mixed = lemming(runs, ['analyze', '--reference', TINY, '--runs', runs]);
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toContain(`${runs}: holds runs of 2 variants (other, study), which are not repeats of one; say which with --variant other`);
    const picked = JSON.parse(lemming(runs, ['analyze', '--reference', TINY, '--runs', runs, '--variant', 'study', '--json']).stdout) as ComparisonJson;
    expect(picked.runs.map((entry) => entry.source)).toEqual([join(runs, 'study-r1'), join(runs, 'study-r2')]);
    expect(lemming(runs, ['analyze', '--reference', TINY, '--runs', runs, '--variant', 'none']).stderr).toContain('holds no run of variant "none"; its variants are other, study');
  });

  test('--labels and --runs without --reference, and a folder with no runs, are refused', () => {
    const folder = tempDir();
    const stray = lemming(folder, ['analyze', '--labels', TINY_LABELS]);
    expect(stray.status).toBe(2);
    expect(stray.stderr).toContain('--labels, --runs and --windows go with --reference EDGES');
    const empty = lemming(folder, ['analyze', '--reference', TINY, '--runs', folder]);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain(`${folder}: holds no run (no folder with org/chart.yaml)`);
  });
});

describe("analyze's findings as MAST's failure modes", () => {
  interface Mode {
    code: string;
    name: string;
    category: string;
    detectable: boolean;
    findings: number;
    present: boolean;
    from: string[];
  }

  test('a ping-pong is step repetition and unawareness of termination, an unanswered request premature termination: in the JSON and the text', () => {
    const org = troubledOrg();
    const analysis = JSON.parse(lemming(org.root, ['analyze', '--json']).stdout) as { mast: Mode[] };
    expect(analysis.mast).toHaveLength(14);
    const mode = (code: string) => analysis.mast.find((entry) => entry.code === code);
    expect(mode('FM-1.3')).toEqual({ code: 'FM-1.3', name: 'Step repetition', category: 'Specification issues', detectable: true, findings: 1, present: true, from: ['pingPongs'] });
    expect(mode('FM-1.5')).toMatchObject({ name: 'Unaware of termination conditions', findings: 1, present: true, from: ['pingPongs'] });
    expect(mode('FM-3.1')).toMatchObject({ name: 'Premature termination', category: 'Task verification', findings: 1, from: ['unanswered'] });
    expect(mode('FM-2.5')).toMatchObject({ name: "Ignored other agent's input", category: 'Inter-agent misalignment', detectable: true, findings: 0, present: false, from: [] });
    expect(mode('FM-2.6')).toMatchObject({ name: 'Reasoning-action mismatch', detectable: false, findings: 0 });
    expect(analysis.mast.filter((entry) => entry.detectable).map((entry) => entry.code)).toEqual(['FM-1.3', 'FM-1.5', 'FM-2.4', 'FM-2.5', 'FM-3.1']);

    const text = lemming(org.root, ['analyze']).stdout;
    expect(text).toContain('- **Ping-pong** coder_01 ⇄ planner: 5 messages back and forth in turns 2–6, nothing else done (000002-planner-001 …) (MAST FM-1.3, FM-1.5)');
    expect(text).toMatch(/- \*\*Unanswered request\*\* 000008-human-001 .* \(MAST FM-3\.1\)/);
    // A bottleneck is the organisation's load: no MAST mode after it.
    expect(text).toMatch(/- \*\*Bottleneck\*\* hr: .*still unread\n/);
    expect(text).toContain('## MAST failure modes');
    expect(text).toContain('| FM-1.3 Step repetition | Specification issues | 1 | pingPongs |');
    expect(text).toContain('| FM-3.1 Premature termination | Task verification | 1 | unanswered |');
    expect(text).toContain('| FM-2.4 Information withholding | Inter-agent misalignment | 0 | – |');
    expect(text).toContain("how far they agree with MAST's annotators is not measured (no annotated trace scored)");
  });
});
