import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { blobIdInPlace } from '../../src/history/blob-id.js';

/** git's own id of `bytes` as a blob (`git hash-object --stdin`), outside any repository. */
function gitBlobId(bytes: Buffer): string {
  return execFileSync('git', ['hash-object', '--stdin', '--no-filters'], { input: bytes, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } }).trim();
}

/** A buffer as the history reads a file into it: `room` bytes left before the file's bytes for git's header. */
function readBehind(room: number, bytes: Buffer, sizedFor: number): Buffer {
  const buffer = Buffer.alloc(room + sizedFor, 0xee);
  bytes.copy(buffer, room);
  return buffer;
}

describe("a file's id as git's blob, hashed where it was read", () => {
  it('is the id git gives the bytes, read to the length the room was made for', () => {
    const bytes = Buffer.from('{"turn":12,"event":"read"}\n'.repeat(40));
    const room = `blob ${bytes.length}\0`.length;
    const buffer = readBehind(room, bytes, bytes.length);
    expect(blobIdInPlace(buffer, room, room + bytes.length, 'sha1')).toBe(gitBlobId(bytes));
  });

  it('is the id of the bytes read when the file was cut short after it was sized (a shorter header, written where they begin)', () => {
    // Sized for 12,345 bytes (a header of 11), 7 read (a header of 7).
    const bytes = Buffer.from('shorter');
    const room = 'blob 12345\0'.length;
    const buffer = readBehind(room, bytes, 12_345);
    expect(blobIdInPlace(buffer, room, room + bytes.length, 'sha1')).toBe(gitBlobId(bytes));
    // And none at all: an empty blob.
    expect(blobIdInPlace(readBehind(room, Buffer.alloc(0), 12_345), room, room, 'sha1')).toBe(gitBlobId(Buffer.alloc(0)));
  });
});
