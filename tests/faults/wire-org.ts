import { startWireServer, type ReceivedRequest, type WireReply, type WireServer } from '../helpers/wire-server.js';
import { anthropicMessage, anthropicText, chatCompletion } from '../helpers/vendor-bodies.js';
import { scratchDir } from './scratch.js';
import { writeFile } from './fault-org.js';

/** Keys shaped like real ones, handed to runs only through their environment or `.env`. */
export const OPENAI_KEY = 'sk-test-faults-openai-5f2e8c1a9b7d';
export const ANTHROPIC_KEY = 'sk-ant-test-faults-3c9d1e7f2a6b';
export const KEYS = { FAULT_OPENAI_KEY: OPENAI_KEY, FAULT_ANTHROPIC_KEY: ANTHROPIC_KEY };

/**
 * A small org on "real" models at a local server: the manager on an OpenAI model,
 * the coder on an Anthropic one, each with a few retries. The local server answers in
 * milliseconds, so the timeout (a minute unless `timeoutMs` says) only ends a call it was told to
 * hold: a short one would also end an answer a busy machine was slow to give, and turn a test of
 * something else into a test of the machine's load (a worker killed mid-job saw its held call time
 * out, and answered, before the kill). A test of the timeout itself gives its own.
 */
export function wireOrg(serverUrl: string, options: { timeoutMs?: number } = {}): string {
  const timeout = options.timeoutMs ?? 60_000;
  const root = scratchDir();
  writeFile(
    root,
    'org/org.yaml',
    `name: faults
engine: { max_turns: 12, concurrency: 4 }
models:
  flaky-openai:
    provider: openai
    model: gpt-test
    base_url: ${serverUrl}/v1
    api_key_env: FAULT_OPENAI_KEY
    max_retries: 3
    timeout_ms: ${timeout}
    input_price: 1000
    output_price: 4000
    context_window: 32000
  flaky-anthropic:
    provider: anthropic
    model: claude-test
    base_url: ${serverUrl}
    api_key_env: FAULT_ANTHROPIC_KEY
    max_retries: 2
    timeout_ms: ${timeout}
    max_output_tokens: 256
    input_price: 2000
    output_price: 8000
    context_window: 32000
`,
  );
  writeFile(
    root,
    'org/chart.yaml',
    `agents:
  human: { reports_to: null, send_to: [manager], read_from: ["*"] }
  manager: { reports_to: human, send_to: [human, coder], read_from: ["*"] }
  coder: { reports_to: manager, send_to: [manager], read_from: [manager] }
`,
  );
  writeFile(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nThe person.\n');
  writeFile(root, 'agents/manager/resume.md', '---\ntitle: Manager\nmodel: flaky-openai\ncredits: 10\n---\nHand work to the coder; report to the human.\n');
  writeFile(root, 'agents/coder/resume.md', '---\ntitle: Coder\nmodel: flaky-anthropic\ncredits: 10\n---\nDo the work; report to the manager.\n');
  return root;
}

/** Which agent a request is for, read from the system prompt the engine wrote. */
export function agentOf(request: ReceivedRequest): string {
  const system = request.path === '/v1/messages' ? anthropicText(request.body.system) : String(request.body.messages?.[0]?.content);
  return /^You are ([a-z0-9_-]+),/.exec(system)?.[1] ?? '?';
}

/** A well-formed answer in the request's own wire format: a send, or nothing; with usage or without. */
export function answer(request: ReceivedRequest, send?: { to: string; body: string }, usage = true): WireReply {
  const call = send ? [{ name: 'send_message', arguments: send }] : undefined;
  if (request.path === '/v1/messages') {
    return { body: anthropicMessage({ ...(call ? { toolUses: call } : { text: 'Nothing to do.' }), usage: usage ? { input_tokens: 300, output_tokens: 40 } : null }) };
  }
  return { body: chatCompletion({ ...(call ? { toolCalls: call } : { content: 'Nothing to do.' }), usage: usage ? { prompt_tokens: 200, completion_tokens: 30 } : null }) };
}

/** A server on loopback whose manager's first call is scripted by each test (`first`, reset with `calls`); every other call answers in text. */
export interface ManagerScript {
  server: WireServer;
  /** What the manager's first call since `calls` was set to 0 answers. */
  first: (request: ReceivedRequest) => WireReply;
  /** The manager's calls so far. */
  calls: number;
}

/** Start a ManagerScript: its manager's first call answers in text until a test says otherwise. */
export async function startManagerScript(): Promise<ManagerScript> {
  const script = { first: (request: ReceivedRequest) => answer(request), calls: 0 } as ManagerScript;
  script.server = await startWireServer((request) => {
    if (agentOf(request) !== 'manager') return answer(request);
    script.calls += 1;
    return script.calls === 1 ? script.first(request) : answer(request);
  });
  return script;
}
