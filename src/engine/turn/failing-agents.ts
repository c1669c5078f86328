import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HUMAN } from '../../org/names.js';
import { keyVariableFor } from '../../org/org-secrets.js';
import type { Org } from '../../org/org.js';
import type { EngineEvent } from '../events.js';
import type { EngineState, PendingItem } from '../record/engine-state.js';
import { statePaths } from '../record/state-paths.js';
import { AgentRecords } from '../record/state-file.js';
import { makeNotice } from './notices.js';
import { writeFileAtomic } from '../../storage/atomic-write.js';

/** `engine.max_failed_turns` when org.yaml leaves it out. */
export const DEFAULT_MAX_FAILED_TURNS = 3;

/** An agent whose calls failed in the turns it was last called, counted until one succeeds. */
export interface FailureStreak {
  /** Turns in a row in which its call failed. */
  turns: number;
  firstTurn: number;
  lastTurn: number;
  /** The last failure, as the provider said it. */
  cause: string;
  model: string;
  /** Its resume and model entries when the streak was last counted: an edit to either ends the hold. */
  fingerprint: string;
  /** Not called any more: its manager and the human have been told. */
  held: boolean;
  /** The turn in which it was held (and they were told). */
  heldTurn?: number;
  /** What held it: a refused key, an answer refused unread (both at once), or engine.max_failed_turns; absent in a record from before lemming kept it, read as `failed-turns`. */
  heldFor?: HeldFor;
}

/** What holds an agent whose calls fail: its key refused, an answer refused unread, or engine.max_failed_turns turns in a row. */
export type HeldFor = 'key' | 'answer' | 'failed-turns';

/** What a failure adds to the agent's outcome: one notice for its manager and one for the human, when it is held. */
export interface HoldNotices {
  notices: PendingItem[];
  humanNotices: EngineState['humanNotices'];
}

function failingPaths(root: string): { file: string; retries: string } {
  const paths = statePaths(root);
  return { file: paths.failingAgents, retries: paths.retryRequests };
}

/** The agent's resume and the registry entries of its models, as one short hash. */
export function agentFingerprint(org: Org, name: string): string {
  const agent = org.agents.get(name);
  if (!agent) return '';
  const { title, models, credits, schedule, tools, instructions } = agent;
  const entries = models.map((key) => org.models[key] ?? null);
  return createHash('sha256')
    .update(JSON.stringify({ title, models, credits, schedule, tools, instructions, entries }))
    .digest('hex')
    .slice(0, 16);
}

/**
 * Agents whose models keep failing, kept in `org/state/cache/failing-agents.json` (machine-local:
 * whether a server answers is a fact about this machine). After `engine.max_failed_turns`
 * turns in a row of failed calls an agent is held: not called again, its mail waiting,
 * until its resume or model entry changes or a person runs `lemming retry <agent>`.
 */
export class FailingAgents {
  private readonly released = new Set<string>();

  private constructor(
    private readonly root: string,
    private readonly agents: AgentRecords<FailureStreak>,
  ) {}

  /** Read the file; a missing or unreadable one means no agent is failing. */
  static load(root: string): FailingAgents {
    return new FailingAgents(root, AgentRecords.read<FailureStreak>(failingPaths(root).file));
  }

  /** The streak of an agent, if its calls are failing. */
  streak(name: string): FailureStreak | undefined {
    return this.agents.get(name);
  }

  /** Held and still so: nothing it depends on changed, and no person asked to try again. */
  isHeld(org: Org, name: string): boolean {
    const streak = this.agents.get(name);
    if (!streak?.held) return false;
    return streak.fingerprint === agentFingerprint(org, name) && !existsSync(join(failingPaths(this.root).retries, name));
  }

  /** Every agent of the org held now (isHeld), with what held it: what `/metrics` counts, by the rule `status` shows each by. */
  heldAgents(org: Org): Array<{ agent: string; heldFor: HeldFor }> {
    const held: Array<{ agent: string; heldFor: HeldFor }> = [];
    for (const [agent, streak] of this.agents.all()) if (org.agents.has(agent) && this.isHeld(org, agent)) held.push({ agent, heldFor: streak.heldFor ?? 'failed-turns' });
    return held;
  }

  /**
   * Before planning a turn: let go of holds whose reason is gone (an edit, `lemming retry`),
   * each with a note saying why; then take the held agents out of the turn's calls.
   */
  holdBack<Call extends { agent: string }>(org: Org, calls: Call[], turn: number): { calls: Call[]; events: EngineEvent[] } {
    const events: EngineEvent[] = [];
    for (const [name, streak] of this.agents.all()) {
      if (!streak.held || this.isHeld(org, name)) continue;
      const why = streak.fingerprint === agentFingerprint(org, name) ? 'a person asked to try again (`lemming retry`)' : 'its resume or model entry changed';
      events.push({ type: 'agent-note', turn, agent: name, message: `called again: ${why}` });
      this.forget(name);
    }
    const kept: Call[] = [];
    for (const call of calls) {
      const streak = this.agents.get(call.agent);
      if (!streak?.held) {
        kept.push(call);
        continue;
      }
      events.push({ type: 'agent-held', turn, agent: call.agent, model: streak.model, failedTurns: streak.turns, cause: streak.cause });
    }
    return { calls: kept, events };
  }

  /** A call answered: the streak is over. */
  recordSuccess(name: string): void {
    if (this.agents.get(name)) this.forget(name);
  }

