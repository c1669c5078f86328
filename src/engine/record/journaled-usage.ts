import { isLineTokens, ledgerLineProblem, MAX_LINE_TOKENS } from '../../org/ledger-line.js';
import type { ModelEntry } from '../../org/schema.js';
import type { GatedModels } from '../../providers/create-provider.js';
import type { AnsweredUsage, ProviderResponse, Usage } from '../../providers/provider.js';
import { chargedTogether } from '../../providers/usage.js';
import { estimateOutputTokens } from '../../providers/request-tokens.js';
import { admitUsage, countedAtFewest, fewestCounted, NO_COUNTS, usageLimits, type MissingCounts, type UntrustedUsage, type UsageLimits } from '../../providers/usage-gate.js';
import type { LoopRecord } from '../turn/step-loop.js';
import { costOf } from '../money/charge.js';
import { chargedTokens, type LedgerEntry } from '../money/ledger.js';
import type { JournalRecord, PlannedEmbedding } from './journal.js';

/** The journal as a person finds it from the org root. */
export const JOURNAL_FILE = 'org/state/journal.jsonl';

/** What the gate said of a journal it read back, with the records as they are finished with. */
export interface AdmittedJournal {
  records: JournalRecord[];
  /** A sentence for each figure counted otherwise than journaled, and each record set aside: the run says them as warnings of JOURNAL_FILE. */
  said: string[];
}

/**
 * The gate a turn's journal passes as it is read back to finish the turn: every figure of usage it holds
 * (a plan's embeddings, each answer journaled, the unusable answers of a meeting's speech) is one the
 * ledger can write (ledger-line.ts, isLineTokens), or it is counted as the usage gate counts what comes
 * in (providers/usage-gate.ts: a fraction rounded up, past what one answer of the model can use capped
 * there, a count that is no number as none) and said, with the file, in the answer's `clamped` (so the
 * human's notice of the charge says it) and in `said`. An agent's `done` whose charge the ledger cannot
 * write, or whose charge is less than its journaled answer prices at (FigureGate.done), is set aside, and said: its part of the turn is finished again from what the journal holds, its
 * journaled answer applied again (its files of the turn made again) and charged once (an agent charged in
 * a turn is never charged again, money/ledger.ts); a failed call, whose answers are journaled only in its
 * `done`, is made again, as any call the journal holds no answer of is. A journal an older lemming wrote with a server's figures as they came (issue 72)
 * so finishes its turn, and money stays conserved. Pure: `models` is the registry the caps come from; `gated` says
 * which models' answers passed the usage gate as they came in (create-provider.ts, ProviderFactory.gatesUsage): only
 * theirs are held to its floor, so a finished turn charges what the run never stopped charged.
 */
export function admitJournal(records: readonly JournalRecord[], models: Readonly<Record<string, ModelEntry>>, gated: GatedModels): AdmittedJournal {
  const said: string[] = [];
  const gate = new FigureGate(models, said, gated);
  const admitted: JournalRecord[] = [];
  for (const record of records) {
    const kept = gate.record(record);
    if (kept) admitted.push(kept);
  }
  return { records: admitted, said };
}

/** What a journaled usage breaks, if anything: a count the ledger cannot hold, or `calls` that is no whole number of 1 or more. */
function brokenUsage(usage: unknown): boolean {
  if (typeof usage !== 'object' || usage === null) return true;
  const { inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, calls } = usage as Record<string, unknown>;
  if (!isLineTokens(inputTokens) || !isLineTokens(outputTokens)) return true;
  if (cachedInputTokens !== undefined && !isLineTokens(cachedInputTokens)) return true;
  if (cacheWriteTokens !== undefined && !isLineTokens(cacheWriteTokens)) return true;
  return calls !== undefined && !(Number.isSafeInteger(calls) && (calls as number) >= 1);
}

