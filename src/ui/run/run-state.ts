import { carriedOutText } from '../shared/proposal-text.js';
import type { EngineEvent, RunTotals } from '../../engine/events.js';
import type { Priority } from '../../mailbox/message.js';
import { budgetWarningText, formatStepTools } from '../../format/format.js';
import { addEditNotices, clearFixed, type EditNotice } from '../watch/describe-org-change.js';
import { invalidText, reloadText } from '../shared/org-edit-text.js';
import { warningText } from '../shared/warning-text.js';
import { countDelivered, describeRefusal } from '../../engine/turn/refusal-text.js';
import { HUMAN } from '../../org/names.js';
import { emptyTotals } from '../../engine/run-totals.js';
import { countRefusal } from '../../engine/refusal-causes.js';
import { sendsRefused } from '../../format/mail-outcomes.js';

/** What the screen knows of an agent before any event: from `orgStatus`. */
export interface AgentSnapshot {
  name: string;
  isHuman: boolean;
  /** Credits left. */
  balance: number;
  /** Budget from the resume plus top-ups: the full length of the credit bar. */
  budget: number;
  /** Mail waiting for the agent. */
  unread: number;
}

/** What an agent is doing, as its row says. */
export type AgentActivity =
  | { kind: 'idle' }
  | { kind: 'has-mail' }
  | { kind: 'thinking' }
  | { kind: 'sent'; sent: number; refused: number }
  | { kind: 'out-of-credits' }
  | { kind: 'retrying'; attempt: number; attempts: number; waitMs: number }
  | { kind: 'waiting'; model: string; seconds: number }
  | { kind: 'held' }
  | { kind: 'error'; message: string };

/** An agent's line on the run screen: its credits and mail, and what it is doing now. */
export interface AgentRow extends AgentSnapshot {
  activity: AgentActivity;
}

/** One delivered message in the feed, or one step of an agent's turn (the tools it ran). */
export interface FeedItem {
  key: string;
  /** A step shows `agent step N: tools`; a message (the default) shows `from → to: subject`. */
  kind?: 'message' | 'step';
  turn: number;
  from: string;
  to: string;
  /** Subject, or the first line of the body. */
  text: string;
  priority: Priority;
}

/** A refused send, an error, a warning or a note: things a person should look at. */
export interface TroubleItem {
  key: string;
  turn: number;
  kind: 'refused' | 'error' | 'warning' | 'note';
  text: string;
}

/** Everything the run screen shows, folded from engine events by `reduceRun`. */
export interface RunState {
  org: string;
  root: string;
  /** The last turn that finished. */
  lastTurn: number;
  /** The turn in progress, if one is. */
  current?: { turn: number; agents: string[]; done: number; recovering: boolean };
  agents: AgentRow[];
  feed: FeedItem[];
  /** The newest troubles (bounded); `troubleCounts` counts all of them. */
  trouble: TroubleItem[];
  troubleCounts: Record<TroubleItem['kind'], number>;
  /** Hand edits: what the file watcher saw and what the engine took in, oldest first (bounded). */
  edits: EditNotice[];
  totals: RunTotals;
  /** The turns are done and git writes the history's last entries before the run finishes. */
  writingHistory?: true;
  finished?: Pick<Extract<EngineEvent, { type: 'run-finished' }>, 'reason' | 'turns' | 'lastTurn' | 'stranded' | 'failing' | 'heldBy'>;
  /** Source of unique keys for feed and trouble items. */
  serial: number;
}

/**
 * Besides engine events, the screen takes in fresh agent snapshots and what the file watcher saw:
 * hand edits, and mail files written (`file`: relative to the root, as `agents/<from>/outbox/<name>`).
 */
export type RunAction =
  | EngineEvent
  | { type: 'agents-snapshot'; agents: AgentSnapshot[] }
  | { type: 'edits-seen'; notices: EditNotice[] }
  | { type: 'mail-written'; file: string };

const MAX_TROUBLE = 50;
const MAX_EDITS = 20;
const INVALID_KEY = 'engine-invalid-';

/** The screen before any event: agents with mail show `has-mail`, the others `idle`. */
export function initialRunState(agents: AgentSnapshot[], org = '', root = ''): RunState {
  return {
    org,
    root,
    lastTurn: 0,
    agents: sortRows(agents.map((agent) => ({ ...agent, activity: agent.unread > 0 ? { kind: 'has-mail' } : { kind: 'idle' } }))),
    feed: [],
    trouble: [],
    troubleCounts: { refused: 0, error: 0, warning: 0, note: 0 },
    edits: [],
    totals: emptyTotals(),
    serial: 0,
  };
}

