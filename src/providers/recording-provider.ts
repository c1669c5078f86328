import { errorMessage } from '../errors.js';
import { isoText } from '../iso-text.js';
import type { CassetteWriter } from './cassette/cassette-file.js';
import { normaliseRequest, requestKey } from './cassette/normalise-request.js';
import { ProviderError, RECORDED_CODES } from './provider-error.js';
import type { Provider, ProviderRequest, ProviderResponse } from './provider.js';

/**
 * Writes every request and what came back (an answer, or the failure left after
 * retries) to a cassette, for `lemming run --record`. It fixes the answer's
 * `receivedAt`, so a replay writes messages with the same `created` time.
 */
export class RecordingProvider implements Provider {
  constructor(
    private readonly inner: Provider,
    private readonly writer: CassetteWriter,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    const normalised = normaliseRequest(request);
    const key = requestKey(normalised);
    try {
      const answer = await this.inner.generate(request);
      const response: ProviderResponse = { ...answer, receivedAt: answer.receivedAt ?? isoText(this.clock()) };
      this.writer.append({ version: 1, key, request: normalised, response });
      return response;
    } catch (error) {
      // A stopped run asked nothing that a replay would ask again.
      if (request.signal?.aborted) throw error;
      const failure = error instanceof ProviderError ? error : undefined;
      this.writer.append({
        version: 1,
        key,
        request: normalised,
        error: {
          message: errorMessage(error),
          retryable: failure?.retryable ?? false,
          ...(failure?.status === undefined ? {} : { status: failure.status }),
          ...(failure?.unusable === undefined ? {} : { unusable: failure.unusable }),
          ...(failure !== undefined && RECORDED_CODES.has(failure.code) ? { code: failure.code } : {}),
        },
      });
      throw error;
    }
  }
}
