import { nameRecord, nameRecordOf } from '../org/names.js';
import { tidy } from '../statistics/summary.js';
import type { RunNetwork } from './run-network.js';

/** A count over a variant's repeats: its mean and its range. */
export interface CountOverRuns {
  mean: number;
  min: number;
  max: number;
}

/** The finding counts a report compares, in the order its table shows them. */
export const NETWORK_COUNTS = [
  { key: 'bottlenecks', label: 'bottlenecks', of: (run: RunNetwork): number => run.bottlenecks.length },
  { key: 'unanswered', label: 'unanswered requests', of: (run: RunNetwork): number => run.unanswered },
  { key: 'pingPongs', label: 'ping-pongs', of: (run: RunNetwork): number => run.failures.pingPongs },
  { key: 'repeatedMessages', label: 'repeated messages', of: (run: RunNetwork): number => run.failures.repeatedMessages },
  { key: 'silentMembers', label: 'silent members', of: (run: RunNetwork): number => run.failures.silentMembers },
  { key: 'escalationStorms', label: 'escalation storms', of: (run: RunNetwork): number => run.failures.escalationStorms },
  { key: 'unusedEdges', label: 'unused edges', of: (run: RunNetwork): number | null => run.unusedEdges },
] as const;

/** One variant's organisation over its repeats. */
export interface VariantNetwork {
  variant: string;
  runs: number;
  /** Each of NETWORK_COUNTS over the runs (unused edges: over the runs whose chart could be counted; absent when none). */
  counts: Partial<Record<(typeof NETWORK_COUNTS)[number]['key'], CountOverRuns>>;
  /** Mean messages per run along each edge (a run that never used it counts 0), busiest first. */
  messagesPerEdge: Record<string, number>;
  /** Mean span of control of each agent that had reports in some run. */
  spanOfControl: Record<string, number>;
  /** In how many runs each agent was a bottleneck. */
  bottleneckRuns: Record<string, number>;
  /** In how many runs each MAST failure mode was present (MAST counts a mode once per trace), by code. */
  mastRuns: Record<string, number>;
}

function over(values: number[]): CountOverRuns {
  return { mean: tidy(values.reduce((sum, value) => sum + value, 0) / values.length), min: Math.min(...values), max: Math.max(...values) };
}

/** Mean per key over the runs, a run without the key counting 0. */
function meanPerKey(records: Array<Record<string, number>>, order: (left: [string, number], right: [string, number]) => number): Record<string, number> {
  const keys = [...new Set(records.flatMap((record) => Object.keys(record)))];
  const means = keys.map((key): [string, number] => [key, tidy(records.reduce((sum, record) => sum + (Object.hasOwn(record, key) ? (record[key] ?? 0) : 0), 0) / records.length)]);
  return nameRecordOf(means.sort(order));
}

/** Each variant's network figures over its repeats, in the variants' order; variants without a measured run are left out. Pure. */
export function summariseNetworks(variants: readonly string[], runs: readonly RunNetwork[]): VariantNetwork[] {
  return variants.flatMap((variant) => {
    const own = runs.filter((run) => run.variant === variant);
    if (own.length === 0) return [];
    const counts: VariantNetwork['counts'] = {};
    for (const count of NETWORK_COUNTS) {
      const values = own.flatMap((run) => {
        const value = count.of(run);
        return value === null ? [] : [value];
      });
      if (values.length > 0) counts[count.key] = over(values);
    }
    const bottleneckRuns: Record<string, number> = nameRecord();
    for (const run of own) for (const agent of new Set(run.bottlenecks)) bottleneckRuns[agent] = (bottleneckRuns[agent] ?? 0) + 1;
    const mastRuns: Record<string, number> = nameRecord();
    for (const run of own) for (const code of run.mast ?? []) mastRuns[code] = (mastRuns[code] ?? 0) + 1;
    return [
      {
        variant,
        runs: own.length,
        counts,
        messagesPerEdge: meanPerKey(own.map((run) => run.messagesPerEdge), (left, right) => right[1] - left[1] || (left[0] < right[0] ? -1 : 1)),
        spanOfControl: meanPerKey(own.map((run) => run.spanOfControl), (left, right) => (left[0] < right[0] ? -1 : 1)),
        bottleneckRuns,
        mastRuns,
      },
    ];
  });
}
