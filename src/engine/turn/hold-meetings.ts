import { transcriptFile } from '../../meetings/meeting-file.js';
import { meetingPrompt } from '../../meetings/meeting-prompt.js';
import { meetingDeliveries, renderTranscript, speakersOf, spokenText, type MeetingHeard, type PlannedMeeting, type Speech } from '../../meetings/meeting-transcript.js';
import type { AnsweredUsage, ProviderResponse } from '../../providers/provider.js';
import { chargedAnswers, chargedTogether } from '../../providers/usage.js';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import type { EngineEvent } from '../events.js';
import { budgetHolding } from '../budget/budget-entry.js';
import { costOf, estimateCallCost } from '../money/charge.js';
import type { AgentTotals } from '../money/ledger.js';
import { crashPoint } from '../record/crash-points.js';
import { appendJournal, type JournalRecord, type PlannedCall } from '../record/journal.js';
import type { TokenRatios } from '../record/token-ratios.js';
import { callAgent, type AgentCall, type CallResult } from './call-agent.js';
import { embeddingAnswers } from './embed-query.js';
import type { MeetingRecord } from './meeting-records.js';
import { prepareCall, type MemoryLayer, type PreparedCall } from './prepare-call.js';
import { recalledSection } from './build-prompt.js';
import type { ReflectionAnswer } from './reflect.js';
import type { RatingAnswer } from './rate-importance.js';
import type { StepSummary } from './step-loop.js';
import { unreadNote, type RefusedStep } from './unread-answer.js';
import { showCredits } from '../../format/format.js';

type SpeechRecord = Extract<MeetingRecord, { type: 'meeting-speech' }>;

/** What holding a turn's meetings needs from the turn. */
export interface MeetingTurn {
  root: string;
  org: AgentCall['org'];
  turn: number;
  meetings: readonly PlannedMeeting[];
  /** The turn's planned calls: an attendee speaks with its call's model and prompt. */
  calls: readonly PlannedCall[];
  /** The journal found at start-up: speeches already made are not asked for again. */
  journaled: readonly JournalRecord[];
  journalPath: string;
  /** The prompts built with the plan (none for a turn planned before a crash). */
  prepared: ReadonlyMap<string, PreparedCall>;
  ratios: TokenRatios;
  context: AgentCall['context'];
  /** An agent's balance as the turn began. */
  creditsLeft(agent: string): number;
  /** The ledger's totals the turn was planned from: with the speeches made so far, what org.yaml `budget:` is checked against before each speech. */
  totals: Readonly<Record<string, AgentTotals>>;
  /** The memory layer, when some agent of the org keeps a memory stream: an attendee that keeps one recalls for the agenda and what was said. */
  memory?: MemoryLayer;
  tell(event: EngineEvent): void;
}

/** One attendee's part of a meeting so far: its answers, what failed, its steps, the memories its speeches were shown, what it concluded after its last. */
interface Part {
  responses: ProviderResponse[];
  unusable: AnsweredUsage[];
  steps: StepSummary[];
  receivedAt: string;
  failed?: string;
  /** Why lemming refused its last failed speech's answer, when it did. */
  refused?: 'answer-too-large';
  /** Its failed speech's key was refused. */
  keyRefused?: true;
  /** Why it is held since a speech of this meeting (a refused key, an answer refused unread): it is not asked again in its later rounds. */
  held?: string;
  /** An answer lemming refused unread (at a later step of a speech, or a whole speech), and the line saying so: when another of its answers came back, held as for a first step's (resultOf). */
  refusedLater?: { step: RefusedStep; line: string };
  /** Why a speech's own loop stopped early for another reason (engine.max_steps, its credits, the context window), a line each, naming the round. */
  cutShort: string[];
  recalled: string[];
  reflection?: ReflectionAnswer;
  rating?: RatingAnswer;
}

