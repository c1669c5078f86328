import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-org.js';
import { packedWith, unpackedExport } from './edited-manifest.js';

/**
 * An archive's lemming-export.json is text anyone can edit. What the import prints from it is checked
 * (a field of the wrong shape is named, with a valid one), and what it claims to carry is compared with
 * what the archive held (said, not believed), as its turn already was (manifest-turn.test.ts).
 */
describe("an archive whose lemming-export.json was edited", () => {
  test('an org name, a time or a count of the wrong shape is refused, naming the field and a valid value; nothing is imported', async () => {
    const { folder, manifest } = await unpackedExport();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...manifest, org: { evil: 1 } }, 'has `org` {"evil":1}, not the org\'s name ("org": "my-org")'],
      [{ ...manifest, taken: undefined }, 'has `taken` missing, not when it was taken ("taken": "2026-11-21T09:14:03.120Z")'],
      [{ ...manifest, by: 'rm -rf' }, 'has `by` "rm -rf", not "export" or "backup"'],
      [{ ...manifest, files: -3 }, 'has `files` -3, not a whole number of files ("files": 31)'],
      [{ ...manifest, history: { entries: 'many' } }, 'has `history` {"entries":"many"}, not the entries and turns the bundle holds'],
    ];
    for (const [edited, said] of cases) {
      const archive = await packedWith(folder, edited);
      const imported = join(tempDir(), 'imported');
      const result = lemming(imported, ['import', archive]);
      // Before: `imported org "[object Object]" (exported at turn 1, undefined) …`, exit 0.
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`${archive}: its lemming-export.json ${said}`);
      expect(result.status).not.toBe(0);
      expect(existsSync(join(imported, 'org'))).toBe(false);
    }
  });

  test('a count of files or a history the archive does not hold is said beside what was imported', async () => {
    const { folder, manifest } = await unpackedExport();
    const archive = await packedWith(folder, { ...manifest, files: 5, history: { entries: 999, first: 0, last: 400 } });
    const imported = join(tempDir(), 'imported');
    const result = lemming(imported, ['import', archive]);
    expect(result.status, result.stderr).toBe(0);
    const held = Number(/: (\d+) file\(s\); /.exec(result.stdout)?.[1]);
    expect(held).toBe(manifest.files);
    // Before: the import said nothing of either.
    expect(result.stdout).toContain(`its lemming-export.json says 5 file(s), but the archive held ${held}, which were imported`);
    expect(result.stdout).toContain('its lemming-export.json says it carries a history of 999 entries, turns 0 to 400, but the archive held no history');
    // An archive as export wrote it says nothing of the kind.
    const faithful = lemming(join(tempDir(), 'faithful'), ['import', await packedWith(folder, manifest)]);
    expect(faithful.status).toBe(0);
    expect(faithful.stdout).not.toContain('lemming-export.json says');
  });
});
