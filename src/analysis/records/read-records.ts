import { loadState } from '../../engine/record/state-store.js';
import { readLog } from '../../engine/record/agent-log.js';
import { statePaths } from '../../engine/record/state-paths.js';
import { readLedgerFrom } from '../../engine/money/ledger.js';
import { addCredits } from '../../engine/money/credit-sum.js';
import { madeSomethingIn } from '../../engine/breakers/loop-rules.js';
import { listMessageFiles, readMessageFile } from '../../mailbox/message-file.js';
import { deliveriesOf, type Delivery } from '../../org/lists/recipients.js';
import { readTakenLines, takenStatus } from '../../engine/record/taken-files.js';
import { holdStartedBy, isRefusedAnswerLine, sendCauseOf, sendsOf } from '../../engine/refusal-causes.js';
import { callsStoppedAtMaxSteps } from '../../engine/turn/max-steps-note.js';
import { meetingDeliveries, readTranscript } from '../../meetings/meeting-transcript.js';
import { isValidAgentName, MEETINGS_FOLDER } from '../../org/names.js';
import { readdirSync } from 'node:fs';
import { LemmingError } from '../../errors.js';
import { readOwnText } from '../../storage/read-own-file.js';
import { join } from 'node:path';
import { reachableFrom } from '../../org/permissions.js';
import type { Org } from '../../org/org.js';
import { MAX_LISTED_EDGES, pairKey, type HeardSpeech, type CallsStopped, type MessageRecord, type OrgRecords, type RefusedAnswer, type RefusedSend, type TurnActivity } from './org-records.js';

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
  const refusals: RefusedSend[] = [];
  const answersRefused: RefusedAnswer[] = [];
  const stoppedAtMaxSteps: CallsStopped[] = [];
  const taken = statePaths(root).taken;
  for (const agent of org.agents.values()) {
    for (const name of listMessageFiles(root, agent.name)) {
      // A file the engine took in and did not deliver (the chart refused it, it was broken) reached no one.
      if (takenStatus(taken, agent.name, name) === 'undelivered') continue;
      const read = readMessageFile(root, agent.name, name, 0, org.settings.max_body_chars);
      if ('error' in read) continue;
      const { message } = read;
      // Who read it and how: each name of to: and cc:, a list's members in its place (as lists stand now).
      const deliveries = deliveriesOf(org, message.from, message);
      const readers = deliveries.length > 0 ? deliveries : [{ reader: message.to, form: 'direct' as const }];
      const record: MessageRecord = { id: message.id, from: message.from, to: (readers[0] as Delivery).reader, turn: message.turn, priority: message.priority, body: message.body };
      if (readers.length > 1) record.others = readers.slice(1).map((delivery) => delivery.reader);
      if (readers.some((delivery) => delivery.form !== 'direct')) record.forms = readers.map((delivery) => delivery.form);
      if (message.subject !== undefined) record.subject = message.subject;
      if (message.replyTo !== undefined) record.replyTo = message.replyTo;
      if (message.usage?.credits !== undefined) record.credits = message.usage.credits;
      messages.push(record);
    }
    activity.set(agent.name, readActivity(root, agent.name, refusals, answersRefused, stoppedAtMaxSteps));
  }
  messages.sort((left, right) => left.turn - right.turn || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));

  const charges = new Map<string, number>();
  for (const entry of readLedgerFrom(statePaths(root).ledger, 0).entries) {
    if (entry.type !== 'charge') continue;
    const key = pairKey(entry.turn, entry.agent);
    charges.set(key, addCredits(charges.get(key) ?? 0, entry.credits));
  }

  const state = loadState(statePaths(root).state);
  const newest = messages.reduce((most, message) => Math.max(most, message.turn), 0);
  const records: OrgRecords = {
    turn: state.turn > 0 ? state.turn : newest,
    agents: [...org.agents.values()].map((agent) => ({ name: agent.name, isHuman: agent.isHuman, reportsTo: agent.reportsTo })).sort((a, b) => (a.name < b.name ? -1 : 1)),
    messages,
    activity,
    charges,
    meetings: heardInMeetings(root),
    refusals,
    answersRefused,
    stoppedAtMaxSteps,
    ...activationRules(org),
    held: readTakenLines(taken).flatMap((line) => (line.held || line.draws ? [{ turn: line.turn, held: line.held ?? {}, draws: line.draws ?? [] }] : [])),
  };
  const edges = permittedEdges(org);
  if (edges) records.edges = edges;
  return records;
}