/** A figure as the journal held it, short. */
function shown(usage: unknown): string {
  const text = JSON.stringify(usage) ?? String(usage);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** A charge line's answers as costOf prices them: by model where it sums several. */
function answersOf(charge: Extract<LedgerEntry, { type: 'charge' }>): Pick<ProviderResponse, 'usage' | 'charged' | 'modelKey'> {
  const usage = { ...chargedTokens(charge), estimated: false };
  const shares = charge.models === undefined ? undefined : Object.entries(charge.models).map(([modelKey, share]) => ({ modelKey, usage: { ...chargedTokens(share), estimated: false } }));
  return { modelKey: charge.model, usage, ...(shares ? { charged: shares } : {}) };
}

class FigureGate {
  /** Each answer journaled, as admitted, by turn and agent: what the agent's `done` is charged by. */
  private readonly answers = new Map<string, ProviderResponse>();

  constructor(
    private readonly models: Readonly<Record<string, ModelEntry>>,
    private readonly said: string[],
    private readonly gated: GatedModels,
  ) {}

  record(record: JournalRecord): JournalRecord | undefined {
    switch (record?.type) {
      case 'plan':
        return Array.isArray(record.calls) ? { ...record, calls: record.calls.map((call) => (call?.embedded ? { ...call, embedded: this.embedding(call.embedded, record.turn, call.agent) } : call)) } : record;
      case 'response': {
        const response = this.response(record.response, `turn ${record.turn}, ${record.agent}'s answer`, this.asked(record.asked, `turn ${record.turn}, ${record.agent}'s answer`));
        this.answers.set(`${record.turn}/${record.agent}`, response);
        return { ...record, response };
      }
      case 'step':
        return this.loop(record);
      case 'meeting-loop':
        return { ...record, record: this.loop(record.record) };
      case 'meeting-speech': {
        const where = `turn ${record.turn}, meeting ${record.meeting}`;
        const unusable = Array.isArray(record.unusable) ? record.unusable.map((answer) => this.answer(answer, where)) : record.unusable;
        return { ...record, ...(record.response ? { response: this.response(record.response, where, this.asked(record.asked, where)) } : {}), ...(unusable ? { unusable } : {}) };
      }
      case 'done':
        return this.done(record);
      default:
        return record;
    }
  }

  /**
   * An agent's `done`, its charge held to what the journal holds of its answers, priced by the one rule (money/charge.ts, costOf):
   * the answer journaled before it, as this gate admitted it, or a failed call's own counts (its answers are journaled only there).
   * A gated model's charge is at least that price; an ungated model's is that price, as the never-stopped run charged it. A charge
   * the ledger cannot write, or less than its answer prices at, is set aside: the part is finished again from the journal and
   * charged once. A failed call's is counted at its price in place, so the call is not made again.
   */
  private done(record: Extract<JournalRecord, { type: 'done' }>): JournalRecord | undefined {
    const charge = record.outcome?.charge;
    if (charge === undefined) return record;
    const agent = record.outcome?.agent;
    const problem = ledgerLineProblem(charge);
    const again =
      `It is finished again from what the journal holds, and charged once: its journaled answer applied again, its figures counted as the usage gate counts them ` +
      `(a failed call, whose answers were not journaled, is made again); nothing to do unless the server's own records say otherwise.`;
    if (problem !== undefined) {
      this.said.push(`turn ${record.turn}, ${agent}'s part was journaled with a charge the ledger cannot write (${problem}; an older lemming kept a server's figures as they came). ${again}`);
      return undefined;
    }
    const answer = this.answers.get(`${record.turn}/${agent}`);
    const priced = costOf(answer ?? answersOf(charge), this.models);
    const fair = this.gated(charge.model) ? charge.credits >= priced.credits : charge.credits === priced.credits;
    if (fair) return record;
    const sentence = `turn ${record.turn}, ${agent}'s part was journaled with a charge of ${charge.credits} credits; ${answer ? 'its journaled answer prices' : 'its own counts price'} at ${priced.credits} (org/org.yaml models.${charge.model})`;
    if (answer) {
      this.said.push(`${sentence}. ${again}`);
      return undefined;
    }
    this.said.push(`${sentence}, and it is charged that; nothing to do unless the server's own records say otherwise`);
    return { ...record, outcome: { ...record.outcome, charge: { ...charge, credits: priced.credits, ...(priced.models ? { models: priced.models } : {}) } } };
  }

  private loop(record: LoopRecord): LoopRecord {
    if (record?.type !== 'step') return record;
    const where = `turn ${record.turn}, ${record.agent}'s step ${record.step}`;
    return { ...record, response: this.response(record.response, where, this.asked(record.asked, where)) };
  }

  /** A plan's embeddings, counted by the gate when their tokens are no figure the ledger holds. */
  private embedding(embedded: PlannedEmbedding, turn: number, agent: string): PlannedEmbedding {
    if (isLineTokens(embedded.input_tokens)) return embedded;
    const usage = this.usage({ inputTokens: embedded.input_tokens, outputTokens: 0 }, embedded.model, `turn ${turn}, ${agent}'s embeddings`, embedded.input_tokens);
    const { estimated: _estimated, clamped: _clamped, ...plain } = embedded;
    return { ...plain, input_tokens: usage.inputTokens, ...(embedded.estimated === true ? { estimated: true as const } : {}), ...(usage.clamped ? { clamped: usage.clamped } : {}) };
  }

  /** The journaled estimate of an answer's request (journal.ts, `asked`), when it is a count the ledger can hold; one that is not is said and left out. */
  private asked(asked: unknown, where: string): number | undefined {
    if (asked === undefined || isLineTokens(asked)) return asked;
    this.said.push(`${where} was journaled with asked: ${shown(asked)}, which is no count of tokens (a whole number from 0 to ${MAX_LINE_TOKENS}); its input tokens are taken as journaled`);
    return undefined;
  }

  /** An answer's usage, by model where it sums several: the sum made again from the parts once a part is mended. */
  private response(response: ProviderResponse, where: string, asked?: number): ProviderResponse {
    if (typeof response !== 'object' || response === null) return response;
    if (Array.isArray(response.charged)) {
      const answers = response.charged.map((answer) => this.answer(answer, where));
      const mended = answers.some((answer, index) => answer !== response.charged?.[index]);
      if (!mended && !brokenUsage(response.usage)) return response;
      if (!mended) this.said.push(`${where} was journaled summing to ${shown(response.usage)}, which the ledger cannot hold; its sum is made again from its parts, as journaled`);
      return chargedTogether(response, answers);
    }
    const key = typeof response.modelKey === 'string' ? response.modelKey : '';
    // lemming's own counts of the answer, as the usage gate took them when it came in: its request's (`asked`), its text's.
    const own = { inputTokens: asked ?? 0, outputTokens: estimateOutputTokens(typeof response.text === 'string' ? response.text : '', Array.isArray(response.toolCalls) ? response.toolCalls : []) };
    if (brokenUsage(response.usage)) return { ...response, usage: this.usage(response.usage, key, where, response.usage, { ...own, estimated: true }) };
    return this.gated(key) ? this.heldToText(response, key, where, own, asked !== undefined) : response;
  }

  /**
   * An answer of a gated model (`gated`) with its counts held to what the journal keeps of it as the usage gate
   * held them when it came in (usage-gate.ts, fewestCounted): its output to its text (and tool calls), which
   * lemming counts again, and its input to lemming's estimate of its request (`asked`, journaled with it; a
   * usage summing several steps is held to one answer's floor, as the gate holds it). A count edited below that
   * (0 tokens for 10,000 characters) is counted at it and said. Without `asked` (an older journal) its input is
   * taken as journaled. An ungated model's counts (the offline model's) are charged as they came, live and here.
   */
  private heldToText(response: ProviderResponse, key: string, where: string, own: { inputTokens: number; outputTokens: number }, asked: boolean): ProviderResponse {
    const limits = this.limits(key);
    let usage = response.usage;
    for (const [kind, estimate, most] of [['input', asked ? own.inputTokens : undefined, limits.input], ['output', own.outputTokens, limits.output]] as const) {
      if (estimate === undefined) continue;
      const field = kind === 'input' ? 'inputTokens' : 'outputTokens';
      const fewest = fewestCounted(estimate, most);
      if (usage[field] >= fewest) continue;
      const sentence = countedAtFewest(`${key} reported ${usage[field]} ${kind} tokens`, kind, fewest, estimate);
      const than = kind === 'input' ? 'its request holds' : 'its text holds';
      this.said.push(`${where} was journaled with fewer ${kind} tokens than ${than}: ${sentence}; nothing to do unless the server's own records say otherwise`);
      usage = { ...usage, [field]: fewest, estimated: true, clamped: [...(usage.clamped ?? []), sentence, `${JOURNAL_FILE}: ${where} was journaled with ${usage[field]} ${kind} tokens`] };
    }
    return usage === response.usage ? response : { ...response, usage };
  }

  private answer(answer: AnsweredUsage, where: string): AnsweredUsage {
    return brokenUsage(answer?.usage) ? { ...answer, usage: this.usage(answer?.usage, answer?.modelKey, where, answer?.usage) } : answer;
  }

  /**
   * A broken usage through the usage gate, with the model's limits; what was journaled and what is counted, said.
   * A count that is none is `own` (lemming's estimate, for an answer it read; none for an unusable one), and a
   * gated model's counts are held to its floor, as the gate counted them when they came in.
   */
  private usage(usage: unknown, modelKey: unknown, where: string, journaled: unknown, own: ReturnType<MissingCounts> = NO_COUNTS()): Usage {
    const key = typeof modelKey === 'string' ? modelKey : '';
    const least = this.gated(key) ? () => own : () => ({ inputTokens: 0, outputTokens: 0 });
    const admitted = admitUsage(typeof usage === 'object' && usage !== null ? (usage as UntrustedUsage) : undefined, this.limits(key), () => own, least);
    const none = own.inputTokens === 0 && own.outputTokens === 0 ? 'a count that is no number counts as none' : "a count that is no number counts as lemming's estimate";
    const sentence =
      `${where} by ${key || 'an unnamed model'} was journaled as ${shown(journaled)}, which the ledger cannot hold (an older lemming kept what a server reported); ` +
      `counted as ${admitted.inputTokens} input and ${admitted.outputTokens} output tokens, as the usage gate counts what comes in (${none}); nothing to do unless the server's own records say otherwise`;
    this.said.push(sentence);
    return { ...admitted, clamped: [...(admitted.clamped ?? []), `${JOURNAL_FILE}: ${sentence}`] };
  }

  /** One answer's limits of the entry (usage-gate.ts); a model gone from the registry is priced at nothing (money/charge.ts), so only the ledger's bound holds it. */
  private limits(modelKey: string): UsageLimits {
    const entry = Object.hasOwn(this.models, modelKey) ? this.models[modelKey] : undefined;
    if (entry) return usageLimits(modelKey, entry);
    return { modelKey, input: MAX_LINE_TOKENS, output: MAX_LINE_TOKENS, inputField: 'context_window', outputField: 'context_window', attempts: 1 };
  }
}
