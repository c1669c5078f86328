import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-org.js';
import { packedWith, unpackedExport } from './edited-manifest.js';

/**
 * An archive's lemming-export.json is a claim about the org it carries; the record in it
 * (org/state/engine.json) is what the next run goes on from. An archive whose manifest said turn 7
 * over a record at turn 1 was imported with "`lemming run` goes on with turn 8", and the run then
 * ran turn 2.
 */
describe("lemming import says the turn the org's own record stands at", () => {
  test('a manifest that claims another turn than the record: the next turn said is the record\'s, and the difference is named', async () => {
    // The archive as someone edited it: the manifest says turn 7, the record is left at turn 1.
    const { archive, folder, manifest } = await unpackedExport();
    expect(manifest.turn).toBe(1);
    const edited = await packedWith(folder, { ...manifest, turn: 7 });

    const imported = join(tempDir(), 'imported');
    const result = lemming(imported, ['import', edited]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`\`lemming run --root ${imported}\` goes on with turn 2`);
    expect(result.stdout).not.toContain('goes on with turn 8');
    expect(result.stdout).toContain('its lemming-export.json says turn 7, but the record it carries (org/state/engine.json) stands at turn 1, which the next run goes on from');
    expect(lemming(imported, ['status']).stdout).toMatch(/ at turn 1\n/);

    // An archive as export wrote it says nothing more.
    const faithful = lemming(join(tempDir(), 'faithful'), ['import', archive]);
    expect(faithful.stdout).toContain('goes on with turn 2');
    expect(faithful.stdout).not.toContain('lemming-export.json says');
  });
});
