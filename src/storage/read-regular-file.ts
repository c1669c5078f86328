import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** The text (cut at the byte limit when `truncated`) and the file's size in bytes, or why the file was refused (with its errno). */
export type RegularFileRead = { text: string; truncated: boolean; size: number } | { error: string; code?: string };

/** As RegularFileRead, the bytes read instead of their text; a folder in the file's place is refused with the code EISDIR. */
export type RegularBytesRead = { bytes: Buffer; truncated: boolean; size: number } | { error: string; code?: string };

/**
 * Read a file a person may have replaced with something else: a symbolic link is not
 * followed (it could point anywhere outside the org), and a pipe or device is refused
 * without waiting on it (opening a pipe for reading blocks until someone writes).
 * At most `maxBytes` are read, whatever the file's size: memory does not grow with it.
 */
export function readRegularFile(path: string, maxBytes: number): RegularFileRead {
  const read = readRegularBytes(path, maxBytes);
  if (!('bytes' in read)) return read.code === 'EISDIR' ? { error: read.error } : read;
  return { text: read.bytes.toString('utf8'), truncated: read.truncated, size: read.size };
}

/** readRegularFile's bytes, not decoded: for a file that is not text. */
export function readRegularBytes(path: string, maxBytes: number): RegularBytesRead {
  let descriptor: number;
  try {
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: code === 'ELOOP' ? 'is a symbolic link; lemming does not follow links in an agent folder' : `cannot be read (${code ?? 'error'})`, ...(code ? { code } : {}) };
  }
  try {
    const stat = fstatSync(descriptor);
    if (!stat.isFile()) return { error: 'is not a regular file', ...(stat.isDirectory() ? { code: 'EISDIR' } : {}) };
    const length = Math.min(stat.size, maxBytes);
    // Not zeroed: only the bytes read are used.
    const buffer = Buffer.allocUnsafe(length);
    let offset = 0;
    while (offset < length) {
      const read = readSync(descriptor, buffer, offset, length - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    return { bytes: buffer.subarray(0, offset), truncated: stat.size > length, size: stat.size };
  } finally {
    closeSync(descriptor);
  }
}
