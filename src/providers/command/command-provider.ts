import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isValidAgentName } from '../../org/names.js';
import type { ModelEntry } from '../../org/schema.js';
import type { KeyLookup } from '../../secrets/key-lookup.js';
import { agentCall, agentPromptText, stepOf } from '../agent-protocol/agent-call.js';
import { readAgentReply, reportedUsageIn, UnusableReply, unusableAnswerError } from '../agent-protocol/agent-reply.js';
import { ranAndFailed } from '../agent-protocol/outside-charge.js';
import { ProviderError } from '../provider-error.js';
import type { Provider, ProviderRequest } from '../provider.js';
import { scrub } from '../sdk-error.js';
import { WireAdapter, type WireAnswer } from '../wire-adapter.js';
import { findProgram } from './find-program.js';
import { programEnvironment } from './program-environment.js';
import { runProgram, type ProgramOutcome, type ProgramSpec } from './run-program.js';
import { environment as commandEnvironment } from '../../invocation.js';

/** What a `provider: command` entry's calls need besides the request. */
export interface CommandSettings {
  modelKey: string;
  entry: ModelEntry;
  /** The org root: the program runs in `agents/<agent>/workspace/` under it, and a relative `command` is found from it. */
  root: string;
  /** Values of the variables the entry's `env:` names (each one a secret). */
  lookup: KeyLookup;
}

/** Defaults of an agent program's limits (docs/outside-agents.md). */
export const COMMAND_DEFAULTS = {
  /** An agent program reads, thinks and edits files: ten minutes, where a model's API gets two. */
  timeoutMs: 600_000,
  maxOutputBytes: 1_000_000,
} as const;

/**
 * An agent program as a provider: for each call the program is started in the agent's workspace
 * with the call on stdin (the plain-text form, or JSON with `prompt: json`), and its stdout is the
 * answer (action blocks, or JSON with `reply: json`). Failures speak the providers' vocabulary: a
 * non-zero exit or a timeout may be retried, a flood or an unusable answer is not; every run that
 * started is charged (outside-charge.ts), however it ended. Behind lemming's rate limits and
 * retries, like any adapter.
 */
export function commandProvider(settings: CommandSettings): Provider {
  const { modelKey, entry } = settings;
  const command = entry.command ?? '';
  let program: string | undefined;
  const call = async (request: ProviderRequest): Promise<WireAnswer> => {
    if (!isValidAgentName(request.agent)) throw new ProviderError(`${modelKey}: ${JSON.stringify(request.agent)} is not an agent name`, { retryable: false });
    if (program === undefined) {
      const found = findProgram(command, settings.root);
      if ('problem' in found) throw new ProviderError(`${modelKey}: org/org.yaml models.${modelKey}.command: ${found.problem}`, { retryable: false });
      program = found.path;
    }
    const workspace = join(settings.root, 'agents', request.agent, 'workspace');
    mkdirSync(workspace, { recursive: true });
    const spec: ProgramSpec = {
      program,
      args: entry.args ?? [],
      cwd: workspace,
      env: environment(settings, request, workspace),
      input: entry.prompt === 'json' ? `${JSON.stringify(agentCall(request))}\n` : agentPromptText(request),
    };
    const timeoutMs = entry.timeout_ms ?? COMMAND_DEFAULTS.timeoutMs;
    const outcome = await runProgram(spec, { timeoutMs, maxOutputBytes: entry.max_output_bytes ?? COMMAND_DEFAULTS.maxOutputBytes, ...(request.signal ? { signal: request.signal } : {}) });
    const stdout = answered(outcome, settings, timeoutMs);
    try {
      return readAgentReply(decode(stdout), entry.reply ?? 'text', request.tools);
    } catch (error) {
      if (!(error instanceof UnusableReply)) throw error;
      throw unusableAnswerError(modelKey, entry, command, error);
    }
  };
  return new WireAdapter(call, { modelKey, toolCalling: entry.prompt === 'json', textFormatBecause: `models.${modelKey}.prompt is text: the program reads how to write actions as blocks, or answers tool_calls with reply: json` });
}

/** The safe variables, the model variables, the ones the entry names (program-environment.ts), and where the call is: `LEMMING_AGENT` ... */
function environment(settings: CommandSettings, request: ProviderRequest, workspace: string): Record<string, string> {
  const named = new Map<string, string>();
  for (const name of settings.entry.env ?? []) {
    const value = settings.lookup(name);
    if (value !== undefined) named.set(name, value);
  }
  const env = programEnvironment({ own: commandEnvironment(), named, passModelEnv: settings.entry.pass_model_env ?? true });
  env.LEMMING_AGENT = request.agent;
  env.LEMMING_TURN = String(request.turn);
  env.LEMMING_STEP = String(stepOf(request));
  env.LEMMING_MODEL_KEY = settings.modelKey;
  env.LEMMING_ORG_ROOT = settings.root;
  env.LEMMING_WORKSPACE = workspace;
  return env;
}

/**
 * The program's stdout when it exited 0; every other ending as the ProviderError it is. The
 * program started in every ending but `not-started`, so each of those is charged as a run
 * (outside-charge.ts), with the usage its stdout reported when there is a stdout to read.
 * `aborted` (Ctrl-C) is no ending of the call: the run stops, and the next one asks again.
 */
function answered(outcome: ProgramOutcome, settings: CommandSettings, timeoutMs: number): Buffer {
  const { modelKey, entry } = settings;
  const command = entry.command ?? '';
  const said = (stderr: string): string => (stderr.trim() === '' ? '' : `; it said: ${scrub(stderr.trim().split('\n').slice(-3).join(' | '))}`);
  const reported = (stdout: Buffer) => reportedUsageIn(stdout.toString('utf8'), entry.reply ?? 'text');
  switch (outcome.kind) {
    case 'exited':
      if (outcome.code === 0) return outcome.stdout;
      // 126 and 127: the shell could not run what the program asked it to; that will not change.
      throw ranAndFailed(modelKey, entry, `${modelKey}: ${command} exited with code ${outcome.code}${said(outcome.stderr)}`, { retryable: outcome.code !== 126 && outcome.code !== 127 }, reported(outcome.stdout));
    case 'killed':
      throw ranAndFailed(modelKey, entry, `${modelKey}: ${command} was killed by ${outcome.signal}${said(outcome.stderr)}`, { retryable: true }, reported(outcome.stdout));
    case 'timeout':
      throw ranAndFailed(modelKey, entry, `${modelKey}: ${command} gave no answer within ${timeoutMs} ms (org.yaml models.${modelKey}.timeout_ms); its processes were stopped${said(outcome.stderr)}`, {
        retryable: true,
      });
    case 'output-cap':
      throw ranAndFailed(
        modelKey,
        entry,
        `${modelKey}: ${command} wrote more than ${entry.max_output_bytes ?? COMMAND_DEFAULTS.maxOutputBytes} bytes on stdout (org.yaml models.${modelKey}.max_output_bytes); its processes were stopped`,
        { retryable: false },
      );
    case 'aborted': {
      const error = new Error(`${modelKey}: the call was stopped`);
      error.name = 'AbortError';
      throw error;
    }
    case 'not-started':
      throw new ProviderError(`${modelKey}: could not start ${command}: ${outcome.reason} (org.yaml models.${modelKey}.command)`, { retryable: false });
  }
}

/** stdout as text; bytes that are not UTF-8 make the answer unusable (a binary, a wrong encoding). */
function decode(stdout: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(stdout);
  } catch {
    throw new UnusableReply(`answered ${stdout.length} bytes that are not UTF-8 text`);
  }
}
