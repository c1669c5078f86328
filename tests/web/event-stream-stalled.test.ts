import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { describe, expect, test } from 'vitest';
import { EventHub } from '../../src/web/event-hub.js';
import { defaultOrg } from '../helpers/temp-org.js';
import { readEvents, serveOrg } from './web-server.js';

/** An event stream opened on a bare socket, read until its `hello`, then never read again (paused). */
async function stalledClient(port: number, token: string): Promise<{ socket: Socket; received: () => string }> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`);
  while (!text.includes('event: hello')) await new Promise((resolve) => socket.once('data', resolve));
  socket.pause();
  return { socket, received: () => text };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an event stream client that stops reading', () => {
  test('is cut once more events wait for it than the hub keeps: it holds no events in memory, a client that reads gets every one, and reconnecting says reset', async () => {
    const keep = 100;
    const hub = new EventHub(keep);
    const server = await serveOrg(defaultOrg(), hub);
    const reading = await fetch(`${server.base}/api/events`, { headers: { authorization: `Bearer ${server.token}` } });
    const marker = 1_000_000;
    const read = readEvents(reading, (events) => events.some((event) => (event.data as { turn?: number }).turn === marker));
    const stalled = await stalledClient(server.port, server.token);
    const streams = hub.listening;
    const closed = new Promise<void>((resolve) => stalled.socket.once('close', () => resolve()));
    stalled.socket.on('error', () => undefined);
    // 4 KB events in rounds, each given time to go out, until the stalled stream is let go (at most 80 MB).
    let published = 0;
    for (let round = 0; round < 100 && hub.listening === streams; round += 1) {
      for (let index = 0; index < 200; index += 1) {
        hub.publish({ kind: 'engine', event: { type: 'warning', turn: published, message: randomBytes(2048).toString('hex') } });
        published += 1;
      }
      await pause(150);
    }
    expect(hub.listening, 'the stalled stream is no longer fed events').toBe(streams - 1);
    hub.publish({ kind: 'turn', turn: marker });
    const events = (await read).filter((event) => event.event === 'engine');
    expect(events.length, 'the client that reads gets every event').toBe(published);
    expect(events.map((event) => (event.data as { event: { turn: number } }).event.turn)).toEqual([...Array(published).keys()]);
    stalled.socket.resume();
    await closed;
    expect(stalled.received()).not.toContain(`"turn":${marker}`);
    const seen = [...stalled.received().matchAll(/^id: (\S+)$/gm)].map((match) => match[1] as string);
    const again = await fetch(`${server.base}/api/events`, { headers: { authorization: `Bearer ${server.token}`, 'last-event-id': seen.at(-1) as string } });
    const resumed = await readEvents(again, (events) => events.length > 0);
    expect(resumed[0]?.event).toBe('reset');
  }, 60_000);
});
