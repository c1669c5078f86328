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
  // What the import prints from it is checked like the turn: a hand-edited field is named, never shown as `[object Object]` or `undefined`.
  const count = (value: unknown): boolean => typeof value === 'number' && Number.isInteger(value) && value >= 0;
  const wrong = (field: string, value: unknown, valid: string): LemmingError => badManifest(archive, `has \`${field}\` ${value === undefined ? 'missing' : JSON.stringify(value)}, not ${valid}`);
  if (manifest.org !== undefined && typeof manifest.org !== 'string') throw wrong('org', manifest.org, 'the org\'s name ("org": "my-org")');
  if (typeof manifest.taken !== 'string') throw wrong('taken', manifest.taken, 'when it was taken ("taken": "2026-11-21T09:14:03.120Z")');
  if (manifest.by !== 'export' && manifest.by !== 'backup') throw wrong('by', manifest.by, '"export" or "backup"');
  if (!count(manifest.files)) throw wrong('files', manifest.files, 'a whole number of files ("files": 31)');
  if (manifest.bytes !== undefined && !count(manifest.bytes)) throw wrong('bytes', manifest.bytes, 'a whole number of bytes ("bytes": 18273)');
  const history: unknown = manifest.history;
  if (history !== undefined && (history === null || typeof history !== 'object' || !['entries', 'first', 'last'].every((field) => count((history as Record<string, unknown>)[field])))) {
    throw wrong('history', history, 'the entries and turns the bundle holds ("history": {"entries": 2, "first": 0, "last": 1})');
  }
  return manifest as ExportManifest;
}

/** What an import found in the archive: the record's turn, the files unpacked, the history restored. */
export interface ImportFound {
  turn: number;
  files: number;
  history?: { entries: number; first: number; last: number };
}

/**
 * Where the manifest's claims differ from what the import found, a sentence each (none for an archive as
 * `lemming export` wrote it). The manifest is the archive's claim; what was found is what runs: an edited
 * manifest is said, not believed, and a count short of the claim says the archive lost files. Pure.
 */
export function manifestDifferences(manifest: ExportManifest, found: ImportFound): string[] {
  const said = `its ${MANIFEST_NAME} says`;
  const lines: string[] = [];
  if (manifest.turn !== found.turn) lines.push(`${said} turn ${manifest.turn}, but the record it carries (org/state/engine.json) stands at turn ${found.turn}, which the next run goes on from`);
  if (manifest.files !== found.files) lines.push(`${said} ${manifest.files} file(s), but the archive held ${found.files}, which were imported`);
  const history = (value: ImportFound['history']): string => (value === undefined ? 'no history' : `a history of ${value.entries} entries, turns ${value.first} to ${value.last}`);
  if (history(manifest.history) !== history(found.history)) lines.push(`${said} it carries ${history(manifest.history)}, but the archive held ${history(found.history)}`);
  return lines;
}

function badManifest(archive: string, what: string): LemmingError {
  return new LemmingError('bad-archive', `${archive}: its ${MANIFEST_NAME} ${what}; an archive written by \`lemming export\` starts with {"format": "lemming-export", "version": 1, "turn": 12, …}`);
}
