import { describe, expect, test } from 'vitest';
import { entryProblem } from '../../src/archive/archive-entries.js';
import { withParent } from '../../src/history/prune-history.js';
import { entryByteLimit, entryLimitText } from '../../src/history/history-limits.js';

describe('what an archive entry may be, now that a history can travel', () => {
  test('the bundle is allowed at the top only, as a file; the store folder and other machine-local state never', () => {
    expect(entryProblem('lemming-history.bundle', 'File')).toBeUndefined();
    expect(entryProblem('lemming-history.bundle', 'Directory')).toMatch(/outside the org's folders/);
    expect(entryProblem('org/lemming-history.bundle', 'File')).toBeUndefined();
    for (const path of ['org/state/history.git/config', 'org/state/history.git/hooks/post-commit', 'org/state/history.git', 'org/state/cache/index.json', 'org/state/lock']) {
      const type = path === 'org/state/history.git' ? 'Directory' : 'File';
      expect(entryProblem(path, type), path).toMatch(/is machine-local state, which no export writes \(a history travels as lemming-history.bundle/);
    }
    expect(entryProblem('org/state/engine.json', 'File')).toBeUndefined();
    expect(entryProblem('org/state/ledger.jsonl', 'File')).toBeUndefined();
  });
});

describe('a pruned entry written again', () => {
  test('its parent replaced, a signature (no longer true) dropped, the rest byte for byte', () => {
    const raw = 'tree abc\nparent old1\nauthor a <a@a> 1 +0000\ncommitter a <a@a> 1 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n line\n -----END PGP SIGNATURE-----\n\nturn 3: …\n\nLemming-Entry: {}\n';
    expect(withParent(raw, 'new1')).toBe('tree abc\nparent new1\nauthor a <a@a> 1 +0000\ncommitter a <a@a> 1 +0000\n\nturn 3: …\n\nLemming-Entry: {}\n');
  });
});

describe("an entry's bound", () => {
  test('four times the org, or 256 MB for a small org, said as a person reads it', () => {
    expect(entryByteLimit(1024)).toBe(256 * 1024 * 1024);
    expect(entryByteLimit(100 * 1024 * 1024)).toBe(400 * 1024 * 1024);
    expect(entryLimitText(100 * 1024 * 1024)).toBe("400.0 MB (4 × the org's 100.0 MB of files, or 256.0 MB, whichever is more)");
  });
});
