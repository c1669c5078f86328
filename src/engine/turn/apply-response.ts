import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { asStorageError } from '../../storage/storage-error.js';
import type { AnsweredStart } from '../../mailbox/prompt-markup.js';
import { formatMessage } from '../../mailbox/message-format.js';
import { outboxPath } from '../../mailbox/message-file.js';
import { hintAfterOwnWrites, type OutboxHint } from '../../mailbox/outbox-scan.js';
import { messageFileName, messageId, recipientsOf, type Message } from '../../mailbox/message.js';
import { HUMAN } from '../../org/names.js';
import type { Org } from '../../org/org.js';
import type { ProviderResponse } from '../../providers/provider.js';
import { ANSWER_TOO_LARGE_CODE } from '../../providers/provider-error.js';
import { appendLog, cutLogFromTurn, type LogEntry } from '../record/agent-log.js';
import { crashPoint } from '../record/crash-points.js';
import { agentPaths, statePaths } from '../record/state-paths.js';
import { writeMemory } from '../record/agent-memory.js';
import type { PendingItem } from '../record/engine-state.js';
import type { CallReason, EngineEvent } from '../events.js';
import { interpretResponse, outputCapNote } from './interpret-response.js';
import type { StepSummary } from './step-loop.js';
import type { AgentOutcome } from '../record/journal.js';
import { chargeFor, type Charged } from '../money/charge.js';
import { isNoticeId, makeNotice, refusalNoticeBody, silentCutNotices, usageNotices } from './notices.js';
import { groupRefusals } from './refusal-groups.js';
import { summarise } from './summarise.js';
import { removeTurnFiles, removeTurnFilesQuietly } from './turn-files.js';
import { rememberWritten } from './written-messages.js';
import { deliveriesOf } from '../../org/lists/recipients.js';
import { countForms } from '../../format/mail-outcomes.js';
import type { InboxEntry } from './build-prompt.js';
import type { MemoryLayer } from './prepare-call.js';
import type { ReflectionAnswer } from './reflect.js';
import type { MeetingHeard } from '../../meetings/meeting-transcript.js';
import type { RatingAnswer } from '../../memory/rate-stream.js';
import type { TurnMessage } from '../../memory/turn-memories.js';

/** What `applyResponse` needs to carry out one agent's response. */
export interface ApplyInput {
  root: string;
  org: Org;
  turn: number;
  agent: string;
  /** Mail the agent was shown: read now. */
  shown: string[];
  /** Why it was called (the plan's reason): in its log's `called` line, so a run told again from the logs says it. */
  reason: CallReason;
  response: ProviderResponse;
  /** When the answer arrived: the `created` time of every message it wrote. */
  receivedAt: string;
  /** A crashed attempt at this turn may have left files: remove them first. */
  recovering: boolean;
  /** The hint for the agent's outbox as the engine last knew it. */
  previousHint: OutboxHint | undefined;
  /** The agent's inbox held only notices from the engine: do not answer a text reply with another notice. */
  onlyNotices: boolean;
  /** The agent's credits before this call is charged; the charge event reports the balance after. */
  balanceBefore: number;
  /**
   * The start of a message the agent was shown, by id, when it is one (see AnsweredStart): a message it
   * sends in answer to it carries that start to its recipient's prompt.
   */
  answered?: (id: string) => AnsweredStart | undefined;
  /** The steps of the turn's loop, for the log and the screen; none for a one-step answer without tools. */
  steps?: StepSummary[];
  /** Why the loop ended before the model was done, when it did. */
  cutShort?: string;
  /** Why its charge is not its server's count, when a step's answer was refused unread (unread-answer.ts): on the ledger's line and in the log. */
  unreadNote?: string;
  /** The agent keeps a memory stream: what it saw (the mail shown, with bodies) and did becomes memories, with what it concluded when it reflected. */
  memory?: { layer: MemoryLayer; read(): InboxEntry[]; reflection?: ReflectionAnswer; rating?: RatingAnswer; recalled?: readonly string[]; meeting?: MeetingHeard };
}

/**
 * Carry out one agent's response: write its messages (temporary file, then rename,
 * under names fixed by turn and order), its notes and its log, and say what changed.
 * Running it twice for the same response leaves the same files. When the agent's
 * files cannot be written (permissions, an outbox that is not a folder), the call is still
 * charged, the files of this turn are removed again, its mail waits, and the outcome is an
 * error for this agent alone; when the disk is full, read-only or failing, the run stops.
 */
