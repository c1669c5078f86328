import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { defaultOrg } from '../helpers/temp-org.js';

/** A manager without the credits for a call: the human's request waits on it, unanswered, in every repeat. */
const STUDY = `name: network
turns: 20
parallel: 2
repeats: 2
messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes for version 2 written and checked.
variants:
  - name: baseline
  - name: tight-manager
    resumes:
      manager: { credits: 0.004 }
`;

interface Analysis {
  agents: Array<{ agent: string; reports: string[] }>;
  edges: { used: Array<{ from: string; to: string; messages: number }>; unused?: unknown[] };
  unanswered: unknown[];
  bottlenecks: Array<{ agent: string }>;
  failures: Record<'pingPongs' | 'repeatedMessages' | 'silentMembers' | 'escalationStorms', unknown[]>;
}
interface Count {
  mean: number;
  min: number;
  max: number;
}
interface Network {
  variants: Array<{ variant: string; runs: number; counts: Record<string, Count>; messagesPerEdge: Record<string, number>; spanOfControl: Record<string, number>; bottleneckRuns: Record<string, number> }>;
  runs: Array<{ run: string; variant: string; messagesPerEdge: Record<string, number>; unanswered: number; bottlenecks: string[]; unusedEdges: number | null; failures: Record<string, number> }>;
}

function over(values: number[]): Count {
  return { mean: values.reduce((sum, value) => sum + value, 0) / values.length, min: Math.min(...values), max: Math.max(...values) };
}

describe('an experiment report measures each variant\'s organisation', () => {
  test('per-variant findings, messages per edge and span of control agree with `lemming analyze` on every run, aggregated over the repeats', { timeout: 180_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'network.yaml'), STUDY);
    const result = await lemmingAsync(root, ['experiment', join(root, 'network.yaml')]);
    expect(result.status, result.stderr).toBe(0);
    const folder = join(root, 'experiments/network');
    const network = (JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as { network: Network }).network;

    // Each run's figures are what `lemming analyze --json` says of that run's folder.
    const analyses = new Map<string, Analysis>();
    for (const run of ['baseline-r1', 'baseline-r2', 'tight-manager-r1', 'tight-manager-r2']) {
      const analyzed = lemming(join(folder, run), ['analyze', '--json']);
      expect(analyzed.status, analyzed.stderr).toBe(0);
      const analysis = JSON.parse(analyzed.stdout) as Analysis;
      analyses.set(run, analysis);
      const figures = network.runs.find((each) => each.run === run);
      expect(figures?.unanswered).toBe(analysis.unanswered.length);
      expect(figures?.bottlenecks).toEqual(analysis.bottlenecks.map((item) => item.agent));
      expect(figures?.unusedEdges).toBe(analysis.edges.unused?.length ?? null);
      expect(figures?.messagesPerEdge).toEqual(Object.fromEntries(analysis.edges.used.map((edge) => [`${edge.from} → ${edge.to}`, edge.messages])));
      for (const key of ['pingPongs', 'repeatedMessages', 'silentMembers', 'escalationStorms'] as const) expect(figures?.failures[key]).toBe(analysis.failures[key].length);
    }

    // Per variant: mean and range over the repeats, computed here from the analyses.
    for (const variant of ['baseline', 'tight-manager']) {
      const own = [1, 2].map((index) => analyses.get(`${variant}-r${index}`) as Analysis);
      const summary = network.variants.find((each) => each.variant === variant);
      expect(summary?.runs).toBe(2);
      expect(summary?.counts.unanswered).toEqual(over(own.map((analysis) => analysis.unanswered.length)));
      expect(summary?.counts.bottlenecks).toEqual(over(own.map((analysis) => analysis.bottlenecks.length)));
      expect(summary?.counts.silentMembers).toEqual(over(own.map((analysis) => analysis.failures.silentMembers.length)));
      expect(summary?.counts.unusedEdges).toEqual(over(own.map((analysis) => analysis.edges.unused?.length ?? 0)));
      const edges = new Set(own.flatMap((analysis) => analysis.edges.used.map((edge) => `${edge.from} → ${edge.to}`)));
      for (const edge of edges) {
        const per = own.map((analysis) => analysis.edges.used.find((each) => `${each.from} → ${each.to}` === edge)?.messages ?? 0);
        expect(summary?.messagesPerEdge[edge]).toBeCloseTo(per.reduce((sum, value) => sum + value, 0) / per.length, 6);
      }
      expect(summary?.spanOfControl.manager).toBe(own[0]?.agents.find((agent) => agent.agent === 'manager')?.reports.length);
    }

    // What a person notices: the baseline answers the human through the planner; the manager without credits leaves the request unanswered in both repeats.
    const baseline = network.variants.find((each) => each.variant === 'baseline');
    const tight = network.variants.find((each) => each.variant === 'tight-manager');
    expect(baseline?.counts.unanswered).toEqual({ mean: 0, min: 0, max: 0 });
    expect(baseline?.messagesPerEdge['manager → planner']).toBe(1);
    expect(tight?.counts.unanswered).toEqual({ mean: 1, min: 1, max: 1 });
    expect(tight?.messagesPerEdge['manager → planner'] ?? 0).toBe(0);

    const markdown = readFileSync(join(folder, 'report.md'), 'utf8');
    expect(markdown.indexOf('## The organisation measured')).toBeGreaterThan(markdown.indexOf('## Variants'));
    expect(markdown.indexOf('## The organisation measured')).toBeLessThan(markdown.indexOf('## Runs'));
    expect(markdown).toContain('| variant | runs | bottlenecks | unanswered requests | ping-pongs | repeated messages | silent members | escalation storms | unused edges |');
    expect(markdown).toMatch(/\| tight-manager \| 2 \| [\d.]+ \[\d+, \d+\] \| 1 \[1, 1\] \|/);
    expect(markdown).toMatch(/\| baseline \| 2 \| [\d.]+ \[\d+, \d+\] \| 0 \[0, 0\] \|/);
    expect(markdown).toMatch(/### Messages per edge\n\n.*\n\n\| edge \| baseline \| tight-manager \|\n/);
    expect(markdown).toContain('| manager → planner | 1 | 0 |');
    expect(markdown).toMatch(/### Span of control\n\n\| agent \| baseline \| tight-manager \|\n\| --- \| --- \| --- \|\n(\|.*\n)*\| manager \| 3 \| 3 \|/);
  });
});
