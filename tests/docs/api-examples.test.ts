import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../helpers/org-files.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { compileAsUser, runAsUser } from '../library/typescript-user.js';

/** docs/api.md's TypeScript examples, in order. */
const examples = [...readFileSync(join(REPO_ROOT, 'docs/api.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');

describe('docs/api.md, compiled and run as a TypeScript user would', () => {
  test('every example typechecks against the built package and does what the page says', { timeout: 600_000 }, () => {
    expect(examples).toHaveLength(4);
    const folder = tempDir();
    // The package as a user's node_modules holds it: resolved through its `exports`, types included.
    mkdirSync(join(folder, 'node_modules'));
    symlinkSync(REPO_ROOT, join(folder, 'node_modules', 'lemming'));
    const files = Object.fromEntries(examples.map((text, index) => [`example-${index + 1}.ts`, text]));
    compileAsUser(folder, files);

    const run = runAsUser(folder, 'example-1.ts');
    expect(run).toContain('turn 1: manager -> planner');
    expect(run).toMatch(/idle after 5 turns, 0\.\d{4} credits/);
    expect(run).toContain('manager: Re: Plan the first release');

    const hiring = runAsUser(folder, 'example-2.ts');
    expect(hiring).toMatch(/approved/i);
    expect(hiring).toMatch(/carried out: .*backend/i);

    const forked = runAsUser(folder, 'example-3.ts');
    expect(forked).toContain('forked after turn 2');
    expect(forked).not.toContain('equal\n');

    const study = runAsUser(folder, 'example-4.ts');
    expect(study).toContain('baseline 1');
    expect(study).toContain('no-planner 1');
  });
});
