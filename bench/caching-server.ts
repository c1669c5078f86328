import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server that speaks Anthropic's Messages API and charges a prompt the way Anthropic's
 * prompt cache does, as its documentation states the rules:
 * - a prompt is read as blocks in the order tools, system, messages; a block carrying
 *   `cache_control` is a breakpoint, and the prefix up to and including it may be cached;
 * - a prefix shorter than the model's minimum (1,024 tokens here, as for Sonnet and Opus) is not;
 * - a prefix is served from the cache when an identical one was written or read in the last
 *   5 minutes; at each breakpoint the server also looks back up to 20 blocks for a shorter
 *   prefix it holds, so a conversation's next step reads its last one;
 * - the usage says what was read (`cache_read_input_tokens`), what was written
 *   (`cache_creation_input_tokens`: up to the last breakpoint, beyond what was read) and the rest
 *   (`input_tokens`).
 * Tokens are counted as a quarter of the characters of each block as sent.
 *
 * As a model it passes work on: at the first step of a call it sends one message to the agent its
 * `next` says, and at the step after that it answers with text and no tool, so a ring of agents
 * stays busy turn after turn. Used by `npm run bench` (the prompt-cache section) and its test.
 */
export interface CachingServer {
  url: string;
  /** Every call's usage as charged, with the agent it was for. */
  calls: Array<{ agent: string; read: number; written: number; uncached: number; output: number }>;
  /** Every call's prompt as one text (tools, system, messages, in the order sent), with the agent it was for. */
  prompts: Array<{ agent: string; text: string }>;
  close(): Promise<void>;
}

const MINIMUM_TOKENS = 1_024;
const LIFETIME_MS = 5 * 60 * 1000;
const LOOK_BACK = 20;
const OUTPUT_TOKENS = 40;

interface Block {
  /** The block as it decides a cache hit: its place and content, without its breakpoint. */
  key: string;
  tokens: number;
  breakpoint: boolean;
}

type Body = {
  system?: string | Array<{ text: string; cache_control?: unknown }>;
  tools?: Array<Record<string, unknown> & { cache_control?: unknown }>;
  messages: Array<{ role: string; content: string | Array<{ type: string; text?: string; cache_control?: unknown }> }>;
};

const tokensOf = (text: string): number => Math.ceil(text.length / 4);

function block(kind: string, value: unknown, breakpoint: boolean): Block {
  const key = `${kind}:${JSON.stringify(value)}`;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return { key, tokens: tokensOf(text), breakpoint };
}

/** The prompt as the cache sees it: one block a tool, a system block, a message's content block. */
function blocksOf(body: Body): Block[] {
  const blocks: Block[] = [];
  for (const { cache_control: mark, ...tool } of body.tools ?? []) blocks.push(block('tool', tool, mark !== undefined));
  const system = typeof body.system === 'string' ? [{ text: body.system }] : (body.system ?? []);
  for (const part of system) blocks.push(block('system', part.text, 'cache_control' in part && part.cache_control !== undefined));
  for (const message of body.messages) {
    const content = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    for (const part of content) {
      const { cache_control: mark, ...rest } = part;
      blocks.push(block(message.role, rest.type === 'text' ? (rest.text ?? '') : rest, mark !== undefined));
    }
  }
  return blocks;
}

/** Start the server on a free loopback port. `next` names the agent each agent passes work to. */
export async function startCachingServer(next: ReadonlyMap<string, string>): Promise<CachingServer> {
  const cache = new Map<string, number>();
  const calls: CachingServer['calls'] = [];
  const prompts: CachingServer['prompts'] = [];
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (raw += chunk));
    request.on('end', () => {
      const body = JSON.parse(raw) as Body;
      const now = Date.now();
      const blocks = blocksOf(body);
      // Running hashes and token counts of every prefix: prefix i is blocks 0..i.
      const hashes: string[] = [];
      const sums: number[] = [];
      const hash = createHash('sha256');
      let sum = 0;
      for (const each of blocks) {
        hash.update(each.key).update('\u0000');
        hashes.push(hash.copy().digest('hex'));
        sum += each.tokens;
        sums.push(sum);
      }
      const held = (index: number): boolean => (cache.get(hashes[index] as string) ?? 0) > now - LIFETIME_MS;
      const breakpoints = blocks.flatMap((each, index) => (each.breakpoint ? [index] : []));
      let readUpTo = -1;
      for (const point of breakpoints) {
        for (let index = point; index >= Math.max(0, point - LOOK_BACK); index -= 1) {
          if ((sums[index] as number) >= MINIMUM_TOKENS && held(index)) {
            readUpTo = Math.max(readUpTo, index);
            break;
          }
        }
      }
      const last = breakpoints.at(-1);
      const writeUpTo = last !== undefined && last > readUpTo && (sums[last] as number) >= MINIMUM_TOKENS ? last : readUpTo;
      for (const point of breakpoints) if ((sums[point] as number) >= MINIMUM_TOKENS && point <= writeUpTo) cache.set(hashes[point] as string, now);
      if (readUpTo >= 0) cache.set(hashes[readUpTo] as string, now);
      const total = sum;
      const read = readUpTo >= 0 ? (sums[readUpTo] as number) : 0;
      const written = writeUpTo > readUpTo ? (sums[writeUpTo] as number) - read : 0;
      const system = typeof body.system === 'string' ? body.system : (body.system ?? []).map((part) => part.text).join('');
      const agent = /^You are ([^,]+),/.exec(system)?.[1] ?? '?';
      const usage = { input_tokens: total - read - written, output_tokens: OUTPUT_TOKENS, cache_read_input_tokens: read, cache_creation_input_tokens: written };
      calls.push({ agent, read, written, uncached: usage.input_tokens, output: OUTPUT_TOKENS });
      prompts.push({ agent, text: blocks.map((each) => each.key).join('\n') });
      const firstStep = body.messages.length === 1;
      const to = next.get(agent) ?? 'human';
      const content = firstStep
        ? [{ type: 'tool_use', id: `toolu_${calls.length}`, name: 'send_message', input: { to, subject: 'Next step', body: `Over to you, ${to}: the next step is yours.` } }]
        : [{ type: 'text', text: 'Passed on.' }];
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: `msg_${calls.length}`, type: 'message', role: 'assistant', model: 'cache-rules', content, stop_reason: firstStep ? 'tool_use' : 'end_turn', usage }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    prompts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