  /**
   * A call failed after its retries. On the failure that makes the streak `max` turns long
   * the agent is held, and its manager and the human are told why, once. Two failures hold the
   * agent at once: a refused key (`key`: 401, 403) cannot heal by itself, and the notice names the
   * variable to set; an answer too large to read (`answer`) is charged at what its call was reserved
   * at, and a server that sends one is broken or hostile: calling it again would pay it again.
   */
  recordFailure(org: Org, name: string, model: string, cause: string, turn: number, holdsAtOnce?: 'key' | 'answer'): HoldNotices {
    const keyRefused = holdsAtOnce === 'key';
    const told: HoldNotices = { notices: [], humanNotices: [] };
    const fingerprint = agentFingerprint(org, name);
    // An edit since the last failure starts the count afresh: the new settings get their own chances.
    const known = this.agents.get(name);
    const previous = known?.fingerprint === fingerprint ? known : undefined;
    const turns = previous && previous.lastTurn < turn ? previous.turns + 1 : (previous?.turns ?? 1);
    const max = org.settings.max_failed_turns ?? DEFAULT_MAX_FAILED_TURNS;
    const streak: FailureStreak = {
      turns,
      firstTurn: previous?.firstTurn ?? turn,
      lastTurn: turn,
      cause,
      model,
      fingerprint,
      held: previous?.held === true || turns >= max || holdsAtOnce !== undefined,
    };
    const heldTurn = previous?.held ? previous.heldTurn : streak.held ? turn : undefined;
    if (heldTurn !== undefined) streak.heldTurn = heldTurn;
    const heldFor = previous?.held ? previous.heldFor : streak.held ? (holdsAtOnce ?? 'failed-turns') : undefined;
    if (heldFor !== undefined) streak.heldFor = heldFor;
    this.agents.set(name, streak);
    // Told in the turn it is held; a turn finished after a crash makes the same notices again (same ids), never new ones.
    if (!streak.held || heldTurn !== turn) return told;
    const until = `until its resume or the entry models.${model} in org/org.yaml changes, or a person runs \`lemming retry ${name}\`.`;
    const entry = org.models[model];
    const variable = entry ? keyVariableFor(entry) : undefined;
    const subject = keyRefused
      ? `${name} is not called: its model ${model} refused the key${variable ? ` in ${variable}` : ''}`
      : holdsAtOnce === 'answer'
        ? `${name} is not called: its model ${model} sent an answer too large to read`
        : `${name} is not called: its model ${model} keeps failing`;
    const body = keyRefused
      ? `${name}'s call to model ${model} was refused in turn ${turn}: ${cause}\n\n` +
        `A refused key is not tried again: ${name} will not be called, and its mail waits, ${until}\n` +
        (variable ? `Set ${variable} to a key the server accepts (in the environment or the org root's .env), then run \`lemming retry ${name}\`.` : 'Give the entry a key (api_key_env), then run `lemming retry ' + name + '`.')
      : holdsAtOnce === 'answer'
        ? `${name}'s call to model ${model} in turn ${turn} was refused: ${cause}\n\n` +
          `Its server did the work, so the call was charged at what it was reserved at (the ledger's line says so). A server that sends more than a model can write is broken or hostile, and each call to it would be paid again: ${name} will not be called, and its mail waits, ${until}\n` +
          `Check the server at models.${model}.base_url (and set models.${model}.max_output_tokens), then run \`lemming retry ${name}\`.`
        : `${name}'s calls to model ${model} failed in ${turns} turns in a row (turns ${streak.firstTurn} to ${turn}); the last failure: ${cause}\n\n` +
          `${name} will not be called again, and its mail waits, ${until}`;
    const manager = org.agents.get(name)?.reportsTo;
    for (const to of new Set([manager, HUMAN])) {
      if (!to || !org.agents.has(to)) continue;
      const notice = makeNotice(turn, to, `failing-${name}`, 1, subject, body);
      if (to === HUMAN) told.humanNotices.push({ id: notice.id, turn, subject, body });
      else told.notices.push(notice);
    }
    return told;
  }

  /** The agent's streak as it stands (a copy, for the turn's journal), or null. */
  entryOf(name: string): FailureStreak | null {
    return this.agents.copyOf(name);
  }

  /** Put back the streak an agent's journaled outcome carries (null: none), for a turn finished after a crash. */
  restore(name: string, streak: FailureStreak | null): void {
    // A streak that ended ends as recordSuccess ends it: its retry request, if any, taken up.
    if (streak === null) this.recordSuccess(name);
    else this.agents.restore(name, streak);
  }

  /** Write the file when something changed, and clear the retry requests that were taken up. */
  save(): void {
    const { retries } = failingPaths(this.root);
    for (const name of this.released) rmSync(join(retries, name), { force: true });
    this.released.clear();
    this.agents.save();
  }

  private forget(name: string): void {
    this.agents.delete(name);
    this.released.add(name);
  }
}

/**
 * `lemming retry <agent>`: ask the engine to call a held agent again at its next turn.
 * A file, not an edit of the engine's state, so it never races a running engine.
 */
export function requestRetry(root: string, name: string): FailureStreak | undefined {
  const streak = FailingAgents.load(root).streak(name);
  if (!streak?.held) return streak;
  const { retries } = failingPaths(root);
  writeFileAtomic(join(retries, name), `${new Date().toISOString()}\n`);
  return streak;
}
