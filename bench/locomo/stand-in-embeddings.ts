import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Buckets of the hashed bag of words: enough that two words rarely share one in a conversation's vocabulary. */
const DIMENSIONS = 1024;

/**
 * A deterministic local stand-in for an embedding model: each word of the text (lower case, letters
 * and digits) counted into one of DIMENSIONS buckets by its FNV-1a hash. It knows no meaning (two
 * words alike in sense share nothing), only which words two texts share, the common ones included, so
 * every two texts that share "the" have a cosine above 0, as a real model's similar texts do. What it
 * measures is how the combined relevance behaves in the ranking's arithmetic, not what a model adds. Pure.
 */
export function hashedVector(text: string): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let hash = 0x811c9dc5;
    for (let index = 0; index < word.length; index += 1) hash = Math.imul(hash ^ word.charCodeAt(index), 0x01000193) >>> 0;
    vector[hash % DIMENSIONS] = (vector[hash % DIMENSIONS] ?? 0) + 1;
  }
  return vector;
}

async function bodyOf(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The stand-in served as an OpenAI-compatible `/v1/embeddings` on the loopback (what vLLM, llama.cpp and
 * Ollama serve), a token a word: the bench reaches it through lemming's own client and embedding gate,
 * as a run reaches a configured server. Its `/v1` address, and how to stop it.
 */
export async function startStandInEmbeddings(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    void bodyOf(request).then(
      (body) => {
        const input = (body as { input?: unknown; model?: unknown }).input;
        const texts = Array.isArray(input) ? input.map(String) : [String(input ?? '')];
        if (request.url !== '/v1/embeddings') {
          response.writeHead(404).end('Not Found');
          return;
        }
        const tokens = texts.reduce((sum, text) => sum + (text.match(/\S+/g)?.length ?? 0), 0);
        const answer = { object: 'list', model: (body as { model?: unknown }).model, data: texts.map((text, index) => ({ object: 'embedding', index, embedding: hashedVector(text) })), usage: { prompt_tokens: tokens, total_tokens: tokens } };
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      },
      () => response.writeHead(400).end('not JSON'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