export function applyResponse(input: ApplyInput): { outcome: AgentOutcome; events: EngineEvent[] } {
  try {
    return writeResponse(input);
  } catch (error) {
    const storage = asStorageError(error);
    if (!storage) return writeFailed(input, error);
    // A full, read-only or failing disk is the org's trouble, not this agent's: the run stops
    // (storage/storage-error.ts) and the next run applies this journaled response again. What
    // this turn wrote for the agent goes now, so no half of the turn waits in its outbox meanwhile.
    removeTurnFilesQuietly(input.root, input.agent, input.turn, input.memory?.layer);
    throw storage;
  }
}

function writeResponse(input: ApplyInput): { outcome: AgentOutcome; events: EngineEvent[] } {
  const { root, org, turn, agent: name, response } = input;
  const agent = org.agents.get(name);
  if (!agent) throw new Error(`applyResponse: unknown agent ${name}`);
  const outbox = agentPaths(root, name).outbox;
  // Taken before any write: if it differs from the hint's, someone else changed the folder since the last listing.
  const mtimeBefore = statSync(outbox, { throwIfNoEntry: false })?.mtimeMs;
  if (input.recovering) {
    removeTurnFiles(outbox, turn);
    input.memory?.layer.removeTurnMemories(root, name, turn);
    cutLogFromTurn(root, name, turn);
  }
  // The mail shown less the engine's notices; most agents were shown none, so the list itself, not a copy.
  const shownMessages = input.shown.some(isNoticeId) ? input.shown.filter((id) => !isNoticeId(id)) : input.shown;
  const interpretation = interpretResponse(response, agent, org, shownMessages);
  const temporaries = statePaths(root).cache;
  const events: EngineEvent[] = [];
  const log: LogEntry[] = [];
  const at = input.receivedAt;
  const { usage, charge } = chargeOf(input);
  const credits = usage.credits;
  log.push({ turn, at, event: 'called', model: response.modelKey, reason: input.reason, shown: input.shown.length, ...usage });
  // Which mail this call read, by id: with the `sent` lines, a log shows every message delivered exactly once.
  if (input.shown.length > 0) log.push({ turn, at, event: 'read', ids: input.shown });
  // A turn of several steps logs each of them, the last included, so the step lines add up to the charge.
  const steps = input.steps ?? [];
  for (const step of steps) {
    if (steps.length === 1 && step.tools.length === 0) continue;
    log.push({ turn, at, event: 'step', step: step.step, input_tokens: step.inputTokens, output_tokens: step.outputTokens, tools: step.tools });
    events.push({ type: 'agent-step', turn, agent: name, step: step.step, tools: step.tools });
  }
  if (input.cutShort !== undefined) {
    // A step's answer refused unread ended the loop: its line keeps the cause, so every count of refusals counts it (refusal-causes.ts); the steps before it stand, so it is no error.
    const refused: { cause?: typeof ANSWER_TOO_LARGE_CODE } = input.unreadNote === undefined ? {} : { cause: ANSWER_TOO_LARGE_CODE };
    log.push({ turn, at, event: 'note', message: input.cutShort, ...refused });
    events.push({ type: 'agent-note', turn, agent: name, message: input.cutShort, ...refused });
  }
  if (input.unreadNote !== undefined) log.push({ turn, at, event: 'note', message: input.unreadNote });
  for (const problem of response.unavailable ?? []) {
    log.push({ turn, at, event: 'note', message: problem });
    events.push({ type: 'agent-note', turn, agent: name, message: problem, error: true });
  }
  const capNote = outputCapNote(response, org);
  // What the usage gate did not take as reported goes with the notes: the log and the screen say it, and the human is told (notices.ts, usageNotices).
  const notes = [...(capNote === undefined ? [] : [capNote]), ...(response.notes ?? []), ...(response.usage.clamped ?? [])];
  for (const note of notes) {
    log.push({ turn, at, event: 'note', message: note });
    events.push({ type: 'agent-note', turn, agent: name, message: note });
  }

  const newMail: PendingItem[] = [];
  const written: string[] = [];
  const sentMessages: TurnMessage[] = [];
  // For escalation (engine/routing): the mail this agent answered.
  const replies: string[] = [];
  interpretation.messages.forEach((outgoing, index) => {
    const seq = index + 1;
    const everyone = recipientsOf(outgoing);
    const fileName = messageFileName(turn, seq, outgoing.to, everyone.length - 1);
    const file = `${outboxPath(name)}/${fileName}`;
    const message: Message = {
      id: messageId(turn, name, seq),
      from: name,
      to: outgoing.to,
      turn,
      created: at,
      priority: outgoing.priority,
      model: response.modelKey,
      usage,
      body: outgoing.body,
    };
    if (outgoing.alsoTo !== undefined) message.alsoTo = outgoing.alsoTo;
    if (outgoing.cc !== undefined) message.cc = outgoing.cc;
    if (outgoing.subject !== undefined) message.subject = outgoing.subject;
    if (outgoing.replyTo !== undefined) message.replyTo = outgoing.replyTo;
    if (outgoing.replyTo !== undefined) replies.push(outgoing.replyTo);
    // Its temporary in the state's cache, which no watch looks at: only the rename lands in the outbox (atomic-write.ts).
    writeFileAtomic(`${outbox}/${fileName}`, formatMessage(message), temporaries);
    crashPoint('mid-write');
    sentMessages.push({
      id: message.id,
      party: outgoing.to,
      ...(outgoing.alsoTo !== undefined ? { to: [outgoing.to, ...outgoing.alsoTo] } : {}),
      ...(outgoing.cc !== undefined ? { cc: outgoing.cc } : {}),
      priority: outgoing.priority,
      body: outgoing.body,
      ...(outgoing.subject !== undefined ? { subject: outgoing.subject } : {}),
    });
    if (everyone.some((reader) => reader !== HUMAN)) rememberWritten(root, file, message);
    written.push(fileName);
    log.push({ turn, at, event: 'sent', id: message.id, to: message.to, ...(everyone.length > 1 ? { others: everyone.slice(1) } : {}), subject: message.subject ?? null, file });
    // One file, and one item of waiting mail for each reader: each reader's read state is its own.
    const deliveries = deliveriesOf(org, name, message);
    events.push({ type: 'message-delivered', turn, message: summarise(message, file), forms: countForms(deliveries) });
    for (const { reader } of deliveries) {
      if (reader === HUMAN) continue;
      newMail.push({
        kind: 'message',
        id: message.id,
        from: name,
        to: reader,
        turn,
        file,
        priority: outgoing.priority,
        ...(outgoing.subject !== undefined ? { subject: outgoing.subject } : {}),
        ...answersOf(input, outgoing.replyTo),
      });
    }
  });

  for (const memory of interpretation.memories) {
    writeMemory(root, name, memory.key, memory.text);
    const forgotten = memory.text.trim() === '';
    log.push({ turn, at, event: forgotten ? 'forgot' : 'remembered', key: memory.key });
    events.push({ type: 'memory-written', turn, agent: name, key: memory.key, forgotten });
  }

  if (input.memory) {
    const remembered = rememberTurn(input, input.memory, sentMessages, interpretation.memories);
    log.push(...remembered.log);
    events.push(...remembered.events);
  }

  if (interpretation.refusals.length > 0) {
    const notice = makeNotice(turn, name, 'refused', 1, 'Not delivered', refusalNoticeBody(interpretation.refusals));
    for (const { count, recipients, ...refusal } of groupRefusals(interpretation.refusals)) {
      const many = count > 1 ? { count, recipients } : {};
      log.push({ turn, at, event: 'refused', to: refusal.to, subject: refusal.subject ?? null, reason: refusal.reason, cause: refusal.cause, notice: notice.id, ...many });
      events.push({ type: 'message-refused', turn, from: name, ...refusal, notice: notice.id, ...many });
    }
    newMail.push(notice);
  }
  for (const problem of interpretation.invalidCalls) {
    log.push({ turn, at, event: 'invalid-tool-call', reason: problem });
    events.push({ type: 'agent-note', turn, agent: name, message: `invalid tool call: ${problem}`, invalidCall: true });
  }
  if (interpretation.invalidCalls.length > 0) {
    const lines = interpretation.invalidCalls.slice(0, 20).map((problem) => `- ${problem}`);
    newMail.push(makeNotice(turn, name, 'invalid', 1, 'Tool calls not carried out', `Some of your tool calls could not be carried out:\n${lines.join('\n')}`));
  }
  if (interpretation.textOnly) {
    log.push({ turn, at, event: 'text-reply', text: response.text.slice(0, 20_000) });
    events.push({ type: 'agent-note', turn, agent: name, message: 'replied in text without calling a tool; nothing was sent' });
    if (!input.onlyNotices) {
      newMail.push(
        makeNotice(
          turn,
          name,
          'no-tool',
          1,
          'Nothing was sent',
          'Your last reply was text and called no tool, so nothing was sent (your text is in your log). ' +
            'To send a message, call send_message with "to" and "body"; to keep a note, call remember.',
        ),
      );
    }
  }
  log.push({ turn, at, event: 'charged', model: response.modelKey, ...usage });
  appendLog(root, name, log);

  const sent = interpretation.messages.length;
  events.push({
    type: 'credits-charged',
    turn,
    agent: name,
    model: response.modelKey,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    credits,
    balance: input.balanceBefore - credits,
    estimated: response.usage.estimated,
  });
  events.push({ type: 'agent-done', turn, agent: name, sent, refused: interpretation.refusals.length });

  const outcome: AgentOutcome = {
    agent: name,
    read: input.shown,
    newMail,
    humanNotices: [...usageNotices(turn, name, response.usage), ...silentCutNotices(turn, name, response.cutSilently)],
    charge,
    activity: describe(sent, interpretation.refusals.length, interpretation.memories.length),
  };
  if (replies.length > 0) outcome.replies = replies;
  if (written.length > 0) {
    outcome.wrote = written;
    // A recovered turn may have found files of its own crashed attempt: the folder is listed again next turn.
    outcome.hint = hintAfterOwnWrites(input.previousHint, input.recovering ? Number.NaN : mtimeBefore, statSync(outbox).mtimeMs) ?? null;
  }
  return { outcome, events };
}

