import type { CassetteEntry } from './cassette/cassette-file.js';
import { normaliseRequest, requestKey, type NormalisedRequest } from './cassette/normalise-request.js';
import { describeRequestChange } from './cassette/request-diff.js';
import { ProviderError, RECORDED_CODES } from './provider-error.js';
import type { Provider, ProviderRequest, ProviderResponse } from './provider.js';

/**
 * The answers of one cassette, by request key. A key recorded more than once is
 * answered in recorded order; past the last, the last answer is given again (as
 * when a turn interrupted after its call is run again).
 */
export class CassetteAnswers {
  private readonly byKey = new Map<string, CassetteEntry[]>();
  private readonly used = new Map<string, number>();

  constructor(
    readonly file: string,
    readonly entries: readonly CassetteEntry[],
  ) {
    for (const entry of entries) {
      const list = this.byKey.get(entry.key);
      if (list) list.push(entry);
      else this.byKey.set(entry.key, [entry]);
    }
  }

  take(key: string): CassetteEntry | undefined {
    const list = this.byKey.get(key);
    if (!list || list.length === 0) return undefined;
    const index = this.used.get(key) ?? 0;
    this.used.set(key, index + 1);
    return list[Math.min(index, list.length - 1)];
  }

  /**
   * The recorded request most like this one: same agent and turn (same model first, and of those the
   * same step of the turn's loop, told by its number of messages), else the agent's latest earlier call.
   * A later step's request differs from the first step's by the messages the loop added, so compared with
   * the first step it would show only their count, not the line that changed.
   */
  closest(request: NormalisedRequest): CassetteEntry | undefined {
    const sameAgent = this.entries.filter((entry) => entry.request.agent === request.agent);
    const sameTurn = sameAgent.filter((entry) => entry.request.turn === request.turn);
    const sameModel = sameTurn.filter((entry) => entry.request.modelKey === request.modelKey);
    const sameStep = (entries: readonly CassetteEntry[]): CassetteEntry | undefined => entries.find((entry) => entry.request.messages.length === request.messages.length);
    return sameStep(sameModel) ?? sameModel[0] ?? sameStep(sameTurn) ?? sameTurn[0] ?? sameAgent.filter((entry) => entry.request.turn < request.turn).at(-1);
  }
}

/**
 * Answers from a cassette with no network, for `lemming run --replay`. A request
 * the cassette does not hold stops the run (a fatal error) naming the agent and
 * turn, and showing what changed against the closest recorded request.
 */
export class ReplayingProvider implements Provider {
  constructor(private readonly answers: CassetteAnswers) {}

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    const normalised = normaliseRequest(request);
    const entry = this.answers.take(requestKey(normalised));
    if (!entry) throw this.miss(normalised);
    if (entry.error) {
      // What the failure is charged for comes back with it; the usage gate round this provider (create-provider.ts) counts it.
      const unusable = Array.isArray(entry.error.unusable) ? structuredClone(entry.error.unusable) : undefined;
      throw new ProviderError(entry.error.message, {
        retryable: entry.error.retryable,
        ...(entry.error.status === undefined ? {} : { status: entry.error.status }),
        ...(unusable === undefined ? {} : { unusable }),
        ...(typeof entry.error.code === 'string' && RECORDED_CODES.has(entry.error.code) ? { code: entry.error.code } : {}),
      });
    }
    return structuredClone(entry.response as ProviderResponse);
  }

  private miss(request: NormalisedRequest): ProviderError {
    const who = `${request.agent}'s call in turn ${request.turn} (model ${request.modelKey})`;
    const closest = this.answers.closest(request);
    const lines = [`--replay ${this.answers.file} has no answer for ${who}: the run no longer asks what was recorded.`];
    if (!closest) {
      const turns = [...new Set(this.answers.entries.filter((entry) => entry.request.agent === request.agent).map((entry) => entry.request.turn))];
      lines.push(
        turns.length === 0
          ? `The recording has no call for ${request.agent} at all.`
          : `The recording has calls for ${request.agent} in turn(s) ${turns.join(', ')} only.`,
      );
    } else {
      lines.push(`What changed since the recording (against ${closest.request.agent}'s call in turn ${closest.request.turn}, model ${closest.request.modelKey}):`);
      const changes = describeRequestChange(closest.request, request);
      lines.push(...(changes.length > 0 ? changes : ['(nothing visible: the request was already answered as often as it was recorded)']).map((line) => `  ${line}`));
    }
    lines.push('Replay into a fresh copy of the org the recording was made from, or record again with --record.');
    return new ProviderError(lines.join('\n'), { retryable: false, fatal: true, code: 'replay-miss' });
  }
}
