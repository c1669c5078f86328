/*
 * The shape of an analysis (what `lemming analyze --json` prints and `GET /api/analysis` answers):
 * types only, importing nothing but other types-only files, so the dashboard's browser app compiles against them too.
 */
import type { Provenance } from '../provenance/provenance-types.js';
import type { ActivationDraws } from '../provenance/limits-reached.js';
import type { FormCounts, HoldCause, RefusalCounts } from '../format/mail-outcomes.js';

/** One agent's place and work in the org. */
export interface AgentLoad {
  agent: string;
  /** Span of control: the agents that report to it, in name order. */
  reports: string[];
  /** Deliveries it received, every form: a message to it, a copy, a list's post, a speech it heard in a meeting. */
  messagesIn: number;
  /** Messages it wrote (whatever became of them). */
  messagesOut: number;
  /** Turns its model was called in (its activity log), or, without a log, turns it wrote or was charged in. */
  turnsActive: number;
  /** Credits its calls were charged. */
  credits: number;
}

/** Deliveries along one directed edge. */
export interface EdgeUse {
  from: string;
  to: string;
  /** Deliveries along it, every form: a message to k people is one on each of its k edges, a speech one to each attendee who heard it. */
  messages: number;
  /** Of them, by the form that reached the reader. */
  forms: FormCounts;
  /** The chart has this edge (the sender's send_to and the reader's read_from); a list's post or a meeting's speech needs none. */
  onChart: boolean;
}

/** Which edges carry the work, and which permitted ones were never used. */
export interface EdgeUsage {
  /** Every edge a delivery went along, busiest first (then by name). */
  used: EdgeUse[];
  /** Permitted edges no message went along, by name; undefined when the chart has too many edges to list. */
  unused?: Array<{ from: string; to: string }>;
  /** How many permitted edges there are, when counted. */
  permitted?: number;
}

/** How a human's request reached its answer. */
export interface RequestPath {
  id: string;
  to: string;
  turn: number;
  subject?: string;
  /** The first message of the request's thread that reached a person from the org; absent: unanswered. */
  answer?: { id: string; from: string; turn: number };
  /** The agents the request went through to its answer, in order, the person at both ends. */
  path: string[];
  /** Messages along the path, the request and the answer included: each is one edge crossed. */
  hops: number;
  /** Turns from the request to its answer. */
  turns: number;
  /** Credits of the calls that wrote the thread's messages up to the answer, each call counted once. */
  credits: number;
  /** Who held the request longest on its way (from receiving it to passing it on), and for how many turns. */
  heldLongest?: { agent: string; turns: number };
}

/** A request no answer has reached: whom it waits on now, since when. */
export interface UnansweredRequest {
  id: string;
  to: string;
  turn: number;
  subject?: string;
  /** Turns since it was sent, up to the last finished turn. */
  openTurns: number;
  /** Each agent that received a message of its thread and has written nothing in it since. */
  waitingOn: Array<{ agent: string; since: number; message: string }>;
}

/** An agent whose mail waited unread turn after turn. */
export interface Bottleneck {
  agent: string;
  /** The longest any one message waited unread, in turns. */
  longestWait: number;
  /** The message that waited longest. */
  message: string;
  /** Turns in which some mail of the agent's waited unread (it was there to read and was not). */
  turnsWithMailWaiting: number;
  /** Messages still unread at the last finished turn. */
  stillWaiting: number;
  /** Of those turns, the ones it was not called in, by the cause that held it, as the refusals table counts agents held with work. */
  held: Partial<Record<HoldCause, number>>;
  /**
   * Of those turns, the ones it was not called in with no record of why (an org from before lemming
   * kept its holds, a record made by hand): not its own pace, and no cause the refusals table counts.
   * Absent: none.
   */
  unrecorded?: number;
}

/** Two agents sending messages back and forth while nothing else comes of it (MAST: step repetition, no termination). */
export interface PingPong {
  /** The pair, in name order. */
  agents: [string, string];
  /** Messages in the exchange, alternating in direction. */
  messages: number;
  fromTurn: number;
  toTurn: number;
  /** The exchange's message ids, oldest first. */
  ids: string[];
}

/** One sender writing the same body again in later turns (MAST: step repetition). */
export interface RepeatedMessage {
  from: string;
  /** Everyone it went to, in name order. */
  to: string[];
  /** How many times it was written, in how many turns. */
  count: number;
  turns: number[];
  ids: string[];
  /** The body's start, for a person to recognise it. */
  preview: string;
}

