import { existsSync, readdirSync, statSync } from 'node:fs';
import { readOwnText } from '../storage/read-own-file.js';
import { MAX_EDITED_MARKDOWN_BYTES, MAX_ORG_YAML_BYTES, readEditedFile } from '../editable/edited-file.js';
import { join } from 'node:path';
import { EXIT, LemmingError } from '../errors.js';
import { stateTurn } from '../engine/record/state-store.js';
import { statePaths } from '../engine/record/state-paths.js';
import { addEntries, emptySnapshot, readLedgerFrom, type AgentTotals } from '../engine/money/ledger.js';
import { RESULT_FILE, type RunMetrics } from '../experiment/run-metrics.js';
import { listMessageFiles, outboxPath, readMessageFile } from '../mailbox/message-file.js';
import { loadOrgForReading } from '../org/load-org-once.js';
import { CHART_FILE, isValidAgentName, ORG_FILE, ROUTING_FILE } from '../org/names.js';
import { describeProposal } from '../tools/proposals/proposal.js';
import { listProposals } from '../tools/proposals/proposal-store.js';

/** The org files compared as text (resumes are compared per agent). */
export const COMPARED_ORG_FILES = [ORG_FILE, CHART_FILE, ROUTING_FILE] as const;

/** The most of one message body a comparison reads; the rest is left out, as run-messages.ts leaves it. */
const MAX_BODY_CHARS = 200_000;

/** One message as a comparison sees it: its fields and body, and the file that holds it. */
export interface SnapshotMessage {
  id: string;
  /** The file, relative to the org root (`agents/manager/outbox/000012-001-planner.md`). */
  file: string;
  from: string;
  to: string;
  turn: number;
  created: string;
  subject?: string;
  priority: string;
  replyTo?: string;
  model?: string;
  /** What the call that wrote it cost, from its front matter; absent for the human's. */
  credits?: number;
  body: string;
}

/** One agent folder: its resume's text, and its budget when the resume is valid. */
export interface SnapshotAgent {
  name: string;
  /** `agents/<name>/resume.md` as written; empty when the folder has none. */
  resume: string;
  /** Credits from the resume; undefined when the resume does not load (the org leaves the agent out). */
  budget?: number;
}

/** One proposal of `org/proposals/`: what it asks for and where it stands. */
export interface SnapshotProposal {
  id: string;
  description: string;
  status: string;
  reason?: string;
}

