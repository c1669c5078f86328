import { LemmingError } from '../errors.js';

/** The archive's own file, at its top: what it is and where the org was. Not part of the org. */
export const MANIFEST_NAME = 'lemming-export.json';

/**
 * The org's history, when `lemming export --history` carried it: a git bundle at the archive's top,
 * beside the manifest (history/history-bundle.ts says why a bundle and not the store's folder).
 */
export const HISTORY_BUNDLE_NAME = 'lemming-history.bundle';

/** What `lemming-export.json` says. */
export interface ExportManifest {
  format: 'lemming-export';
  version: 1;
  /** The org's name (org.yaml `name`), when its files loaded. */
  org?: string;
  /** The last turn the org had finished: the imported org goes on with the next. */
  turn: number;
  /** When the copy was taken. */
  taken: string;
  /** `export` (an org at rest) or `backup` (taken between two turns of a run). */
  by: 'export' | 'backup';
  /** How many files of the org the archive holds. */
  files: number;
  /**
   * What they hold together, in bytes: what an import unpacks (it refuses an archive whose entries
   * say more, or a disk with less room). Absent in archives of lemming before 0.2.
   */
  bytes?: number;
  /** With `--history`: how many entries the bundle holds, and the turns they span. */
  history?: { entries: number; first: number; last: number };
}

/** Read a manifest's text, or say what is wrong with it, naming the archive. Pure. */
export function parseManifest(text: string, archive: string): ExportManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badManifest(archive, 'is not JSON');
  }
  const manifest = value as Partial<ExportManifest> | null;
  if (manifest === null || typeof manifest !== 'object' || manifest.format !== 'lemming-export') throw badManifest(archive, 'has no `"format": "lemming-export"`');
  if (manifest.version !== 1) throw badManifest(archive, `is version ${String(manifest.version)}; this lemming reads version 1 (a newer lemming wrote it?)`);
  if (typeof manifest.turn !== 'number' || !Number.isInteger(manifest.turn) || manifest.turn < 0) throw badManifest(archive, 'has no whole `turn`');
  return manifest as ExportManifest;
}

function badManifest(archive: string, what: string): LemmingError {
  return new LemmingError('bad-archive', `${archive}: its ${MANIFEST_NAME} ${what}; an archive written by \`lemming export\` starts with {"format": "lemming-export", "version": 1, "turn": 12, …}`);
}
