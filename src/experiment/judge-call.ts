import { EXIT, LemmingError } from '../errors.js';
import { chargeFor } from '../engine/money/charge.js';
import type { LedgerEntry } from '../engine/money/ledger.js';
import type { ModelEntry } from '../org/schema.js';
import { liveProvider } from '../providers/create-provider.js';
import type { ProviderRequest, ProviderResponse } from '../providers/provider.js';
import { usageFrom } from '../providers/usage.js';
import { keyLookup } from '../secrets/key-lookup.js';

/** Who a judge's charge is for: the experiment's own line, which no agent's balance pays. */
export const EXPERIMENT_PAYER = 'experiment';

/** A verdict: a score from 0 to the scale (null when a model's verdict held none), and why. */
export interface Verdict {
  score: number | null;
  reason: string;
}

/** What one judge's call came to: its verdict and its charge, or why there is no verdict. */
export type JudgeCallResult = (Verdict & { charge: Extract<LedgerEntry, { type: 'charge' }> }) | { failed: string };

/**
 * The judge's verdict form: a line `SCORE: <number>`, then `REASON: …`. A model judge answers in
 * it (readVerdict); what is judged may forge it, and what it claims of its own score is no evidence.
 */
const SCORE = /SCORE:\s*([-+]?\d+(?:\.\d+)?)/i;
const REASON = /REASON:\s*([\s\S]*)/i;

/** Whether a line is in the verdict form (a deterministic judge reads no such line of what it judges). Pure. */
export function isVerdictLine(line: string): boolean {
  return SCORE.test(line) || REASON.test(line);
}

/** A model's verdict, `SCORE: n` and `REASON: …`, read; the score kept within 0 and the scale. Pure. */
export function readVerdict(text: string, scale: number): Verdict {
  const scored = SCORE.exec(text);
  const reason = REASON.exec(text)?.[1]?.trim() ?? text.trim();
  const value = scored ? Number(scored[1]) : NaN;
  return { score: Number.isFinite(value) ? Math.min(scale, Math.max(0, value)) : null, reason };
}

/**
 * Put one request to a judge (a registry model) and charge it by the one charging rule
 * (engine/money/charge.ts) to the experiment's own line (EXPERIMENT_PAYER), never to an agent. The
 * offline model's judge is `offline`, a deterministic rule with no call, its tokens estimated as any
 * offline answer's are; another model is called through its provider and its verdict read. A call
 * that fails is said, not charged (nothing came back), and never fails the run it judges.
 */
export async function callJudge(root: string, models: Readonly<Record<string, ModelEntry>>, request: ProviderRequest, scale: number, offline: () => Verdict, at: () => Date): Promise<JudgeCallResult> {
  const entry = models[request.modelKey];
  if (!entry) throw new LemmingError('experiment-invalid', `judge.model: ${JSON.stringify(request.modelKey)} is not in ${root}/org/org.yaml models; use one of ${Object.keys(models).join(', ')}`, { exitCode: EXIT.usage });
  let response: ProviderResponse;
  let verdict: Verdict;
  if (entry.provider === 'offline') {
    verdict = offline();
    const text = `SCORE: ${verdict.score ?? ''}\nREASON: ${verdict.reason}`;
    response = { text, toolCalls: [], usage: usageFrom(undefined, request, text, []), modelKey: request.modelKey };
  } else {
    try {
      response = await liveProvider(request.modelKey, entry, keyLookup(root), { root }).generate(request);
    } catch (error) {
      return { failed: error instanceof Error ? error.message : String(error) };
    }
    verdict = readVerdict(response.text, scale);
  }
  const { charge } = chargeFor(request.turn, EXPERIMENT_PAYER, response, models, at().toISOString());
  return { ...verdict, charge };
}
