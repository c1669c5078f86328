/** What a client of `/api/events` has been sent so far. */
export interface StreamCount {
  /** Server-sent events (blocks ended by a blank line), the hello and keep-alive comments included. */
  events: number;
  bytes: number;
}

/**
 * Open `/api/events` as a browser does and read everything it sends, counting events and bytes, until
 * `stop()`. Throws when the server does not answer with an event stream: a bench that measured a
 * refused request (a 401's body read as if it were the stream) would say the stream costs nothing.
 */
export async function countEventStream(url: string, token: string): Promise<{ count: StreamCount; stop(): Promise<void> }> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' } });
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok || !type.startsWith('text/event-stream')) {
    throw new Error(`${url} answered ${response.status} ${type}, not an event stream: ${(await response.text()).slice(0, 200)}`);
  }
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const count: StreamCount = { events: 0, bytes: 0 };
  // The last byte of the previous chunk: a blank line ("\n\n") may be split across two chunks.
  let lastByte = 0;
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      count.bytes += value.length;
      // Buffer.indexOf, not a loop over bytes in JS: the client shares the process (and its time) with the turns it watches.
      const bytes = Buffer.from(value.buffer, value.byteOffset, value.length);
      if (lastByte === 10 && bytes[0] === 10) count.events += 1;
      for (let at = bytes.indexOf('\n\n'); at >= 0; at = bytes.indexOf('\n\n', at + 2)) count.events += 1;
      lastByte = bytes[bytes.length - 1] ?? lastByte;
    }
  })();
  return {
    count,
    stop: async () => {
      await reader.cancel();
      await reading.catch(() => undefined);
    },
  };
}
