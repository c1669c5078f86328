import { loadOrgForReading } from '../org/load-org.js';
import type { Org } from '../org/org.js';
import { DEFAULT_LIMITS, type AnalysisLimits } from './analysis-limits.js';
import { bottlenecks, type Bottleneck } from './bottlenecks/bottlenecks.js';
import { escalationStorms, type EscalationStorm } from './failures/escalation-storms.js';
import { pingPongs, type PingPong } from './failures/ping-pong.js';
import { repeatedMessages, type RepeatedMessage } from './failures/repeated-messages.js';
import { silentMembers, type SilentMember } from './failures/silent-members.js';
import { agentLoads, type AgentLoad } from './network/agent-load.js';
import { edgeUsage, type EdgeUsage } from './network/edge-use.js';
import type { OrgRecords } from './records/org-records.js';
import { readOrgRecords } from './records/read-records.js';
import { requestPaths, type RequestPath, type UnansweredRequest } from './requests/request-paths.js';

/** The org's network measured from its files: what `lemming analyze --json` prints and the dashboard's Analysis tab shows. */
export interface OrgAnalysis {
  org: string;
  /** The last finished turn the figures run to. */
  turn: number;
  messages: number;
  limits: AnalysisLimits;
  agents: AgentLoad[];
  edges: EdgeUsage;
  requests: RequestPath[];
  unanswered: UnansweredRequest[];
  bottlenecks: Bottleneck[];
  /** Failure patterns in the sense of the MAST taxonomy of multi-agent failures. */
  failures: {
    pingPongs: PingPong[];
    repeatedMessages: RepeatedMessage[];
    silentMembers: SilentMember[];
    escalationStorms: EscalationStorm[];
  };
}

/** Every measure of the analysis, from records already read. Pure: a test hands it records it built. */
export function analyzeRecords(name: string, records: OrgRecords, limits: AnalysisLimits = DEFAULT_LIMITS): OrgAnalysis {
  const { answered, unanswered } = requestPaths(records);
  return {
    org: name,
    turn: records.turn,
    messages: records.messages.length,
    limits,
    agents: agentLoads(records),
    edges: edgeUsage(records),
    requests: answered,
    unanswered,
    bottlenecks: bottlenecks(records, limits),
    failures: {
      pingPongs: pingPongs(records, limits),
      repeatedMessages: repeatedMessages(records),
      silentMembers: silentMembers(records),
      escalationStorms: escalationStorms(records, limits),
    },
  };
}

/**
 * Analyse the org at `root` (or one already loaded, as the CLI and the dashboard hold it) from its
 * message files, activity logs, ledger and chart. Reads only: an experiment's report calls it on
 * each run's folder after the run.
 */
export function analyzeOrg(root: string, org?: Org, limits: AnalysisLimits = DEFAULT_LIMITS): OrgAnalysis {
  const loaded = org ?? loadOrgForReading(root).org;
  return analyzeRecords(loaded.name, readOrgRecords(loaded), limits);
}

/** The number of findings: bottlenecks, unanswered requests and failure patterns (0: nothing to look at). */
export function findingCount(analysis: OrgAnalysis): number {
  const { failures } = analysis;
  return analysis.bottlenecks.length + analysis.unanswered.length + failures.pingPongs.length + failures.repeatedMessages.length + failures.silentMembers.length + failures.escalationStorms.length;
}