/**
 * A turn's meetings (org/meetings/), held as the attendees' calls of the turn: each round, each
 * attendee in order is asked with the agenda and what was said so far (meeting-prompt.ts) through
 * callAgent, the one way an agent is asked, with its tools. Each speech is journaled as it is known,
 * so a turn killed mid-meeting and finished later asks no speaker twice. Once every round is over the
 * transcript is written and each attendee's answers, folded into one, go back to the turn as its call's
 * result: applied, logged and charged (one line an attendee, every answer in it) by the turn's one path.
 */
export class MeetingRun {
  private held: Promise<Map<string, CallResult>> | undefined;
  private readonly seats = new Map<string, PlannedMeeting>();
  /** Credits each speaker's answers of this turn have cost so far, not yet in the ledger. */
  private readonly spoken = new Map<string, number>();

  constructor(private readonly input: MeetingTurn) {
    for (const meeting of input.meetings) for (const agent of speakersOf(meeting)) this.seats.set(agent, meeting);
  }

  /** The result of an attendee's call of the turn, once its meeting is over; undefined for an agent in no meeting. */
  partOf(agent: string): Promise<CallResult> | undefined {
    if (!this.seats.has(agent)) return undefined;
    this.held ??= this.holdAll();
    return this.held.then((results) => results.get(agent) ?? { agent, aborted: true });
  }

  private async holdAll(): Promise<Map<string, CallResult>> {
    const results = new Map<string, CallResult>();
    for (const meeting of this.input.meetings) {
      const speakers = speakersOf(meeting);
      // One none of whose attendees can come is not held, and writes no transcript.
      if (speakers.length === 0) continue;
      const held = await this.hold(meeting, speakers);
      const file = transcriptFile(meeting.name, this.input.turn);
      for (const agent of speakers) {
        const call = this.input.calls.find((each) => each.agent === agent);
        const said = `spoke in the meeting ${meeting.name} (${file})`;
        // An attendee that keeps a memory stream remembers the meeting (memory-layer.ts, heardInMeeting: what a memory keeps of each speech, journaled with its answer).
        const heard = held && this.input.memory && this.input.org.agents.get(agent)?.memory ? this.input.memory.heardInMeeting(meeting, file, held.speeches) : undefined;
        results.set(agent, held ? resultOf(agent, call?.modelKey ?? '', held.parts.get(agent), said, embeddingAnswers(call?.embedded), heard) : { agent, aborted: true });
      }
    }
    return results;
  }

