import { join } from 'node:path';

/**
 * Where the engine keeps its own files, under `org/state/` (never hand-edited). Two kinds:
 * the org's record, which travels with the org (commit it, copy it) so the next run anywhere
 * continues exactly: `engine.json`, `ledger.jsonl`, `taken.jsonl`, `human-read.json` (and `seat-read/<seat>.json` for other person seats),
 * `token-ratios.json`, `dead-ends.json`; and
 * machine-local files, which a copy may carry but never needs: the lock, the journal of a
 * turn in progress and `cache/` (hints about which folders changed, parsed files, the org as
 * a turn was planned). `org/state/.gitignore` leaves the machine-local ones out of commits.
 */
export function statePaths(root: string): StatePaths {
  let paths = statePathCache.get(root);
  if (!paths) {
    paths = buildStatePaths(root);
    if (statePathCache.size > 1_000) statePathCache.clear();
    statePathCache.set(root, paths);
  }
  return paths;
}

/** The paths of the engine's files for one root. */
export type StatePaths = ReturnType<typeof buildStatePaths>;

/** Asked for many times a turn (per agent, by the failing-agent and dead-end records): built once per root. */
const statePathCache = new Map<string, ReturnType<typeof buildStatePaths>>();

function buildStatePaths(root: string) {
  const directory = join(root, 'org', 'state');
  const cache = join(directory, 'cache');
  return Object.freeze({
    directory,
    /** Machine-local: the one-writer lock. */
    lock: join(directory, 'lock'),
    /**
     * Machine-local: the turn gate, held by the engine while a turn writes (turn-gate.ts) and by
     * `lemming backup` while it copies, so a copy never holds half of a turn.
     */
    turnGate: join(directory, 'lock.turn'),
    /** Record: the turn, unread mail, who has joined, what each agent last did. */
    state: join(directory, 'engine.json'),
    /** Record: every charge and top-up, append-only. */
    ledger: join(directory, 'ledger.jsonl'),
    /** Record: which outbox files the engine has taken in, one line per turn, append-only. */
    taken: join(directory, 'taken.jsonl'),
    /** Record: where a fork came from (history/fork-org.ts), written once as it is made. */
    forkedFrom: join(directory, 'forked-from.json'),
    /** Machine-local: the journal of the turn in progress. */
    journal: join(directory, 'journal.jsonl'),
    /** Record: which messages the person has read. */
    humanRead: join(directory, 'human-read.json'),
    /**
     * Machine-local: held while one process changes the read marks (`human-read.json`, `seat-read/`),
     * so two that mark mail read at once (two dashboards, the page and `lemming inbox`) keep both marks.
     */
    readMarksLock: join(directory, 'lock.read'),
    /**
     * Machine-local: held while one process records the human's decision on a proposal (read, checked, written),
     * so an approval and a rejection made at once (the page beside `lemming reject`) are one decision and a refusal.
     */
    decisionLock: join(directory, 'lock.decide'),
    /** Machine-local: held while lemming changes org/chart.yaml (an agent added, hired or retired), so two changes keep both. */
    chartLock: join(directory, 'lock.chart'),
    /** Record: each model entry's tokens per character, as its server counts them. */
    tokenRatios: join(directory, 'token-ratios.json'),
    /** Record: what the circuit breakers (org.yaml engine.breakers) have counted, and whom they hold. */
    breakers: join(directory, 'breakers.json'),
    /** Record: which warnings of org.yaml `budget:` ceilings the human has had, so each is told once. */
    budget: join(directory, 'budget.json'),
    /** Record: the interventions of `org/interventions.yaml` carried out (or refused), one line each, append-only. */
    interventions: join(directory, 'interventions.jsonl'),
    /** Record: mail agents have not acted on, and whether its senders were told. */
    deadEnds: join(directory, 'dead-ends.json'),
    /** Machine-local: agents whose models keep failing here, and which are held. */
    failingAgents: join(cache, 'failing-agents.json'),
    /** Machine-local: `lemming retry <agent>` requests, one empty file per agent. */
    retryRequests: join(cache, 'retry'),
    /** Machine-local: caches, rebuilt when missing. */
    cache,
    /** Machine-local: each outbox folder's mtime when the engine last knew all of its files. */
    outboxHints: join(cache, 'outbox-hints.json'),
    /** Machine-local: the org as the turn in progress was planned, for finishing it after a crash. */
    plannedOrg: join(cache, 'planned-org.json'),
  });
}

/** Where one agent's files lie, under `agents/<name>/`. */
export interface AgentPaths {
  directory: string;
  resume: string;
  outbox: string;
  /** Folder of the agent's notes, one `<key>.md` each. */
  memory: string;
  logs: string;
  /** The activity log, `logs/activity.jsonl`. */
  log: string;
}

/** `<root>/agents`, normalised once per root: an agent's folder is this, a slash and its name. */
const agentsFolders = new Map<string, string>();

/**
 * An agent's paths, each built when asked from its folder. Nothing is kept per agent: at 100,000
 * agents a table of every agent's six paths (each a rope of the folder's parts, flattened again
 * by the first system call that used it) held some 60 MB for the whole run, a fifth of the peak.
 */
class PathsOf implements AgentPaths {
  constructor(readonly directory: string) {}
  get resume(): string {
    return `${this.directory}/resume.md`;
  }
  get outbox(): string {
    return `${this.directory}/outbox`;
  }
  get memory(): string {
    return `${this.directory}/memory`;
  }
  get logs(): string {
    return `${this.directory}/logs`;
  }
  get log(): string {
    return `${this.directory}/logs/activity.jsonl`;
  }
}

/**
 * The paths of an agent's files. The root is normalised once (one `join` per root, not six per
 * agent, which were 6,000 at 1,000 agents in a fresh process's first turn); an agent's name is a
 * plain folder name (src/org/names.ts), so its paths are appended to it.
 */
export function agentPaths(root: string, agent: string): AgentPaths {
  let agents = agentsFolders.get(root);
  if (agents === undefined) {
    agents = join(root, 'agents');
    if (agentsFolders.size > 1_000) agentsFolders.clear();
    agentsFolders.set(root, agents);
  }
  return new PathsOf(`${agents}/${agent}`);
}
