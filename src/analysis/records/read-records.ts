import { loadState } from '../../engine/record/state-store.js';
import { readLog } from '../../engine/record/agent-log.js';
import { statePaths } from '../../engine/record/state-paths.js';
import { readLedgerFrom } from '../../engine/money/ledger.js';
import { listMessageFiles, readMessageFile } from '../../mailbox/message-file.js';
import { recipientsOf } from '../../mailbox/message.js';
import { readersOf } from '../../org/lists/recipients.js';
import { reachableFrom } from '../../org/permissions.js';
import type { Org } from '../../org/org.js';
import { MAX_LISTED_EDGES, pairKey, type MessageRecord, type OrgRecords, type TurnActivity } from './org-records.js';

/** Tools that only look (read a file, list, search, count): a call of any other tool made something. */
const LOOKING_TOOLS = new Set(['read_file', 'list_files', 'search_files', 'read_message', 'list_agents', 'calculate', 'word_count', 'checklist']);

/**
 * Gather what an analysis reads from an org's files, through the readers the engine and the CLI
 * use: every outbox's message files (`readMessageFile`, so a file reads as the engine reads it),
 * each agent's activity log, the ledger and `engine.json`. Reads only; costs a pass over every
 * message file and log, which is what `lemming analyze` is for (the engine never calls it).
 */
export function readOrgRecords(org: Org): OrgRecords {
  const root = org.root;
  const messages: MessageRecord[] = [];
  const activity = new Map<string, Map<number, TurnActivity>>();
  for (const agent of org.agents.values()) {
    for (const name of listMessageFiles(root, agent.name)) {
      const read = readMessageFile(root, agent.name, name, 0, org.settings.max_body_chars);
      if ('error' in read) continue;
      const { message } = read;
      // Who read it: each name of to: and cc:, a list's members in its place (as lists stand now).
      const everyone = recipientsOf(message);
      const readers = everyone.length === 1 && org.agents.has(message.to) ? everyone : readersOf(org, message.from, everyone);
      const record: MessageRecord = { id: message.id, from: message.from, to: readers[0] ?? message.to, turn: message.turn, priority: message.priority, body: message.body };
      if (readers.length > 1) record.others = readers.slice(1);
      if (message.subject !== undefined) record.subject = message.subject;
      if (message.replyTo !== undefined) record.replyTo = message.replyTo;
      if (message.usage?.credits !== undefined) record.credits = message.usage.credits;
      messages.push(record);
    }
    activity.set(agent.name, readActivity(root, agent.name));
  }
  messages.sort((left, right) => left.turn - right.turn || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));

  const charges = new Map<string, number>();
  for (const entry of readLedgerFrom(statePaths(root).ledger, 0).entries) {
    if (entry.type !== 'charge') continue;
    const key = pairKey(entry.turn, entry.agent);
    charges.set(key, (charges.get(key) ?? 0) + entry.credits);
  }

  const state = loadState(statePaths(root).state);
  const newest = messages.reduce((most, message) => Math.max(most, message.turn), 0);
  const records: OrgRecords = {
    turn: state.turn > 0 ? state.turn : newest,
    agents: [...org.agents.values()].map((agent) => ({ name: agent.name, isHuman: agent.isHuman, reportsTo: agent.reportsTo })).sort((a, b) => (a.name < b.name ? -1 : 1)),
    messages,
    activity,
    charges,
  };
  const edges = permittedEdges(org);
  if (edges) records.edges = edges;
  return records;
}

/** Every edge a message may pass along (both ends agree), or undefined past MAX_LISTED_EDGES. */
function permittedEdges(org: Org): Set<string> | undefined {
  const edges = new Set<string>();
  for (const agent of org.agents.keys()) {
    for (const recipient of reachableFrom(org, agent)) {
      edges.add(pairKey(agent, recipient));
      if (edges.size > MAX_LISTED_EDGES) return undefined;
    }
  }
  return edges;
}

/** An activity log, turn by turn: called or not, what it was shown, whether it made something. A line that is not the engine's is skipped. */
function readActivity(root: string, agent: string): Map<number, TurnActivity> {
  const turns = new Map<number, TurnActivity>();
  // Every piece of the log, in order, by the one reader of a log (engine/record/agent-log.ts).
  for (const entry of readLog(root, agent)) {
    let turn = turns.get(entry.turn);
    if (!turn) {
      turn = { called: false, read: [], madeSomething: false };
      turns.set(entry.turn, turn);
    }
    if (entry.event === 'called') turn.called = true;
    if (entry.event === 'read' && Array.isArray(entry['ids'])) for (const id of entry['ids'] as unknown[]) if (typeof id === 'string') turn.read.push(id);
    if (entry.event === 'step' && Array.isArray(entry['tools'])) {
      for (const tool of entry['tools'] as Array<{ name?: unknown }>) if (typeof tool?.name === 'string' && !LOOKING_TOOLS.has(tool.name)) turn.madeSomething = true;
    }
  }
  return turns;
}
