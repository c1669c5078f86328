/**
 * A folder changed less than this long before it was listed may change again without its mtime
 * moving: file times come from a clock that ticks every few milliseconds (every second or two on
 * some file systems), so a file written in the same tick as the listing leaves the mtime as it was.
 * Missing this lost the live feed's later lines mid-run.
 */
const RACY_MS = 2_000;

/**
 * The mtime to remember for a folder listed at `listedAt` (ms since the epoch): its own, or -1 when
 * that listing cannot be trusted to be the last (git calls such entries "racily clean"), so the
 * folder is listed again next time rather than skipped for good.
 */
export function trustedMtime(mtimeMs: number, listedAt: number): number {
  return listedAt - mtimeMs < RACY_MS ? -1 : mtimeMs;
}