/** Fold one event into the screen's state. Pure: returns a new state, shares what did not change. */
export function reduceRun(state: RunState, action: RunAction): RunState {
  switch (action.type) {
    case 'agents-snapshot':
      return { ...state, agents: mergeSnapshot(state.agents, action.agents) };
    case 'edits-seen':
      return { ...state, edits: addEditNotices(state.edits, action.notices, MAX_EDITS) };
    case 'mail-written': {
      const to = humanMailRecipient(action.file);
      return to === undefined ? state : updateRow(state, to, (row) => settle({ ...row, unread: row.unread + 1 }));
    }
    case 'run-started':
      return { ...state, org: action.org, root: action.root, lastTurn: action.turn };
    case 'org-reloaded': {
      const notice: EditNotice = { key: `engine-${state.serial}`, tone: 'ok', text: reloadText(action) };
      const agents = action.left.length > 0 ? state.agents.filter((row) => !action.left.includes(row.name)) : state.agents;
      // A fixed file clears its problems; the engine's line about broken files is said again below if some still are.
      const cleared = action.fixed.length > 0 ? clearFixed(state.edits, action.fixed).filter((edit) => !edit.key.startsWith(INVALID_KEY)) : state.edits;
      const edits = addEditNotices(cleared, [notice], MAX_EDITS);
      return { ...state, agents, serial: state.serial + 1, edits };
    }
    case 'org-invalid': {
      const notice: EditNotice = { key: `${INVALID_KEY}${state.serial}`, tone: 'problem', text: invalidText(action) };
      // The engine says so at every turn while files stay broken: keep one line, the latest.
      const earlier = state.edits.filter((edit) => !edit.key.startsWith(INVALID_KEY));
      return { ...state, serial: state.serial + 1, edits: addEditNotices(earlier, [notice], MAX_EDITS) };
    }
    case 'proposal-carried-out': {
      const notice: EditNotice = { key: `engine-${state.serial}`, tone: action.failed ? 'problem' : 'ok', text: carriedOutText(action) };
      return { ...state, serial: state.serial + 1, edits: addEditNotices(state.edits, [notice], MAX_EDITS) };
    }
    case 'intervention': {
      const notice: EditNotice = { key: `engine-${state.serial}`, tone: action.failed ? 'problem' : 'ok', text: `turn ${action.turn}: intervention: ${action.summary}${action.failed ? ` (not carried out: ${action.failed})` : ''}` };
      return { ...state, serial: state.serial + 1, edits: addEditNotices(state.edits, [notice], MAX_EDITS) };
    }
    case 'meeting-held': {
      const notice: EditNotice = { key: `engine-${state.serial}`, tone: 'ok', text: `turn ${action.turn}: meeting ${action.meeting}: ${action.speakers} speaker(s), ${action.rounds} round(s) (${action.file})` };
      return { ...state, serial: state.serial + 1, edits: addEditNotices(state.edits, [notice], MAX_EDITS) };
    }
    case 'warning':
      return addTrouble(state, action.turn, 'warning', warningText(action));
    case 'budget-warning':
      return addTrouble(state, action.turn, 'warning', budgetWarningText(action));
    case 'loop-detected':
      return addTrouble(state, action.turn, 'warning', `${action.action === 'pause' ? 'held' : 'seen'}: ${action.summary}`);
    case 'turn-started': {
      const working = new Set(action.agents);
      const agents = state.agents.map((row): AgentRow => {
        if (working.has(row.name)) return row;
        const settled = row.activity.kind === 'out-of-credits' || row.activity.kind === 'held' ? row.activity : row.unread > 0 ? { kind: 'has-mail' as const } : { kind: 'idle' as const };
        return settled === row.activity ? row : { ...row, activity: settled };
      });
      return { ...state, agents, current: { turn: action.turn, agents: action.agents, done: 0, recovering: action.recovering } };
    }
    case 'agent-called':
      return updateRow(state, action.agent, (row) => ({ ...row, unread: action.deferred, activity: { kind: 'thinking' } }));
    case 'agent-skipped':
      return updateRow({ ...state, totals: withRefusal(state.totals, action) }, action.agent, (row) => ({ ...row, balance: action.balance, activity: action.reason === 'breaker' || action.reason === 'intervention' || action.reason === 'budget' ? { kind: 'held' } : { kind: 'out-of-credits' } }));
    case 'message-delivered': {
      const message = action.message;
      const item: FeedItem = {
        key: `feed-${state.serial}`,
        turn: action.turn,
        from: message.from,
        to: message.to,
        text: message.subject ?? message.preview,
        priority: message.priority,
      };
      const next = { ...state, serial: state.serial + 1, feed: [...state.feed, item], totals: countDelivered(state.totals, message.from) };
      return updateRow(next, message.to, (row) => ({
        ...row,
        unread: row.unread + 1,
        activity: row.isHuman || row.activity.kind === 'idle' ? { kind: 'has-mail' } : row.activity,
      }));
    }
    case 'message-refused': {
      const next = { ...state, totals: withRefusal(state.totals, action) };
      return addTrouble(next, action.turn, 'refused', describeRefusal(action));
    }
    case 'memory-written':
      return state;
    case 'credits-charged': {
      const totals = {
        ...state.totals,
        inputTokens: state.totals.inputTokens + action.inputTokens,
        outputTokens: state.totals.outputTokens + action.outputTokens,
        credits: state.totals.credits + action.credits,
      };
      return updateRow({ ...state, totals }, action.agent, (row) => ({ ...row, balance: action.balance }));
    }
    case 'agent-note':
      // A later step's answer refused unread is counted under its cause (refusal-causes.ts); any other note counts nothing.
      return addTrouble({ ...state, totals: withRefusal(state.totals, action) }, action.turn, action.error ? 'error' : 'note', `${action.agent}: ${action.message}`);
    case 'agent-step': {
      const item: FeedItem = {
        key: `feed-${state.serial}`,
        kind: 'step',
        turn: action.turn,
        from: action.agent,
        to: `step ${action.step}`,
        text: formatStepTools(action.tools),
        priority: 'normal',
      };
      const next = { ...state, serial: state.serial + 1, feed: [...state.feed, item] };
      // The step came back: the agent is no longer waiting on it.
      return updateRow(next, action.agent, (row) => (row.activity.kind === 'waiting' ? { ...row, activity: { kind: 'thinking' } } : row));
    }
    case 'agent-retrying': {
      const wait = `${(action.waitMs / 1000).toFixed(1)} s`;
      const retrying = updateRow(state, action.agent, (row) => ({ ...row, activity: { kind: 'retrying', attempt: action.attempt, attempts: action.attempts, waitMs: action.waitMs } }));
      return addTrouble(retrying, action.turn, 'note', `${action.agent}: ${action.model} failed, attempt ${action.attempt} of ${action.attempts} in ${wait}: ${action.cause}`);
    }
    case 'agent-waiting':
      return updateRow(state, action.agent, (row) => ({ ...row, activity: { kind: 'waiting', model: action.model, seconds: action.seconds } }));
    case 'agent-held': {
      const held = updateRow(state, action.agent, (row) => ({ ...row, activity: { kind: 'held' } }));
      return addTrouble(held, action.turn, 'error', `${action.agent} not called: ${action.model} failed in ${action.failedTurns} turns in a row (\`lemming retry ${action.agent}\`)`);
    }
    case 'agent-error': {
      // An error, and held for its cause too when lemming refused its answer unread (refusal-causes.ts).
      const next = finishOne({ ...state, totals: { ...withRefusal(state.totals, action), errors: state.totals.errors + 1 } });
      const marked = updateRow(next, action.agent, (row) => ({ ...row, activity: { kind: 'error', message: action.message } }));
      return addTrouble(marked, action.turn, 'error', `${action.agent}: ${action.message}`);
    }
    case 'agent-done':
      return updateRow(finishOne(state), action.agent, (row) => ({ ...row, activity: { kind: 'sent', sent: action.sent, refused: action.refused } }));
    case 'turn-finished': {
      const { current: _finished, ...rest } = state;
      // Activation holds as the turn is planned, in no event of its own: the turn's figures carry it.
      const refusals = { ...state.totals.refusals, activation: state.totals.refusals.activation + action.stats.refusals.activation };
      return { ...rest, lastTurn: action.turn, totals: { ...state.totals, turns: state.totals.turns + 1, invalidCalls: state.totals.invalidCalls + action.stats.invalidCalls, refusals } };
    }
    case 'queue-notice': {
      // Waiting calls nobody serves want a person's attention; the rest (a worker came, a job ran again) is news.
      const kind = action.notice === 'unserved' || action.notice === 'workers-unseen' ? 'warning' : 'note';
      return addTrouble(state, state.current?.turn ?? state.lastTurn + 1, kind, `queue: ${action.message}`);
    }
    case 'history-writing':
      return { ...state, writingHistory: true };
    case 'run-finished': {
      const { current: _unfinished, writingHistory: _written, ...rest } = state;
      // Mail delivered after its recipient ran this turn waits for it: the last frame says so.
      return { ...rest, agents: state.agents.map(settle), lastTurn: action.lastTurn, finished: { reason: action.reason, turns: action.turns, lastTurn: action.lastTurn, stranded: action.stranded, failing: action.failing, ...(action.heldBy ? { heldBy: action.heldBy } : {}) } };
    }
    case 'run-waiting':
      // `run --serve` between runs prints its lines itself: the screen has closed by then.
      return state;
  }
}

