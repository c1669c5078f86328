import { showSize } from '../format/format.js';

const MIB = 1024 * 1024;

/**
 * How big a history that travels may be. A bundle is compressed, and git stores a file once however
 * many entries and paths name it, so a few megabytes of bundle can stand for terabytes written out
 * by `fork --at` (one 10 MB file of zeros named at 100,000 paths). The bounds are on what reading the
 * history writes or walks, not on the bundle's bytes alone; `export --history` checks the same
 * bounds, so a history that would be refused is refused where it is, not where it lands.
 */
export const HISTORY_LIMITS = {
  /** The bundle inside an archive, as its tar header says (checked before anything is unpacked). */
  bundleBytes: 4 * 1024 * MIB,
  /** Entries on the branch: each is walked by `lemming history` and checked on import. */
  entries: 100_000,
  /** Each entry's files together (what `fork --at` writes): at most this many times the org's own files… */
  entryTimesOrg: 4,
  /** …or this, whichever is more, so a small org's history may still grow and shrink. */
  entryFloorBytes: 256 * MIB,
} as const;

/** The most bytes one entry's files may hold, for an org whose files (as exported) hold `orgBytes`. Pure. */
export function entryByteLimit(orgBytes: number): number {
  return Math.max(HISTORY_LIMITS.entryFloorBytes, HISTORY_LIMITS.entryTimesOrg * orgBytes);
}

/** The rule as people read it in an error: `1.0 GB (4 × the org's 250.0 MB of files, or 256.0 MB, whichever is more)`. Pure. */
export function entryLimitText(orgBytes: number): string {
  return `${showSize(entryByteLimit(orgBytes))} (${HISTORY_LIMITS.entryTimesOrg} × the org's ${showSize(orgBytes)} of files, or ${showSize(HISTORY_LIMITS.entryFloorBytes)}, whichever is more)`;
}