  /** Every round of one meeting, and each attendee's part; undefined when the run was stopped before its end (the turn resumes it later). */
  private async hold(meeting: PlannedMeeting, speakers: readonly string[]): Promise<{ parts: Map<string, Part>; speeches: Speech[] } | undefined> {
    const { turn, journalPath } = this.input;
    const speeches: Speech[] = [];
    const parts = new Map<string, Part>(speakers.map((agent) => [agent, { responses: [], unusable: [], steps: [], receivedAt: '', cutShort: [], recalled: [] }]));
    for (let round = 1; round <= meeting.rounds; round += 1) {
      for (const agent of speakers) {
        const part = parts.get(agent) as Part;
        let record = this.input.journaled.find((each): each is SpeechRecord => each.type === 'meeting-speech' && each.turn === turn && each.meeting === meeting.name && each.speech.round === round && each.speech.agent === agent);
        if (!record) {
          if (this.input.context.signal?.aborted) return undefined;
          const spoken = await this.speak(meeting, round, agent, speeches, part);
          if (!spoken) return undefined;
          record = spoken;
          appendJournal(journalPath, record);
          crashPoint('after-speech');
        }
        speeches.push(record.speech);
        if (record.response) {
          part.responses.push(record.response);
          part.steps.push(...(record.steps ?? []).map((step) => ({ ...step, step: part.steps.length + 1 })));
          part.receivedAt = record.receivedAt ?? part.receivedAt;
        }
        if (record.unusable) part.unusable.push(...record.unusable);
        for (const id of record.recalled ?? []) if (!part.recalled.includes(id)) part.recalled.push(id);
        if (record.reflection) part.reflection = record.reflection;
        if (record.rating) part.rating = record.rating;
        const cost = [...(record.response ? [record.response] : []), ...(record.unusable ?? [])].reduce((sum, answer) => sum + costOf(answer, this.input.org.models).credits, 0);
        this.spoken.set(agent, (this.spoken.get(agent) ?? 0) + cost);
        const where = `the meeting ${meeting.name}, round ${round}`;
        if (record.refusedStep) part.refusedLater = { step: record.refusedStep, line: `${where}: ${record.cutShort ?? `a step failed (${record.refusedStep.error})`}` };
        else if (record.cutShort !== undefined) part.cutShort.push(`${where}: ${record.cutShort}`);
        if (record.speech.failed !== undefined) {
          part.failed = record.speech.failed;
          // Read back from the journal as the one cause it can be, or none.
          if (record.refused === 'answer-too-large') part.refused = record.refused;
          else delete part.refused;
          if (record.keyRefused) part.keyRefused = true;
          else delete part.keyRefused;
          // A speech refused unread when another of its speeches came back is as a later step's (resultOf): that stands, and the speaker is held.
          const refusedAnswer = record.refused === 'answer-too-large' ? record.unusable?.at(-1) : undefined;
          if (refusedAnswer) {
            part.refusedLater = {
              step: { modelKey: refusedAnswer.modelKey, error: record.speech.failed, note: unreadNote(refusedAnswer.modelKey, refusedAnswer.usage) },
              line: `${where}: the speech failed (${record.speech.failed}); its speeches that came back stand and are charged with it`,
            };
          }
        }
        part.held ??= heldBy(record, round);
      }
    }
    const file = transcriptFile(meeting.name, turn);
    writeFileAtomic(`${this.input.root}/${file}`, renderTranscript(meeting, turn, speeches));
    this.input.tell({ type: 'meeting-held', turn, meeting: meeting.name, speakers: speakers.length, rounds: meeting.rounds, absent: meeting.absent.length, heard: meetingDeliveries(meeting, speeches).length, file });
    return { parts, speeches };
  }

  private totalsSoFar(): Record<string, AgentTotals> {
    return withSpoken(this.input.totals, this.spoken);
  }

