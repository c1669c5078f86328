import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { openOrg } from '../../src/library/index.js';
import { lemming } from '../helpers/cli.js';
import { defaultOrg, read, write } from '../helpers/temp-org.js';

/**
 * `openOrg` takes the org's lock before it loads the org: an org that fails a check after that (a
 * broken chart, a resume naming a model org.yaml does not have) is refused, and leaves no lock, so
 * once mended a second `openOrg` and `lemming run` open it at once.
 */
describe('a failed openOrg', () => {
  test.each([
    ['a broken chart', 'org/chart.yaml', (text: string) => `${text}\nagents: [broken\n`, 'org/chart.yaml:'],
    ['a resume naming an unknown model', 'agents/planner/resume.md', (text: string) => text.replace(/^model: .*$/m, 'model: nosuch'), 'names the model "nosuch"'],
  ])('on %s leaves no lock: mended, the org opens at once', async (_case, file, breakIt, said) => {
    const root = defaultOrg();
    const good = read(root, file);
    write(root, file, breakIt(good));
    expect(() => openOrg(root)).toThrow(said);
    expect(existsSync(join(root, 'org/state/lock'))).toBe(false);
    // The same error again, not "the org is locked".
    expect(() => openOrg(root)).toThrow(said);
    write(root, file, good);
    const opened = openOrg(root);
    await opened.close();
    expect(lemming(root, ['run', '--turns', '1']).status).toBe(0);
  });
});
