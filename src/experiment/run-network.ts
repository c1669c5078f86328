import { analyzeOrg } from '../analysis/analyze-org.js';
import type { OrgAnalysis } from '../analysis/org-analysis.js';
import { nameRecord } from '../org/names.js';

/**
 * One run's organisation measured (src/analysis/), cut down to the figures a report compares
 * across repeats: counts a mean can be taken of, keyed by names that mean the same in every
 * repeat of a variant (an agent, an edge `from → to`), never by message ids.
 */
export interface RunNetwork {
  run: string;
  variant: string;
  /** Messages along each edge a message went along, keyed `from → to`. */
  messagesPerEdge: Record<string, number>;
  /** Permitted edges no message went along; null when the chart had too many to count. */
  unusedEdges: number | null;
  permittedEdges: number | null;
  /** Span of control: how many agents report to each agent that has reports. */
  spanOfControl: Record<string, number>;
  /** Agents whose mail waited unread turn after turn (analysis `bottlenecks`). */
  bottlenecks: string[];
  /** Human requests no answer reached. */
  unanswered: number;
  /** Failure patterns in the MAST sense, counted. */
  failures: { pingPongs: number; repeatedMessages: number; silentMembers: number; escalationStorms: number };
  /** The MAST failure modes the run has (some finding is an instance of it), by code: `FM-1.3`. */
  mast: string[];
}

/** The figures of one analysis. Pure. */
export function networkOf(run: string, variant: string, analysis: OrgAnalysis): RunNetwork {
  // Keyed by agent names (an agent may be called "constructor"): no prototype, see org/names.ts.
  const messagesPerEdge: Record<string, number> = nameRecord();
  for (const edge of analysis.edges.used) messagesPerEdge[`${edge.from} → ${edge.to}`] = edge.messages;
  const spanOfControl: Record<string, number> = nameRecord();
  for (const agent of analysis.agents) if (agent.reports.length > 0) spanOfControl[agent.agent] = agent.reports.length;
  const { failures } = analysis;
  return {
    run,
    variant,
    messagesPerEdge,
    unusedEdges: analysis.edges.unused?.length ?? null,
    permittedEdges: analysis.edges.permitted ?? null,
    spanOfControl,
    bottlenecks: analysis.bottlenecks.map((item) => item.agent),
    unanswered: analysis.unanswered.length,
    failures: {
      pingPongs: failures.pingPongs.length,
      repeatedMessages: failures.repeatedMessages.length,
      silentMembers: failures.silentMembers.length,
      escalationStorms: failures.escalationStorms.length,
    },
    mast: analysis.mast.filter((mode) => mode.present).map((mode) => mode.code),
  };
}

/** Measure a finished run's org from its folder: reads only, as `lemming analyze` does. */
export function measureNetwork(root: string, run: string, variant: string): RunNetwork {
  return networkOf(run, variant, analyzeOrg(root));
}