/** Each rule of org.yaml `engine.activation`, its `match` as written (`title: Clerk`), for the analysis to name it. */
function activationRules(org: Org): Pick<OrgRecords, 'activationRules'> {
  const rules = org.settings.activation?.rules;
  if (!rules || rules.length === 0) return {};
  const value = (wanted: unknown): string => (Array.isArray(wanted) ? `[${wanted.map(value).join(', ')}]` : typeof wanted === 'object' && wanted !== null ? JSON.stringify(wanted) : String(wanted));
  return { activationRules: rules.map((rule) => Object.entries(rule.match).map(([field, wanted]) => `${field}: ${value(wanted)}`).join(', ') || 'every agent') };
}

/** Every speech heard in the org's meetings, read from their transcripts (`org/meetings/<name>/<turn>.md`). */
function heardInMeetings(root: string): HeardSpeech[] {
  const heard: HeardSpeech[] = [];
  const folder = join(root, MEETINGS_FOLDER);
  for (const meeting of namesIn(folder).filter((name) => isValidAgentName(name))) {
    for (const file of namesIn(join(folder, meeting)).filter((name) => TRANSCRIPT.test(name)).sort()) {
      const text = transcriptText(root, `${MEETINGS_FOLDER}/${meeting}/${file}`);
      if (text === undefined) continue;
      const transcript = readTranscript(text);
      if (!transcript) continue;
      for (const speech of meetingDeliveries(transcript, transcript.speeches)) heard.push({ from: speech.from, to: speech.to, turn: transcript.turn, meeting: transcript.name });
    }
  }
  return heard;
}

/**
 * A transcript lemming wrote, read as its own file (readOwnText: no link followed, no pipe waited on, bounded);
 * undefined once removed. Anything else in its place is said: the speeches it held are edges of the analysis.
 */
function transcriptText(root: string, file: string): string | undefined {
  const read = readOwnText(join(root, file));
  if ('absent' in read) return undefined;
  if ('problem' in read) {
    throw new LemmingError('corrupt-record', `${file} ${read.problem}, where lemming keeps a meeting's transcript (a file): move it away (restore the transcript if you kept it) and run again`);
  }
  return read.text;
}

/** A transcript's name: its turn, zero-padded. */
const TRANSCRIPT = /^\d{6}\.md$/;

function namesIn(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
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

/** An activity log, turn by turn: called or not, what it was shown, whether it made something. A damaged line stops the reader, naming it (readLog). */
function readActivity(root: string, agent: string, refusals: RefusedSend[], answersRefused: RefusedAnswer[], stoppedAtMaxSteps: CallsStopped[]): Map<number, TurnActivity> {
  const turns = new Map<number, TurnActivity>();
  // Every piece of the log, in order, by the one reader of a log (engine/record/agent-log.ts).
  for (const entry of readLog(root, agent)) {
    let turn = turns.get(entry.turn);
    if (!turn) {
      turn = { called: false, read: [], madeSomething: false };
      turns.set(entry.turn, turn);
    }
    if (entry.event === 'called') turn.called = true;
    if (entry.event === 'refused') refusals.push({ from: agent, to: typeof entry['to'] === 'string' ? entry['to'] : '', turn: entry.turn, cause: sendCauseOf(entry), count: sendsOf(entry) });
    if (isRefusedAnswerLine(entry)) answersRefused.push({ agent, turn: entry.turn });
    const stopped = callsStoppedAtMaxSteps(entry);
    if (stopped > 0) stoppedAtMaxSteps.push({ agent, turn: entry.turn, calls: stopped });
    const hold = holdStartedBy(entry);
    if (hold !== undefined) turn.holdStarted = hold;
    if (entry.event === 'read' && Array.isArray(entry['ids'])) for (const id of entry['ids'] as unknown[]) if (typeof id === 'string') turn.read.push(id);
    // engine/turn/failed-call.ts writes `shown` only for a call that was charged.
    if (entry.event === 'error' && Array.isArray(entry['shown'])) for (const id of entry['shown'] as unknown[]) if (typeof id === 'string') (turn.shownWhenFailed ??= []).push(id);
    // What counts as making something is the ping-pong rule's (engine/breakers/loop-rules.ts): the live breaker reads the log the same way.
    if (madeSomethingIn(entry)) turn.madeSomething = true;
  }
  return turns;
}
