/**
 * A file's bytes as text for finding secret values in: UTF-8 when they are UTF-8, anything else
 * byte for byte (latin1), where a key, which is ASCII, is still found. Pure.
 */
export function fileText(bytes: Buffer): { text: string; encoding: BufferEncoding } {
  const encoding: BufferEncoding = Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes) ? 'utf8' : 'latin1';
  return { text: bytes.toString(encoding), encoding };
}