/** An agent that was written to and has never written back (MAST: withholding information, no reply). */
export interface SilentMember {
  agent: string;
  /** Messages it could have read by the last finished turn. */
  received: number;
  /** The turn its first message could be read in. */
  since: number;
}

/** Many escalations reaching one manager at once. */
export interface EscalationStorm {
  /** Whom they reached: a manager, or a person at the top. */
  to: string;
  /** Escalations within the window. */
  messages: number;
  fromTurn: number;
  toTurn: number;
  /** Who escalated, in name order. */
  from: string[];
}

/** A failure mode of MAST (Cemri et al. 2025, "Why Do Multi-Agent LLM Systems Fail?"), by the paper's number and name. */
export interface MastMode {
  /** `FM-1.3`. */
  code: string;
  name: string;
  /** Specification issues, Inter-agent misalignment, or Task verification. */
  category: string;
}

/** One MAST mode as an analysis found it (src/analysis/failures/mast.ts maps the findings). */
export interface MastModeCount extends MastMode {
  /** Some finding lemming makes is an instance of this mode; false: the files cannot show it. */
  detectable: boolean;
  /** Findings of this analysis that are instances of it (one finding may be an instance of two modes). */
  findings: number;
  /** At least one: the run has the mode, as MAST counts a trace. */
  present: boolean;
  /** The finding kinds that made it (`pingPongs`, `repeatedMessages`, `silentMembers`, `unanswered`). */
  from: string[];
}

/** Where a pattern starts to count as a finding; `lemming analyze` uses the defaults, or the thresholds org.yaml `engine.breakers` sets (orgLimits). */
export interface AnalysisLimits {
  /** Messages a pair exchanges back and forth, with nothing else happening, before it is a ping-pong. */
  pingPongMessages: number;
  /** Turns in a row an agent's mail waits unread before the agent is a bottleneck. */
  waitTurns: number;
  /** Escalations (high or urgent messages up the chart) one manager receives within `stormTurns` turns that make a storm. */
  stormMessages: number;
  stormTurns: number;
}

/** One turn's refusals, by cause. */
export type RefusalsInTurn = { turn: number } & RefusalCounts;

/** One rule of `engine.activation` over the turns (provenance/limits-reached.ts, whose caveats read it). */
export type { ActivationDraws };

/** How many agents (the person left out) a delivery had reached by the end of a turn. */
export interface ReachAtTurn {
  turn: number;
  reached: number;
}

/** The org's network measured from its files: what `lemming analyze --json` prints and the dashboard's Analysis tab shows. */
export interface OrgAnalysis {
  org: string;
  /** The last finished turn the figures run to. */
  turn: number;
  /** Message files the org's outboxes hold that were delivered (the person's too). */
  messages: number;
  /** Of them, those a person wrote (a human seat's outbox); the rest is what the agents sent, an experiment's `messages`. */
  personMessages: number;
  /** Of them, each human seat's, every seat named (an org may have several: `outside_seats`); absent in an analysis saved before lemming said it. */
  personMessagesBySeat?: Record<string, number>;
  limits: AnalysisLimits;
  /** Readers reached, by form: each reader of each message, each attendee who heard a speech. */
  deliveries: FormCounts;
  /** Sends refused (`chart`, `cap`) and agent-turns with work not called (`budget`, `ceiling`, `breaker`, `activation`), by cause. */
  refusals: RefusalCounts;
  /** The same, turn by turn: each turn with one. */
  refusalsByTurn: RefusalsInTurn[];
  /** Each activation rule that governed an agent with work. */
  activation: ActivationDraws[];
  /** Agents reached by the end of each turn, from the turn of the first delivery to the last finished turn. */
  reach: ReachAtTurn[];
  agents: AgentLoad[];
  edges: EdgeUsage;
  requests: RequestPath[];
  unanswered: UnansweredRequest[];
  /** Agents whose mail waited unread in turns no hold explains: their own pace (or their context's cap). */
  bottlenecks: Bottleneck[];
  /** Agents whose mail waited long only because they were not called (held by activation, credits, a ceiling, a breaker, a refused answer, or with no record of why): a hold, not their pace. */
  heldWithMail: Bottleneck[];
  /** Failure patterns in the sense of the MAST taxonomy of multi-agent failures. */
  failures: {
    pingPongs: PingPong[];
    repeatedMessages: RepeatedMessage[];
    silentMembers: SilentMember[];
    escalationStorms: EscalationStorm[];
  };
  /** Every MAST failure mode with the findings above that are instances of it. */
  mast: MastModeCount[];
  /** What made it: lemming's version and the model of each agent that answered (src/provenance/); absent for records built by hand. */
  provenance?: Provenance;
}