/**
 * The memories of the agent's turn (memory/turn-memories.ts): the mail it read, what it sent, the notes
 * it kept, the tools it ran, and the insights of its reflection, each citing only memories it was shown.
 * Written after its messages, in the same application of its turn: applied again after a crash, the
 * same files. The reflection's log line carries its tokens (they are in the turn's charge).
 */
function rememberTurn(input: ApplyInput, memory: NonNullable<ApplyInput['memory']>, sent: TurnMessage[], notes: ReadonlyArray<{ key: string; text: string }>): { log: LogEntry[]; events: EngineEvent[] } {
  const { root, turn, agent, receivedAt: at } = input;
  const read = memory.read().map((entry) => ({
    id: entry.id,
    party: entry.from,
    // A message to several people or to a list shows its names (prepare-call.ts): remembered with them.
    ...(entry.to !== undefined ? { to: entry.to.split(', ') } : {}),
    ...(entry.cc !== undefined ? { cc: entry.cc.split(', ') } : {}),
    priority: entry.priority,
    body: entry.body,
    ...(entry.subject !== undefined ? { subject: entry.subject } : {}),
    ...(isNoticeId(entry.id) ? { notice: true } : {}),
  }));
  const tools = (input.steps ?? []).flatMap((step) => step.tools).map((tool) => ({ name: tool.name, args: tool.args, ...(tool.written !== undefined ? { written: tool.written } : {}), ...(tool.error !== undefined ? { error: tool.error } : {}) }));
  const reflection = memory.reflection;
  const weights = new Map((reflection?.offered ?? []).map((offered) => [offered.id, offered.importance]));
  const insights = reflection ? memory.layer.parseInsights(reflection.text, new Set(weights.keys())).map((insight) => ({ ...insight, cited: insight.sources.map((id) => weights.get(id) ?? 1) })) : [];
  memory.layer.writeTurnMemories(root, { turn, agent, read, sent, notes, tools, insights, ...(reflection ? { reflectedOn: [...weights.keys()] } : {}), ...(memory.recalled ? { recalled: memory.recalled } : {}), ...(memory.meeting ? { meeting: memory.meeting } : {}) }, ceilingOf(input.org.agents.get(agent)?.memory));
  // The model's ratings of earlier memories, into their files (applied again after a crash: the same bytes).
  const rated = memory.rating ? memory.layer.applyRatings(root, agent, memory.rating) : 0;
  const ratedEvents: EngineEvent[] = memory.rating ? [{ type: 'agent-note', turn, agent, message: `rated the importance of ${rated} of ${memory.rating.asked.length} memories` }] : [];
  if (!reflection) return { log: [], events: ratedEvents };
  const sources = [...new Set(insights.flatMap((insight) => insight.sources))];
  const message = `reflected on ${reflection.offered.length} memories: ${insights.length} insight(s)${insights.length === 0 ? ' it could ground in them' : ''}`;
  return {
    log: [{ turn, at, event: 'reflected', model: reflection.modelKey, input_tokens: reflection.inputTokens, output_tokens: reflection.outputTokens, memories: reflection.offered.length, insights: insights.length, sources, ...(reflection.questions ? { questions: reflection.questions } : {}) }],
    events: [{ type: 'agent-note', turn, agent, message }, ...ratedEvents],
  };
}

