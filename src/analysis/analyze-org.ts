import { loadOrgForReading } from '../org/load-org-once.js';
import { nameRecordOf } from '../org/names.js';
import type { Org } from '../org/org.js';
import { DEFAULT_LIMITS, orgLimits, type AnalysisLimits } from './analysis-limits.js';
import { bottlenecks } from './bottlenecks/bottlenecks.js';
import { escalationStorms } from './failures/escalation-storms.js';
import { mastModes } from './failures/mast.js';
import { pingPongs } from './failures/ping-pong.js';
import { repeatedMessages } from './failures/repeated-messages.js';
import { silentMembers } from './failures/silent-members.js';
import { agentLoads } from './network/agent-load.js';
import { edgeUsage } from './network/edge-use.js';
import type { OrgAnalysis } from './org-analysis.js';
import type { OrgRecords } from './records/org-records.js';
import { readOrgRecords } from './records/read-records.js';
import { requestPaths } from './requests/request-paths.js';
import { countForms } from '../format/mail-outcomes.js';
import { deliveriesOf } from './records/deliveries.js';
import { reachByTurn } from './network/reach.js';
import { activationDraws, callsAtMaxSteps, refusalCounts } from './refusals/refusal-counts.js';
import { answeredInLedger, reportProvenance } from '../provenance/report-provenance.js';
import { orgSettings } from '../provenance/org-settings.js';
import { agentsNeverDrawn, holdsReached, maxStepsReached, rulesDrawingNobody } from '../provenance/limits-reached.js';

export type { OrgAnalysis };

/**
 * The messages each human seat wrote (the person's, and an outside program's at a seat of its own:
 * docs/mcp.md), keyed by seat, every seat named: analyze counts them among its messages, an
 * experiment's `messages` does not.
 */
function seatMessages(records: OrgRecords): Record<string, number> {
  const bySeat = nameRecordOf<number>(records.agents.filter((agent) => agent.isHuman).map((agent) => [agent.name, 0]));
  for (const message of records.messages) if (message.from in bySeat) bySeat[message.from] = (bySeat[message.from] ?? 0) + 1;
  return bySeat;
}

/** Every measure of the analysis, from records already read. Pure: a test hands it records it built. */
export function analyzeRecords(name: string, records: OrgRecords, limits: AnalysisLimits = DEFAULT_LIMITS): OrgAnalysis {
  const { answered, unanswered } = requestPaths(records);
  const refusals = refusalCounts(records);
  const bySeat = seatMessages(records);
  const analysis: Omit<OrgAnalysis, 'mast'> = {
    org: name,
    turn: records.turn,
    messages: records.messages.length,
    personMessages: Object.values(bySeat).reduce((sum, count) => sum + count, 0),
    personMessagesBySeat: bySeat,
    limits,
    deliveries: countForms(deliveriesOf(records)),
    refusals: refusals.total,
    refusalsByTurn: refusals.byTurn,
    activation: activationDraws(records),
    reach: reachByTurn(records),
    agents: agentLoads(records),
    edges: edgeUsage(records),
    requests: answered,
    unanswered,
    ...bottlenecks(records, limits),
    failures: {
      pingPongs: pingPongs(records, limits),
      repeatedMessages: repeatedMessages(records),
      silentMembers: silentMembers(records),
      escalationStorms: escalationStorms(records, limits),
    },
  };
  return { ...analysis, mast: mastModes(analysis) };
}

/**
 * Analyse the org at `root` (or one already loaded, as the CLI and the dashboard hold it) from its
 * message files, activity logs, ledger and chart, at the org's own limits (orgLimits) unless `limits`
 * are given. Reads only: an experiment's report calls it on each run's folder after the run.
 */
export function analyzeOrg(root: string, org?: Org, limits?: AnalysisLimits): OrgAnalysis {
  const loaded = org ?? loadOrgForReading(root).org;
  limits ??= orgLimits(loaded.settings.breakers);
  // Who answered is the ledger's charges, each at the registry entry org.yaml names now; the settings its figures depend on beside them.
  const records = readOrgRecords(loaded);
  const settings = orgSettings(root);
  // A limit reached is said beside the settings table that names it.
  const stopped = callsAtMaxSteps(records);
  const analysis = analyzeRecords(loaded.name, records, limits);
  const caveats = [...(stopped > 0 ? [`${maxStepsReached(stopped, settings)}.`] : []), ...holdsReached([analysis.refusals], settings).map((line) => `${line}.`), ...rulesDrawingNobody([analysis.activation]).map((line) => `${line}.`), ...agentsNeverDrawn([analysis.activation]).map((line) => `${line}.`)];
  return { ...analysis, provenance: reportProvenance([{ registry: loaded.models, answered: answeredInLedger(root) }], { caveats, settings }) };
}

/** The number of findings: bottlenecks, agents held with mail, unanswered requests and failure patterns (0: nothing to look at). */
export function findingCount(analysis: OrgAnalysis): number {
  const { failures } = analysis;
  return analysis.bottlenecks.length + analysis.heldWithMail.length + analysis.unanswered.length + failures.pingPongs.length + failures.repeatedMessages.length + failures.silentMembers.length + failures.escalationStorms.length;
}
