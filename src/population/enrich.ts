import { join } from 'node:path';
import { errorMessage, EXIT, LemmingError } from '../errors.js';
import { appendOutsideTurn, type ResearchLine } from '../engine/money/ledger.js';
import { estimateCallCost, researchChargeFor } from '../engine/money/charge.js';
import { estimateInputTokens } from '../providers/request-tokens.js';
import type { ModelEntry } from '../org/schema.js';
import type { ProviderFactory } from '../providers/create-provider.js';
import { unusableAnswers } from '../providers/provider-error.js';
import type { ProviderResponse } from '../providers/provider.js';
import { chargedTogether } from '../providers/usage.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { terminalText } from '../terminal-text/terminal-text.js';
import type { Position } from './arrange-people.js';
import type { Population } from './populate-org.js';
import { biographyRequest, BIOGRAPHY_TOKENS } from './biography-request.js';

/** The most characters of a biography kept in a resume: a model that runs on is cut at a word. */
const BIOGRAPHY_CHARS = 2_000;
/** Agents whose biographies are written, charged and saved together: a killed run keeps what was done before it. */
const BATCH = 200;

/** The ledger's research purpose of a biography's call. */
export const ENRICH_PURPOSE = 'enrich';

/** What writing every biography is expected to cost, before any call: calls, tokens (the answer at its cap) and credits. */
export interface EnrichEstimate {
  model: string;
  calls: number;
  inputTokens: number;
  /** At most: each answer at BIOGRAPHY_TOKENS. */
  outputTokens: number;
  /** At most, at the model's prices. */
  credits: number;
}

/** The registry entry `--enrich` names, or an error naming the registry's keys. */
export function enrichModel(models: Readonly<Record<string, ModelEntry>>, modelKey: string, where: string): ModelEntry {
  if (!Object.hasOwn(models, modelKey)) throw new LemmingError('unknown-model', `--enrich ${modelKey}: is not a model of ${where}; use one of ${Object.keys(models).join(', ')}`, { exitCode: EXIT.usage });
  return models[modelKey] as ModelEntry;
}

/** The estimate of `--enrich` (what `--dry-run` prints): every call's prompt estimated as lemming estimates tokens, its answer at the cap. Pure. */
export function estimateEnrichment(population: Population, modelKey: string, entry: ModelEntry): EnrichEstimate {
  const capped = { ...entry, max_output_tokens: BIOGRAPHY_TOKENS };
  const estimate: EnrichEstimate = { model: modelKey, calls: 0, inputTokens: 0, outputTokens: 0, credits: 0 };
  for (const position of population.arrangement.positions) {
    const request = biographyRequest(population.spec, position, modelKey, entry);
    estimate.calls += 1;
    estimate.inputTokens += estimateInputTokens(request);
    estimate.outputTokens += BIOGRAPHY_TOKENS;
    estimate.credits += estimateCallCost(request, capped);
  }
  estimate.credits = Math.round(estimate.credits * 1e9) / 1e9;
  return estimate;
}

/** A biography as a resume keeps it: the model's text on printable lines, cut at a word past BIOGRAPHY_CHARS. */
function keptBiography(text: string): string {
  const clean = terminalText(text).replace(/\r\n?/g, '\n').trim();
  if (clean.length <= BIOGRAPHY_CHARS) return clean;
  const cut = clean.slice(0, BIOGRAPHY_CHARS);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), BIOGRAPHY_CHARS / 2)).trimEnd()}…`;
}

/** What `--enrich` did: how many biographies were written, what they cost, and each agent whose call failed, with why. */
export interface EnrichReport {
  model: string;
  written: number;
  credits: number;
  failed: Array<{ agent: string; error: string }>;
  /** Bytes the biographies added to the resumes, and the largest resume written with one (0: none). */
  bytesAdded: number;
  largestResume: number;
}

/**
 * Ask `modelKey` for each agent's biography and add it to the agent's resume (under "## Biography"),
 * `concurrency` calls at once, batch by batch. Every call goes through `providers` (the factory
 * `lemming run` uses: recorded with --record, answered from a cassette with --replay) and is charged
 * on the ledger's research account (purpose `enrich`), which no agent's balance pays; an answer that
 * came back unusable is charged too. A call that fails leaves that agent's resume as it was and is
 * reported with why; the others go on.
 */
export async function enrichPopulation(root: string, population: Population, modelKey: string, models: Readonly<Record<string, ModelEntry>>, providers: ProviderFactory, concurrency: number, now: () => Date = () => new Date()): Promise<EnrichReport> {
  const entry = enrichModel(models, modelKey, 'org/org.yaml models');
  const provider = providers(modelKey, entry);
  const report: EnrichReport = { model: modelKey, written: 0, credits: 0, failed: [], bytesAdded: 0, largestResume: 0 };
  const positions = population.arrangement.positions;
  for (let start = 0; start < positions.length; start += BATCH) {
    const batch = positions.slice(start, start + BATCH);
    const outcomes: Array<{ text?: string; error?: string; charged?: ProviderResponse }> = new Array(batch.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batch.length) {
        const index = next++;
        const position = batch[index] as Position;
        try {
          const response = await provider.generate(biographyRequest(population.spec, position, modelKey, entry));
          const text = keptBiography(response.text);
          outcomes[index] = text === '' ? { error: 'the model wrote no biography (an empty answer)', charged: response } : { text, charged: response };
        } catch (error) {
          const unusable = unusableAnswers(error);
          const last = unusable.at(-1);
          outcomes[index] = { error: errorMessage(error), ...(last ? { charged: chargedTogether({ text: '', toolCalls: [], modelKey: last.modelKey }, unusable) } : {}) };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker));
    const at = now().toISOString();
    const lines: ResearchLine[] = [];
    batch.forEach((position, index) => {
      const outcome = outcomes[index] ?? { error: 'not called' };
      if (outcome.charged) lines.push(researchChargeFor(0, position.name, outcome.charged, models, at, ENRICH_PURPOSE));
      if (outcome.text === undefined) {
        report.failed.push({ agent: position.name, error: outcome.error ?? 'no biography' });
        return;
      }
      const resume = population.resumes.resume(position, outcome.text);
      writeFileAtomic(join(root, 'agents', position.name, 'resume.md'), resume);
      report.written += 1;
      const bytes = Buffer.byteLength(resume);
      report.bytesAdded += bytes - Buffer.byteLength(population.resumes.resume(position));
      report.largestResume = Math.max(report.largestResume, bytes);
    });
    // Charged in name order, a batch at a time, whatever order the calls finished in.
    if (lines.length > 0) appendOutsideTurn(root, false, () => lines);
    report.credits += lines.reduce((sum, line) => sum + line.credits, 0);
  }
  report.credits = Math.round(report.credits * 1e9) / 1e9;
  return report;
}