  /** One speech: the attendee asked with the meeting so far, or skipped when its credits left would not cover the call. Undefined: stopped. */
  private async speak(meeting: PlannedMeeting, round: number, agent: string, said: readonly Speech[], part: Part): Promise<SpeechRecord | undefined> {
    const { root, org, turn, ratios, context } = this.input;
    const call = this.input.calls.find((each) => each.agent === agent);
    if (!call) return undefined;
    // An attendee that keeps a memory stream is shown what it remembers of the agenda and of each speech so far, a ranking each (memory-layer.ts, recallFor).
    const dress = (prepared: PreparedCall): PreparedCall => {
      const { recalled: _planned, ...prompt } = prepared.prompt;
      const remembered = this.remembered(agent, meeting, said, prepared.prompt.limit.tokens);
      const content = [...(remembered ? [remembered.text, ''] : []), meetingPrompt(meeting, turn, round, agent, said)].join('\n');
      return { ...prepared, prompt: { ...prompt, request: { ...prompt.request, messages: [{ role: 'user', content }] }, ...(remembered ? { recalled: remembered.ids } : {}) } };
    };
    const base = this.input.prepared.get(agent) ?? prepareCall(root, org, agent, call.reason, [], turn, { ratios, alsoWaiting: call.deferred });
    const prepared = dress(base);
    // What its speeches so far cost, failed calls' answers too: the same sum the ceiling is checked with.
    const left = this.input.creditsLeft(agent) - (this.spoken.get(agent) ?? 0);
    const entry = org.models[prepared.modelKey];
    const needed = entry ? estimateCallCost(prepared.prompt.request, entry, ratios.scale(prepared.modelKey)) : 0;
    const speech: Speech = { round, agent };
    // Held by an earlier speech's call, as the turn holds it (run-turn.ts, holdsAtOnce): asked again, it would meet the same key or server.
    if (part.held !== undefined) return { type: 'meeting-speech', turn, meeting: meeting.name, speech: { ...speech, skipped: part.held } };
    // A ceiling is checked before each speech as the plan checks it before each call (engine/budget): a
    // meeting passes it by at most the one speech that reached it, not by attendees × rounds.
    const ceiling = budgetHolding(org, this.totalsSoFar())(agent);
    if (ceiling !== undefined) return { type: 'meeting-speech', turn, meeting: meeting.name, speech: { ...speech, skipped: `${ceiling} has reached its budget (org.yaml budget:)` } };
    if (needed > left) return { type: 'meeting-speech', turn, meeting: meeting.name, speech: { ...speech, skipped: `its ${showCredits(left)} credits left do not cover another call (about ${showCredits(needed)})` } };
    const journaled = this.input.journaled.flatMap((each) => (each.type === 'meeting-loop' && each.turn === turn && each.meeting === meeting.name && each.round === round && each.agent === agent ? [each.record] : []));
    const { embedded: _embedded, ...withoutEmbedding } = call;
    const called = await callAgent({
      root,
      org,
      turn,
      // Its retrieval's embeddings are paid once, with its first speech made (one skipped pays none; resultOf charges them if none is).
      call: part.responses.length === 0 && part.unusable.length === 0 ? call : withoutEmbedding,
      mail: [],
      prepared,
      ratios,
      context,
      creditsLeft: left,
      journaled,
      journal: (record) => appendJournal(this.input.journalPath, { type: 'meeting-loop', turn, meeting: meeting.name, round, agent, record }),
      tell: (event) => this.input.tell(event),
      dress,
      ...(this.input.memory ? { memory: this.input.memory } : {}),
      // A reflection, or the model's ratings, once an attendee and turn: after its last speech (its memories of the meeting count in the next).
      afterAnswer: round === meeting.rounds,
    });
    if ('aborted' in called) return undefined;
    if ('error' in called) {
      return {
        type: 'meeting-speech',
        turn,
        meeting: meeting.name,
        speech: { ...speech, failed: called.error },
        ...(called.unusable.length > 0 ? { unusable: called.unusable } : {}),
        ...(called.refused === undefined ? {} : { refused: called.refused }),
        ...(called.keyRefused ? { keyRefused: called.keyRefused } : {}),
        ...(called.taught ? { taught: called.taught } : {}),
      };
    }
    const tools = [...called.response.toolCalls.map((each) => each.name)];
    return {
      type: 'meeting-speech',
      turn,
      meeting: meeting.name,
      speech: { ...speech, text: called.response.text, ...(tools.length > 0 ? { tools } : {}) },
      response: called.response,
      receivedAt: called.receivedAt,
      ...(called.asked === undefined ? {} : { asked: called.asked }),
      steps: called.steps,
      ...(called.refusedStep ? { refusedStep: called.refusedStep } : {}),
      ...(called.cutShort !== undefined ? { cutShort: called.cutShort } : {}),
      ...(called.recalled ? { recalled: called.recalled } : {}),
      ...(called.reflection ? { reflection: called.reflection } : {}),
      ...(called.rating ? { rating: called.rating } : {}),
      ...(called.taught ? { taught: called.taught } : {}),
    };
  }

  /** What an attendee that keeps a memory stream remembers of the meeting so far, within its budget (and `limit` tokens): the section its speech's prompt opens with. */
  private remembered(agent: string, meeting: PlannedMeeting, said: readonly Speech[], limit: number): { text: string; ids: string[] } | undefined {
    const { root, org, turn, memory } = this.input;
    const settings = org.agents.get(agent)?.memory;
    if (!memory || !settings) return undefined;
    // The agenda, and each speech so far (what was said, not why one was not): each its own ranking.
    const texts = [meeting.agenda, ...said.flatMap((speech) => (speech.text?.trim() ? [spokenText(speech)] : []))];
    const recall = memory.recallFor(root, agent, settings, turn, texts);
    return recalledSection({ memories: recall.memories, total: recall.total, budgetTokens: recall.budgetTokens }, limit);
  }
}

