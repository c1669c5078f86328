import { liveProvider } from '../../providers/create-provider.js';
import { checkHealth, type EntryHealth } from '../../providers/health-check.js';
import { keyLookup } from '../../secrets/key-lookup.js';
import { orgForReading } from '../org-for-reading.js';
import type { Output } from '../cli-context.js';

/** One entry as a line: ok or FAIL, its key and provider, what was found, and the answer of a call. */
function healthLine(health: EntryHealth): string {
  const answer = health.answer;
  const said = answer === undefined ? '' : answer.text === '' ? 'with no text' : JSON.stringify(answer.text);
  const answered = answer
    ? `; answered in ${(answer.ms / 1000).toFixed(1)} s: ${said} (${answer.inputTokens} tokens in, ${answer.outputTokens} out${answer.estimated ? ', estimated' : ''})`
    : '';
  return `${health.ok ? 'ok  ' : 'FAIL'} ${health.modelKey} (${health.provider}, for ${health.agents.join(', ')}): ${health.findings.join('; ')}${answered}`;
}

/** The signals that stop `doctor --call`, and the exit code each gives (128 + its number, as a shell reports it). */
const STOPPING_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/**
 * `lemming doctor`: whether each model the org's agents use can answer here: keys and headers set,
 * agent programs installed, servers reachable; with `--call`, one short real call each (not charged
 * to any agent), each line printed as its call ends, each call held to `--timeout` seconds. A
 * signal (Ctrl-C, SIGTERM, SIGHUP) stops every call and what it started. Exit 1 when any fails.
 */
export async function doctorCommand(root: string, options: { call?: boolean; json?: boolean; timeout?: number }, output: Output): Promise<number> {
  const { org } = orgForReading(root, output);
  const lookup = keyLookup(root);
  const stop = new AbortController();
  let stoppedBy: keyof typeof STOPPING_SIGNALS | undefined;
  const onSignal = (signal: keyof typeof STOPPING_SIGNALS) => () => {
    stoppedBy ??= signal;
    stop.abort();
  };
  const handlers = Object.keys(STOPPING_SIGNALS).map((signal) => [signal, onSignal(signal as keyof typeof STOPPING_SIGNALS)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  // Calls can take long: each line as its call ends. Without calls every check is quick, and the lines come sorted.
  const streaming = options.call === true && !options.json;
  let results: EntryHealth[];
  try {
    results = await checkHealth(
      org,
      { root, lookup, providerFor: (modelKey, entry) => liveProvider(modelKey, entry, lookup, { root }) },
      {
        call: options.call === true,
        signal: stop.signal,
        ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout * 1000 }),
        ...(streaming ? { onResult: (health: EntryHealth) => output.out(healthLine(health)) } : {}),
      },
    );
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
  if (stoppedBy !== undefined) {
    output.err(`stopped by ${stoppedBy}: the calls in progress and what they started were stopped`);
    return STOPPING_SIGNALS[stoppedBy];
  }
  const failed = results.filter((result) => !result.ok).length;
  if (options.json) {
    output.out(JSON.stringify({ ok: failed === 0, models: results }, null, 2));
    return failed > 0 ? 1 : 0;
  }
  if (!streaming) for (const result of results) output.out(healthLine(result));
  if (results.length === 0) output.out('no agent uses a model: there is nothing to check');
  const called = options.call ? '' : ' (add --call to ask each one a short question)';
  output.out(failed === 0 ? `every model answers here${called}` : `${failed} of ${results.length} model(s) cannot answer here`);
  return failed > 0 ? 1 : 0;
}
