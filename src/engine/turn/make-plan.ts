import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MEETINGS_FOLDER } from '../../org/names.js';
import type { Org } from '../../org/org.js';
import { requireOwnFolders } from '../../org/own-folders.js';
import { estimateCallCost } from '../money/charge.js';
import type { EngineState } from '../record/engine-state.js';
import type { EngineEvent } from '../events.js';
import { appendJournal, type JournalRecord, type PlannedCall } from '../record/journal.js';
import { balanceOf, type LedgerSnapshot } from '../money/ledger.js';
import type { OutboxHintStore } from '../record/outbox-hints.js';
import { saveOrgSnapshot } from '../record/planned-org.js';
import { statePaths } from '../record/state-paths.js';
import { namedFirst } from '../record/taken-files.js';
import { runStartTurn } from '../record/run-start.js';
import type { TokenRatios } from '../record/token-ratios.js';
import { returnDepartedMail } from './departed-mail.js';
import { closedEdgeRefusals } from './closed-edges.js';
import { listsOfOnePlan } from '../../org/lists/recipients.js';
import { discoverMail } from './discover-mail.js';
import type { FailingAgents } from './failing-agents.js';
import { planTurn, tellManager } from './plan-turn.js';
import { prepareCall, readMail, recallTexts, type MemoryLayer, type PreparedCall } from './prepare-call.js';
import { embedForPlan } from './embed-query.js';
import type { EmbeddedRecall } from '../../memory/embed-memories.js';
import type { Embedder } from '../../providers/embedding-gate.js';
import { promptDigest } from './prompt-digest.js';
import { proposalNotices } from './proposal-notices.js';
import { logSkips } from './skip-log.js';
import { betweenUnitsOfWork } from './let-others-run.js';
import type { PlannedRouting } from '../routing/plan-routing.js';
import { holdByBreakers } from '../breakers/hold-by-breakers.js';
import { budgetHold } from '../budget/budget-entry.js';
import { mailFromTurn, pendingByAgent, withAddedMail } from '../record/pending-index.js';

type Plan = Extract<JournalRecord, { type: 'plan' }>;

/** What planning a turn reads. */
export interface PlanInput {
  root: string;
  org: Org;
  state: EngineState;
  hints: OutboxHintStore;
  /** The agents whose folders may have changed since the last turn; absent, every outbox is looked at. */
  changed?: ReadonlySet<string>;
  turn: number;
  ledger: LedgerSnapshot;
  failing: FailingAgents;
  ratios: TokenRatios;
  /** When the turn is planned: the time of the log lines the plan itself causes. */
  at: string;
  /** org/routing.yaml as read for this turn (engine/routing), when the org has one; journaled with the plan. */
  routing?: PlannedRouting;
  /** The memory layer, when some agent of the org keeps a memory stream: prompts show what it retrieves. */
  memory?: MemoryLayer;
  /** The embedder for a registry key, where this run can reach one (absent in a replay): an org's `memory.embeddings` model. */
  embedderFor?: (modelKey: string) => Embedder | undefined;
  /** The run's signal: a stop ends an embedding request under way (embed-query.ts). */
  signal?: AbortSignal;
}

/**
 * Plan a new turn and journal the plan: keep the org as planned, take in new mail, decide who
 * is called (mail, schedules, credits, held agents, mail for agents that left), and build each
 * call's prompt, which goes into `prepared`. Everything a recovered turn needs is in the plan.
 */
