import { fstatSync, readSync } from 'node:fs';

/** What was read of a file held open: its text (cut at the limit when `truncated`) and its size in bytes. */
export interface HeldRead {
  text: string;
  truncated: boolean;
  size: number;
}

/**
 * Read at most `maxBytes` of the regular file held open as `fd` (opened by openBeneath), as text;
 * undefined when it is not a regular file (a folder, a pipe, a device). Memory does not grow with
 * the file.
 */
export function readHeld(fd: number, maxBytes: number): HeldRead | undefined {
  const stat = fstatSync(fd);
  if (!stat.isFile()) return undefined;
  const length = Math.min(stat.size, maxBytes);
  // Not zeroed: only the bytes read are used.
  const buffer = Buffer.allocUnsafe(length);
  let offset = 0;
  while (offset < length) {
    const read = readSync(fd, buffer, offset, length - offset, offset);
    if (read === 0) break;
    offset += read;
  }
  return { text: buffer.subarray(0, offset).toString('utf8'), truncated: stat.size > length, size: stat.size };
}