/**
 * The recipient of a message the human wrote (in chat, with `lemming send`, on the dashboard): the
 * engine's own deliveries come as events, and only the human writes mail from outside it. Read
 * from the file's name (`000012-001-planner.md`); a name of another shape is left to the next turn.
 */
function humanMailRecipient(file: string): string | undefined {
  const [top, sender, folder, name] = file.split('/');
  if (top !== 'agents' || sender !== HUMAN || folder !== 'outbox' || name === undefined) return undefined;
  return /^\d+-\d+-(.+)\.md$/.exec(name)?.[1];
}

/** A row that is not at work says whether mail waits for it: an agent with unread mail is never shown idle. */
function settle(row: AgentRow): AgentRow {
  const kind = row.activity.kind;
  if (kind === 'thinking' || kind === 'retrying' || kind === 'waiting' || kind === 'out-of-credits' || kind === 'held') return row;
  if (row.unread > 0) return kind === 'has-mail' ? row : { ...row, activity: { kind: 'has-mail' } };
  return kind === 'has-mail' ? { ...row, activity: { kind: 'idle' } } : row;
}

function finishOne(state: RunState): RunState {
  return state.current ? { ...state, current: { ...state.current, done: state.current.done + 1 } } : state;
}

function addTrouble(state: RunState, turn: number, kind: TroubleItem['kind'], text: string): RunState {
  const item: TroubleItem = { key: `trouble-${state.serial}`, turn, kind, text };
  return {
    ...state,
    serial: state.serial + 1,
    trouble: bounded([...state.trouble, item], MAX_TROUBLE),
    troubleCounts: { ...state.troubleCounts, [kind]: state.troubleCounts[kind] + 1 },
  };
}