/** The start of the message a send answers, for its pending item, when the agent was shown that message. */
function answersOf(input: ApplyInput, replyTo: string | undefined): { answers?: AnsweredStart } {
  if (replyTo === undefined || !input.shown.includes(replyTo)) return {};
  const answers = input.answered?.(replyTo);
  return answers ? { answers } : {};
}

/** What the call cost, as the charge event, the message files and the ledger give it (money/charge.ts). */
function chargeOf(input: ApplyInput): Charged {
  const charged = chargeFor(input.turn, input.agent, input.response, input.org.models, input.receivedAt);
  return input.unreadNote === undefined ? charged : { ...charged, charge: { ...charged.charge, note: input.unreadNote } };
}

/**
 * The agent's files could not be written. What this turn wrote for it is removed again (a
 * person who mends the folder finds no half of a turn), the call is charged (it was made),
 * and its mail waits for the next turn. The log line is written where the log can be.
 */
function writeFailed(input: ApplyInput, error: unknown): { outcome: AgentOutcome; events: EngineEvent[] } {
  const { root, turn, agent: name } = input;
  const reason = describeWriteError(root, error);
  const message = `could not write its files, so this turn's work was set aside and its mail waits: ${reason}`;
  removeTurnFilesQuietly(root, name, turn, input.memory?.layer);
  const { usage, charge } = chargeOf(input);
  try {
    appendLog(root, name, [
      { turn, at: input.receivedAt, event: 'error', message },
      { turn, at: input.receivedAt, event: 'charged', model: input.response.modelKey, ...usage },
    ]);
  } catch {
    // The log is in the same trouble; the error is in the events and in `status`.
  }
  const events: EngineEvent[] = [
    { type: 'agent-error', turn, agent: name, message },
    {
      type: 'credits-charged',
      turn,
      agent: name,
      model: input.response.modelKey,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      credits: usage.credits,
      balance: input.balanceBefore - usage.credits,
      estimated: input.response.usage.estimated,
    },
  ];
  const humanNotices = usageNotices(turn, name, input.response.usage);
  return { outcome: { agent: name, read: [], newMail: [], humanNotices, charge, activity: 'error', error: message, hint: null }, events };
}

function describeWriteError(root: string, error: unknown): string {
  const failure = error as NodeJS.ErrnoException;
  if (typeof failure?.code === 'string' && typeof failure.path === 'string') return `${failure.code} on ${relative(root, failure.path)}`;
  return error instanceof Error ? error.message : String(error);
}

function describe(sent: number, refused: number, notes: number): string {
  const parts = [`sent ${sent}`];
  if (refused > 0) parts.push(`${refused} refused`);
  if (notes > 0) parts.push(`${notes} note(s)`);
  return parts.join(', ');
}

/** An agent's stream's ceiling as its settings give it (org.yaml memory.max_memories, max_bytes). */
function ceilingOf(settings: { maxMemories?: number; maxBytes?: number } | undefined): { memories?: number; bytes?: number } {
  return { ...(settings?.maxMemories !== undefined ? { memories: settings.maxMemories } : {}), ...(settings?.maxBytes !== undefined ? { bytes: settings.maxBytes } : {}) };
}