/** Why a speech's call holds its speaker for the rest of the meeting (as run-turn.ts holdsAtOnce holds an agent), said in the transcript; undefined when it does not. Pure. */
function heldBy(record: SpeechRecord, round: number): string | undefined {
  const since = `held since round ${round}`;
  if (record.keyRefused) return `${since}: its key was refused (${record.speech.failed})`;
  if (record.refused !== undefined) return `${since}: lemming refused its answer unread (${record.speech.failed})`;
  if (record.refusedStep) return `${since}: lemming refused a step's answer unread (${record.refusedStep.error})`;
  return undefined;
}

/** The ledger's totals with what the speeches of the turn have cost so far. */
function withSpoken(totals: Readonly<Record<string, AgentTotals>>, spoken: ReadonlyMap<string, number>): Record<string, AgentTotals> {
  const sum: Record<string, AgentTotals> = Object.assign(Object.create(null) as Record<string, AgentTotals>, totals);
  for (const [agent, credits] of spoken) {
    const before = totals[agent] ?? { spent: 0, toppedUp: 0, inputTokens: 0, outputTokens: 0, calls: 0 };
    sum[agent] = { ...before, spent: before.spent + credits };
  }
  return sum;
}

/**
 * An attendee's answers of the meeting folded into one call's result, as a step loop folds its steps:
 * a note naming the transcript, every tool call, and every answer charged together (unusable ones too). No answer
 * at all: the last failure, as a failed call (its mail waits); only skipped: an answer of nothing, charged only
 * the retrieval's embeddings asked when the turn was planned.
 */
function resultOf(agent: string, modelKey: string, part: Part | undefined, said: string, embedded: readonly AnsweredUsage[], meeting: MeetingHeard | undefined): CallResult {
  const responses = part?.responses ?? [];
  const unusable = part?.unusable ?? [];
  const last = responses.at(-1);
  if (!last) {
    if (part?.failed !== undefined) return { agent, modelKey, error: part.failed, unusable, ...(part.refused === undefined ? {} : { refused: part.refused }), ...(part.keyRefused ? { keyRefused: true } : {}) };
    // Only skipped: its retrieval's embeddings, asked when the turn was planned, are all it is charged (the server counted them). It still heard the others.
    return { agent, response: chargedTogether({ text: '', toolCalls: [], modelKey }, embedded), receivedAt: '', shown: [], steps: [], ...(meeting ? { meeting } : {}) };
  }
  const notes = [said, ...responses.flatMap((response) => response.notes ?? [])];
  const folded = {
    // What it said is in the transcript, which the note names: as the answer's text it would read as a reply that sent nothing.
    text: '',
    toolCalls: responses.flatMap((response) => response.toolCalls),
    modelKey: last.modelKey,
    notes,
    ...(responses.some((response) => response.truncated) ? { truncated: true } : {}),
  };
  const response = chargedTogether(folded, [...responses.flatMap((each) => chargedAnswers(each)), ...unusable]);
  const remembered = part && part.recalled.length > 0 ? { recalled: part.recalled } : {};
  // Each speech whose loop stopped early says why on the turn's line (apply-response.ts), naming its round. An answer refused
  // unread after others came back is one of them: charged with them, its note on the line, and the speaker held (run-turn.ts), as a later step's.
  const stoppedEarly = [...(part?.cutShort ?? []), ...(part?.refusedLater ? [part.refusedLater.line] : [])];
  const refused = { ...(part?.refusedLater ? { refusedStep: part.refusedLater.step } : {}), ...(stoppedEarly.length > 0 ? { cutShort: stoppedEarly.join('; ') } : {}) };
  return { agent, response, receivedAt: part?.receivedAt ?? '', shown: [], steps: part?.steps ?? [], ...refused, ...(meeting ? { meeting } : {}), ...remembered, ...(part?.reflection ? { reflection: part.reflection } : {}), ...(part?.rating ? { rating: part.rating } : {}) };
}
