/**
 * A server's answer as text, or undefined past `maxBytes`: a runaway or hostile endpoint must not
 * fill the memory, so the rest is not read (the connection is cancelled). The one read of a model
 * server's or an HTTP agent's answer.
 */
export async function readBodyCapped(response: Response, maxBytes: number): Promise<string | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return '';
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
  return Buffer.concat(chunks).toString('utf8');
}
