import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { lemming } from './cli.js';
import { tempDir } from './temp-dirs.js';

/**
 * An org built once for a test file and copied for each test that starts from it.
 *
 * Building an org through the built CLI (`lemming bootstrap`, a `send` and a `run` to idle) starts
 * a Node process per step, each loading its hundred-odd modules: that start-up is most of what
 * an end-to-end file costs. A test that only needs the org such steps leave behind gets a copy
 * (fs.cpSync, as `cp -r`: the same files with new mtimes, which lemming's parse cache finds
 * again by content) of the one the file built before its tests.
 *
 * Call it at the top level of a test file, not inside a test: the built org is made before the
 * file's tests and removed after them. `build` runs in the folder the copies come from, and
 * must leave it the way each test expects to find it; each copy is a fresh `tempDir`, removed
 * after its test like any other, or the folder `into` names (made if missing: a test that needs
 * the org under a given name, inside a folder of its own that it removes).
 */
export function builtOrg(build: (root: string) => void): (into?: string) => string {
  let built: string | undefined;
  const buildOnce = (): string => {
    if (built === undefined) {
      const root = mkdtempSync(join(tmpdir(), 'lemming-built-'));
      try {
        build(root);
      } catch (error) {
        rmSync(root, { recursive: true, force: true });
        throw error;
      }
      built = root;
    }
    return built;
  };
  // Built before the file's first test, in a hook with a timeout of its own: on a busy machine the
  // steps must not eat into the time of whichever test happens to ask first.
  beforeAll(() => {
    buildOnce();
  });
  afterAll(() => {
    if (built !== undefined) rmSync(built, { recursive: true, force: true });
  });
  return (into) => {
    const copy = into ?? tempDir();
    cpSync(buildOnce(), copy, { recursive: true });
    return copy;
  };
}

/** Run the built CLI in a fixture's folder, failing the build (and so the test that asked) if the step fails. */
export function step(root: string, args: string[]): void {
  const result = lemming(root, args);
  if (result.status !== 0) throw new Error(`lemming ${args.join(' ')} exited ${String(result.status)} while building a test org: ${result.stderr}`);
}

/** A default org as `lemming bootstrap` writes it, built once per file. */
export function bootstrappedOrg(): () => string {
  return builtOrg((root) => step(root, ['bootstrap']));
}