/** Rows for an agent the screen has not heard of yet (it joined mid-run) are made on the fly. */
function updateRow(state: RunState, name: string, change: (row: AgentRow) => AgentRow): RunState {
  const index = state.agents.findIndex((row) => row.name === name);
  if (index < 0) {
    const fresh: AgentRow = { name, isHuman: false, balance: 0, budget: 0, unread: 0, activity: { kind: 'idle' } };
    return { ...state, agents: sortRows([...state.agents, change(fresh)]) };
  }
  const agents = state.agents.slice();
  agents[index] = change(state.agents[index] as AgentRow);
  return { ...state, agents };
}

/** Budgets and membership come from the snapshot; what the agents are doing stays as the events said. */
function mergeSnapshot(rows: AgentRow[], snapshot: AgentSnapshot[]): AgentRow[] {
  const byName = new Map(rows.map((row) => [row.name, row]));
  return sortRows(
    snapshot.map((agent): AgentRow => {
      const row = byName.get(agent.name);
      if (!row) return { ...agent, activity: agent.unread > 0 ? { kind: 'has-mail' } : { kind: 'idle' } };
      return { ...row, isHuman: agent.isHuman, budget: agent.budget, balance: agent.balance };
    }),
  );
}

function sortRows(rows: AgentRow[]): AgentRow[] {
  return rows.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
}

function bounded<T>(items: T[], limit: number): T[] {
  return items.length > limit ? items.slice(items.length - limit) : items;
}

/** The run's totals with one more refusal or hold, under its cause. */
function withRefusal(totals: RunTotals, event: EngineEvent): RunTotals {
  const refusals = { ...totals.refusals };
  countRefusal(refusals, event);
  return { ...totals, refusals, refused: sendsRefused(refusals) };
}