export async function makePlan(input: PlanInput, prepared: Map<string, PreparedCall>): Promise<Plan> {
  const { root, org, state, hints, turn, ledger, failing, ratios, at } = input;
  const orgSnapshot = saveOrgSnapshot(statePaths(root).plannedOrg, org);
  const discovery = discoverMail(root, org, state, hints, turn, input.changed);
  // Proposers hear of the human's decisions as mail of this turn, committed with it.
  discovery.pending.push(...proposalNotices(root, org, turn));
  // By recipient, from the index the last commit kept (record/pending-index.ts): what waits for an agent not drawn is not looked at.
  const mail = withAddedMail(pendingByAgent(state.pending), discovery.pending);
  // Meetings (org/meetings/) due this turn: their attendees are called, mail or not, through the same gates.
  // Their code is loaded only for an org that has the folder.
  const meetings = existsSync(join(root, MEETINGS_FOLDER)) ? await import('./meetings-of-turn.js') : undefined;
  const due = meetings?.meetingsDue(root, org, turn);
  const decided = planTurn(org, state, mail, ledger, turn, due?.attendees);
  const departed = returnDepartedMail(org, mail, turn);
  decided.events.push(...departed.events);
  decided.notices.push(...departed.notices);
  decided.humanNotices.push(...departed.humanNotices);
  const held = failing.holdBack(org, decided.calls, turn);
  decided.calls = held.calls;
  decided.events.push(...held.events);
  // Circuit breakers (org.yaml engine.breakers) hold as credits do: the call is not made, the mail waits.
  const lastTurnMail = [...mailFromTurn(state.pending, turn - 1), ...discovery.pending.filter((item) => item.turn === turn - 1)];
  const breakers = holdByBreakers(org, turn, lastTurnMail, state.activity, ledger, decided.calls);
  decided.calls = breakers.calls;
  decided.events.push(...breakers.events);
  decided.humanNotices.push(...breakers.humanNotices);
  // The org's and departments' ceilings (org.yaml budget): at 100 % no new call starts, the mail waits.
  const budget = await budgetHold(org, turn, ledger, decided.calls);
  decided.calls = budget.calls;
  decided.events.push(...budget.events);
  decided.humanNotices.push(...budget.humanNotices);
  const calls: PlannedCall[] = [];
  const events: EngineEvent[] = [...discovery.events, ...(due?.events ?? []), ...decided.events];
  // The rules are read as the turn is planned and journaled with it: the turn is routed with these, recovered or not.
  const routing = input.routing ?? { held: false, events: [] };
  events.push(...routing.events);
  const outOfCredits = new Set(decided.outOfCredits);
  const unreadable: Record<string, string[]> = {};
  // The lists waiting posts are read under, looked at once for the plan (not once for each member reading each post).
  const lists = listsOfOnePlan(org);
  for (const call of decided.calls) {
    // Each prompt is a unit of work (let-others-run.ts): building 1,000 in one go kept a server in the
    // process waiting 100 ms and more.
    const handBack = betweenUnitsOfWork();
    if (handBack) await handBack;
    // The first look at a called agent's own folders this command, before its mail and memory are read or a call is made: one that leads out of the org stops the run, naming it.
    // Made now (the first look of the command), it says whether the notes folder is there: not looked for again below.
    const lookedNow = requireOwnFolders(root, call.agent);
    // Its retrieval's vectors, where the org names an embedding model: asked now (planning may wait), kept beside its stream (embed-query.ts).
    const read = readMail(root, org, call.agent, call.mail, turn, lists);
    // Mail the chart no longer lets it read is refused now, told to its senders once: it stops waiting with this plan, unshown.
    const refuse = (): void => {
      if (read.refused.length === 0) return;
      const closed = closedEdgeRefusals(call.agent, read.refused, turn);
      events.push(...closed.events);
      decided.notices.push(...closed.notices);
      decided.humanNotices.push(...closed.humanNotices);
      unreadable[call.agent] = [...(unreadable[call.agent] ?? []), ...read.refused.map((letter) => letter.id)];
    };
    // Woken by mail none of which can be read now (removed by hand since it was sent, or refused by the chart): nothing to show, so no call; it stops waiting.
    if (call.reason === 'mail' && read.inbox.length === 0 && read.lost.length + read.refused.length > 0) {
      events.push(...read.warnings);
      unreadable[call.agent] = read.lost;
      refuse();
      continue;
    }
    const agent = org.agents.get(call.agent);
    const balance = balanceOf(agent?.credits ?? 0, ledger.totals[call.agent]);
    // What its memories are retrieved for: each message it is shown; in a meeting, its agenda (the speeches join it as they are made: hold-meetings.ts).
    // Only for an agent that keeps a stream: which mail fits is worked out for it (recallTexts), and an org without memory pays nothing for it.
    const agenda = call.reason === 'meeting' ? due?.meetings.find((meeting) => meeting.attendees.includes(call.agent))?.agenda : undefined;
    const texts = !agent?.memory ? [] : agenda !== undefined ? [agenda] : recallTexts(org, call.agent, read.inbox);
    // An agent whose folder the change feed says is unchanged has no notes folder to look for when it had none (readMemory).
    const unchanged = input.changed !== undefined && !input.changed.has(call.agent);
    const notesMissing = lookedNow?.('memory') ?? false;
    const prepare = (embedded?: EmbeddedRecall): PreparedCall => prepareCall(root, org, call.agent, call.reason, call.mail, turn, { ratios, read, focus: texts, unchanged, notesMissing, ...(input.memory ? { memory: input.memory } : {}), ...(embedded ? { embedded } : {}) });
    // The prompt as estimated plus the answer at its cap: a call the agent may not be able to pay for is not made.
    const neededFor = (preparedCall: PreparedCall): number => {
      const entry = org.models[preparedCall.modelKey];
      return entry ? estimateCallCost(preparedCall.prompt.request, entry, ratios.scale(preparedCall.modelKey)) : 0;
    };
    const skip = (needed: number): void => {
      events.push({ type: 'agent-skipped', turn, agent: call.agent, reason: 'insufficient-credits', balance, needed });
      if (!state.outOfCredits.includes(call.agent)) tellManager(decided, org, call.agent, turn, balance, needed);
      outOfCredits.add(call.agent);
    };
    const embeds = input.memory !== undefined && agent?.memory?.embeddings !== undefined;
    // An agent whose prompt, its memories ranked by their words, it cannot pay for is skipped before any
    // embedding server is asked: vectors asked for a call not made would be counted by the server and
    // charged to no one (the charge rides on the call, embed-query.ts).
    // (Its warnings are the read's, one array: the call prepared again below carries those this look said.)
    const byWords = embeds ? prepare() : undefined;
    if (byWords && neededFor(byWords) > balance) {
      events.push(...byWords.warnings);
      skip(neededFor(byWords));
      continue;
    }
    const embedding = embeds && input.memory ? await embedForPlan(root, org, call.agent, turn, texts, input.memory, input.embedderFor, input.signal) : {};
    if (embedding.warnings) events.push(...embedding.warnings);
    const preparedCall = prepare(embedding.recall);
    events.push(...preparedCall.warnings);
    const needed = neededFor(preparedCall);
    if (needed > balance) {
      skip(needed);
      continue;
    }
    prepared.set(call.agent, preparedCall);
    refuse();
    const { prompt } = preparedCall;
    calls.push({
      agent: call.agent,
      modelKey: preparedCall.modelKey,
      reason: call.reason,
      shown: [...prompt.shown, ...preparedCall.lost],
      // What waits for it: what its prompt could not show, and all its mail when a meeting takes its turn (the run screen counts it as unread).
      deferred: prompt.deferred.length + (call.waiting ?? 0),
      prompt: promptDigest(prompt),
      // Only where the limits show in the prompt (the count of mail left waiting, a message cut to fit): a recovered turn sizes with them.
      ...(prompt.deferred.length > 0 || prompt.cut ? { limit: prompt.limit } : {}),
      ...(embedding.record ? { embedded: embedding.record } : {}),
    });
  }
  const plan: Plan = {
    type: 'plan',
    turn,
    at,
    id: randomBytes(8).toString('hex'),
    orgSnapshot,
    calls,
    discovered: {
      hints: discovery.hints,
      taken: discovery.taken,
      undelivered: discovery.undelivered,
      joined: discovery.joined,
      pending: discovery.pending,
      humanNotices: [...discovery.humanNotices, ...decided.humanNotices],
    },
    events,
    outOfCredits: [...outOfCredits].sort(),
    notices: decided.notices,
    ...(departed.ids.length > 0 ? { returned: departed.ids } : {}),
    ...(Object.keys(unreadable).length > 0 ? { unreadable } : {}),
    ...(routing.rules && (routing.rules.forward.length > 0 || routing.rules.escalate) ? { routing: routing.rules } : {}),
    ...(routing.held ? { routingHeld: true as const } : {}),
    ...(decided.notDrawn > 0 ? { notDrawn: decided.notDrawn } : {}),
    // The agents each rule governed and drew that the run's record has not named yet: a recovered turn's line names the same.
    ...(decided.draws.length > 0 ? { draws: namedFirst(statePaths(root).taken, decided.draws, runStartTurn(root)) } : {}),
    ...(meetings && due && due.meetings.length > 0 ? { meetings: meetings.plannedMeetings(due.meetings, calls, events) } : {}),
  };
  appendJournal(statePaths(root).journal, plan);
  breakers.save();
  budget.save();
  logSkips(root, turn, at, plan, state.outOfCredits, (agent) => mail.get(agent)?.length ?? 0);
  return plan;
}
