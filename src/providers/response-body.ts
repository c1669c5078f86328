/**
 * A server's answer as text, or undefined past `maxBytes`: a runaway or hostile endpoint must not
 * fill the memory, so the rest is not read (the connection is cancelled). The one read of a model
 * server's or an HTTP agent's answer.
 */
export async function readBodyCapped(response: Response, maxBytes: number): Promise<string | undefined> {
  return (await readBodyBytesCapped(response, maxBytes))?.toString('utf8');
}

/** The same read, the answer's bytes as they came (to hand on to a reader of its own, as the OpenAI SDK is). */
export async function readBodyBytesCapped(response: Response, maxBytes: number): Promise<Buffer | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * The answer with its body cut off past `maxBytes`, for a reader of its own (the MCP SDK's JSON and
 * event-stream readers): it gets the bytes up to the bound, then `tooLarge()` as the body's error, and
 * the connection is cancelled, so a runaway or hostile server fills no memory. One without a body, as it is.
 */
export function bodyCapped(response: Response, maxBytes: number, tooLarge: () => Error): Response {
  if (response.body === null) return response;
  let size = 0;
  const cut = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      size += chunk.length;
      if (size > maxBytes) controller.error(tooLarge());
      else controller.enqueue(chunk);
    },
  });
  return new Response(response.body.pipeThrough(cut), { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** The statuses fetch would follow to their `location`. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Where a server's answer sends the call (`location`, made absolute against the URL asked), or
 * undefined for an answer that is no redirect. A model server, a tokenizer, an HTTP agent, an MCP
 * server over HTTP and a notification webhook are asked with `redirect: 'manual'` and none is
 * followed: fetch would send the prompt or the notification again, and the headers org.yaml names
 * with it (fetch drops only `authorization` and cookies across hosts), to wherever the server
 * points. Pure.
 */
export function redirectTarget(response: Response, requested: string): string | undefined {
  const location = REDIRECTS.has(response.status) ? response.headers.get('location') : null;
  if (location === null) return undefined;
  try {
    return new URL(location, requested).href;
  } catch {
    return location.slice(0, 200);
  }
}
