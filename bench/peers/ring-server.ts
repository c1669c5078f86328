import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { commonPrefix } from '../common-prefix.js';
import { FORK_CHANGE, ringAgent, ringStepOf, ringText } from './ring.js';

/**
 * The stand-in model both sides of the peers section call: an OpenAI-compatible Chat Completions
 * server whose every answer is one `send_message` to the next agent of the ring, carrying the step
 * after the highest one the prompt shows (`Ring step 4 from agent_0002.` read, `Ring step 5 from
 * agent_0003.` sent). It answers at once, or after `delayMs`. It knows a call's agent from the
 * prompt's opening `You are <name>,`, which lemming's system prompt and the LangGraph node's both
 * start with, and keeps every call it answered: the agent, the step its answer carries, the
 * request's bytes. So who was called twice for the same step is the server's to say, not the
 * side's own.
 */
export interface RingCall {
  agent: string;
  /** The step the answer's message carries. */
  step: number;
  /** The request body's bytes as received. */
  bytes: number;
  /** The parts of the request, in bytes: the system prompt, the tools offered, the rest (the mail, the model name, fields). */
  parts: { system: number; tools: number; rest: number };
  /**
   * Bytes at the start of the prompt, read as providers cache it (the tools, the system prompt, then
   * the messages), that repeat this agent's previous call byte for byte: what a prompt cache could
   * serve. 0 for an agent's first call.
   */
  cacheable: number;
  /** Bytes of the prompt read that way (tools, system prompt, messages): what `cacheable` is a part of. */
  prompt: number;
  /** The mail holds a message a fork changed (FORK_CHANGE). */
  sawChange: boolean;
}

export interface RingServer {
  url: string;
  /** Every call answered since the last `reset`. */
  readonly calls: RingCall[];
  /** The ring's size (the next agent after the last is the first) and the model's delay, from now on; clears the calls. */
  reset(settings: { agents: number; delayMs: number }): void;
  /** Called with each call as it is received, before it is answered (to kill a side in the middle of a step). */
  onCall?: (call: RingCall, count: number) => void;
  close(): Promise<void>;
}

type ChatBody = {
  messages?: Array<{ role: string; content: unknown }>;
  tools?: unknown[];
};

const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((part: { text?: string }) => part.text ?? '').join('') : '';

export async function startRingServer(): Promise<RingServer> {
  let agents = 1;
  let delayMs = 0;
  let answered = 0;
  const previous = new Map<string, string>();
  const ring: RingServer = {
    url: '',
    calls: [],
    reset(settings) {
      agents = settings.agents;
      delayMs = settings.delayMs;
      ring.calls.length = 0;
      previous.clear();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end('{"error":{"message":"not here"}}');
        return;
      }
      const raw = Buffer.concat(chunks);
      const body = JSON.parse(raw.toString('utf8')) as ChatBody;
      const system = textOf(body.messages?.find((message) => message.role === 'system')?.content);
      const agent = /^You are ([^,\s]+),/.exec(system)?.[1] ?? '?';
      const mail = (body.messages ?? []).filter((message) => message.role !== 'system').map((message) => textOf(message.content)).join('\n');
      const step = ringStepOf(mail) + 1;
      const systemBytes = Buffer.byteLength(system);
      const toolsBytes = body.tools ? Buffer.byteLength(JSON.stringify(body.tools)) : 0;
      const rendered = `${body.tools ? JSON.stringify(body.tools) : ''}${system}${mail}`;
      const before = previous.get(agent);
      previous.set(agent, rendered);
      const call: RingCall = {
        agent,
        step,
        bytes: raw.length,
        parts: { system: systemBytes, tools: toolsBytes, rest: raw.length - systemBytes - toolsBytes },
        cacheable: before === undefined ? 0 : Buffer.byteLength(rendered.slice(0, commonPrefix(before, rendered))),
        prompt: Buffer.byteLength(rendered),
        sawChange: mail.includes(FORK_CHANGE),
      };
      ring.calls.push(call);
      answered += 1;
      ring.onCall?.(call, ring.calls.length);
      const to = ringAgent((ringIndexOf(agent) + 1) % agents);
      const answer = {
        id: `chatcmpl-${answered}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: 'ring',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: `call_${answered}`, type: 'function', function: { name: 'send_message', arguments: JSON.stringify({ to, subject: 'Ring', body: ringText(step, agent) }) } }],
            },
            finish_reason: 'tool_calls',
          },
        ],
        usage: { prompt_tokens: Math.ceil(raw.length / 4), completion_tokens: 20, total_tokens: Math.ceil(raw.length / 4) + 20 },
      };
      const send = () => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(answer));
      };
      if (delayMs > 0) setTimeout(send, delayMs);
      else send();
    });
  });
  // Many sockets at once at 1,000 agents: no keep-alive cap of the server's own gets in the way.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ring.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return ring;
}

function ringIndexOf(agent: string): number {
  const index = Number(/_(\d+)$/.exec(agent)?.[1]);
  return Number.isFinite(index) ? index : 0;
}
