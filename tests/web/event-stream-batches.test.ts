import { describe, expect, test } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { EventHub } from '../../src/web/event-hub.js';
import { observeEngine } from '../../src/web/observe-engine.js';
import { busyOrg } from '../helpers/busy-org.js';
import { serveOrg } from './web-server.js';

/** Every SSE block a stream sends until `until` holds, and how many reads of the socket brought them. */
async function readBlocks(response: Response, until: (types: string[]) => boolean): Promise<{ types: string[]; reads: number }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const types: string[] = [];
  let buffer = '';
  let reads = 0;
  while (!until(types)) {
    const { value, done } = await reader.read();
    if (done) break;
    reads += 1;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const data = buffer.slice(0, end).split('\n').find((line) => line.startsWith('data: '))?.slice('data: '.length);
      buffer = buffer.slice(end + 2);
      const event = data === undefined ? undefined : (JSON.parse(data) as { kind: string; event?: { type: string } });
      if (event?.kind === 'engine' && event.event) types.push(event.event.type);
    }
  }
  await reader.cancel();
  return { types, reads };
}

describe('the event stream of a busy run', () => {
  test('a turn of 150 agents reaches the browser whole and in order, in batches: far fewer writes than events', { timeout: 120_000 }, async () => {
    const agents = 150;
    const root = busyOrg(agents);
    const hub = new EventHub();
    const server = await serveOrg(root, hub);
    const stream = await fetch(`${server.base}/api/events`, { headers: { authorization: `Bearer ${server.token}` } });
    const reading = readBlocks(stream, (types) => types.includes('run-finished'));
    const engine = Engine.open({ root });
    const yielded: string[] = [];
    try {
      for await (const event of observeEngine(engine, hub).run({ maxTurns: 1 })) yielded.push(event.type);
    } finally {
      engine.close();
    }
    const { types, reads } = await reading;
    // Each agent called, answered, charged and done: some 600 events, every one of them delivered, as the engine gave them.
    expect(yielded.filter((type) => type === 'agent-done')).toHaveLength(agents);
    expect(types).toEqual(yielded);
    // Written as they came, each event was a write of its own (and a read here); gathered, a handful carry them all.
    expect(reads).toBeLessThan(yielded.length / 10);
  });
});