/** The ledger summed over every agent. */
export interface LedgerTotals {
  /** Charge lines (model answers charged). */
  calls: number;
  spent: number;
  toppedUp: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * An org folder read into what `lemming diff` compares: plain values, no file handles, so two of
 * them compare with a pure function whatever folders (an experiment's runs, a fork, a turn the
 * history wrote out) they came from.
 */
export interface OrgSnapshot {
  root: string;
  /** org.yaml `name`. */
  name: string;
  /** The last finished turn, from the engine's state. */
  turn: number;
  /** Every message of every outbox, by id. */
  messages: ReadonlyMap<string, SnapshotMessage>;
  /** Message files that could not be read, with why. */
  unreadable: Array<{ file: string; error: string }>;
  /** Every agent folder, by name. */
  agents: ReadonlyMap<string, SnapshotAgent>;
  /** What the ledger says each agent spent and was given (no prototype: keyed by agent names). */
  totals: Readonly<Record<string, AgentTotals>>;
  ledger: LedgerTotals;
  proposals: ReadonlyMap<string, SnapshotProposal>;
  /** The text of org.yaml, chart.yaml and routing.yaml, by path; absent files have none. */
  orgFiles: ReadonlyMap<string, string>;
  /** The run's metrics and scores, when the folder is a finished experiment run (experiment-result.json). */
  outcome?: RunMetrics;
}

/** The folder must be an org: a missing one, a file, or a folder without the org's files is said with what was expected. */
function requireOrg(root: string): void {
  const stat = statSync(root, { throwIfNoEntry: false });
  if (!stat) throw new LemmingError('no-folder', `${root}: there is no such folder; lemming diff compares two org folders (each holding org/org.yaml, org/chart.yaml and agents/)`, { exitCode: EXIT.usage });
  if (!stat.isDirectory()) throw new LemmingError('no-folder', `${root}: is a file, not a folder; lemming diff compares two org folders`, { exitCode: EXIT.usage });
  for (const file of [ORG_FILE, CHART_FILE]) {
    if (!existsSync(join(root, file))) throw new LemmingError('no-org', `not an org: no ${file} in ${root}`, { exitCode: EXIT.usage });
  }
}

/**
 * A file a person writes in the folder compared (a resume, org.yaml), read by the loader's reader
 * (readEditedFile: no pipe waited on, no link out of the folder followed, bounded); undefined when
 * missing. Anything else in its place is said, naming it.
 */
function readText(root: string, file: string, maxBytes: number): string | undefined {
  const read = readEditedFile(join(root, file), file, maxBytes, root);
  if ('missing' in read) return undefined;
  if ('problem' in read) throw new LemmingError('bad-org', `${join(root, file)} ${read.problem.message}`, { exitCode: EXIT.usage });
  return read.text;
}

function agentFolders(root: string): string[] {
  try {
    return readdirSync(join(root, 'agents'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && isValidAgentName(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

function readMessages(root: string, agents: readonly string[]): Pick<OrgSnapshot, 'messages' | 'unreadable'> {
  const messages = new Map<string, SnapshotMessage>();
  const unreadable: OrgSnapshot['unreadable'] = [];
  for (const agent of agents) {
    for (const name of listMessageFiles(root, agent)) {
      const file = `${outboxPath(agent)}/${name}`;
      const read = readMessageFile(root, agent, name, 0, MAX_BODY_CHARS);
      if ('error' in read) {
        unreadable.push({ file, error: read.error });
        continue;
      }
      const { message } = read;
      messages.set(message.id, {
        id: message.id,
        file,
        from: message.from,
        to: message.to,
        turn: message.turn,
        created: message.created,
        priority: message.priority,
        body: message.body,
        ...(message.subject === undefined ? {} : { subject: message.subject }),
        ...(message.replyTo === undefined ? {} : { replyTo: message.replyTo }),
        ...(message.model === undefined ? {} : { model: message.model }),
        ...(message.usage === undefined ? {} : { credits: message.usage.credits }),
      });
    }
  }
  return { messages, unreadable };
}

function readLedger(root: string): Pick<OrgSnapshot, 'totals' | 'ledger'> {
  const { entries, end } = readLedgerFrom(statePaths(root).ledger, 0);
  const { totals } = addEntries(emptySnapshot(), entries, end);
  const ledger: LedgerTotals = { calls: 0, spent: 0, toppedUp: 0, inputTokens: 0, outputTokens: 0 };
  for (const each of Object.values(totals)) {
    ledger.calls += each.calls;
    ledger.spent += each.spent;
    ledger.toppedUp += each.toppedUp;
    ledger.inputTokens += each.inputTokens;
    ledger.outputTokens += each.outputTokens;
  }
  return { totals, ledger };
}

/** An experiment run's result, which lemming wrote, read as its own file (readOwnText: no link followed, no pipe waited on, bounded). */
function readOutcome(root: string): RunMetrics | undefined {
  const path = join(root, RESULT_FILE);
  const read = readOwnText(path);
  if ('absent' in read) return undefined;
  if ('problem' in read) throw new LemmingError('bad-result', `${path} ${read.problem}, where an experiment keeps a run's result (a file): run the experiment again to write it anew`, { exitCode: EXIT.usage });
  const text = read.text;
  try {
    return JSON.parse(text) as RunMetrics;
  } catch {
    throw new LemmingError('bad-result', `${join(root, RESULT_FILE)} is not JSON; an experiment writes it when a run ends: run the experiment again to write it anew`, { exitCode: EXIT.usage });
  }
}

/**
 * Read an org folder into a snapshot: its messages (through the mailbox's one reader), agent
 * folders and resumes, the ledger's totals, proposals, org files, the engine's turn, and an
 * experiment run's result when there is one. Reads only, as `lemming status` does (the org's
 * parse cache may be brought up to date). Throws a LemmingError (exit 2) when `root` is not an org.
 */
export function readOrgSnapshot(root: string): OrgSnapshot {
  requireOrg(root);
  const { org } = loadOrgForReading(root);
  const folders = agentFolders(root);
  const agents = new Map<string, SnapshotAgent>();
  for (const name of folders) {
    const budget = org.agents.get(name)?.credits;
    agents.set(name, { name, resume: readText(root, `agents/${name}/resume.md`, MAX_EDITED_MARKDOWN_BYTES) ?? '', ...(budget === undefined ? {} : { budget }) });
  }
  const proposals = new Map<string, SnapshotProposal>();
  for (const proposal of listProposals(root).proposals) {
    proposals.set(proposal.id, { id: proposal.id, description: describeProposal(proposal), status: proposal.status, ...(proposal.reason ? { reason: proposal.reason } : {}) });
  }
  const orgFiles = new Map<string, string>();
  for (const file of COMPARED_ORG_FILES) {
    const text = readText(root, file, MAX_ORG_YAML_BYTES);
    if (text !== undefined) orgFiles.set(file, text);
  }
  const outcome = readOutcome(root);
  return {
    root,
    name: org.name,
    turn: stateTurn(statePaths(root).state),
    ...readMessages(root, folders),
    agents,
    ...readLedger(root),
    proposals,
    orgFiles,
    ...(outcome ? { outcome } : {}),
  };
}
