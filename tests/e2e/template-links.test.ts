import { cpSync, existsSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { REPO_ROOT, tempDir } from '../helpers/org-files.js';

/** A template folder of someone's (a copy of the software team), and a file outside it holding a secret. */
function clonedTemplate(): { template: string; secret: string } {
  const folder = tempDir();
  const template = join(folder, 'template');
  cpSync(join(REPO_ROOT, 'templates/software-team'), template, { recursive: true });
  const secret = join(folder, 'secret.md');
  writeFileSync(secret, '---\ntitle: Shadow\nmodel: offline\ncredits: 1\n---\nroot:$6$secret-hash:19000:0:99999:7:::\n');
  return { template, secret };
}

/**
 * Templates are read as imports are: a template folder is often a clone of someone's repository, and
 * `org/templates/shadow.md -> /etc/shadow` in one wrote the shadow file into the new org as a 0644
 * file (a link to a file that parses as a resume became a hire template whose body reached a prompt).
 * Now a link where lemming reads a template is refused, naming it, and nothing is written.
 */
describe('a template that holds a link is refused, naming it', () => {
  test.each([
    ['an agent template', 'org/templates/shadow.md'],
    ['a resume', 'agents/planner/resume.md'],
    ['its chart', 'org/chart.yaml'],
  ])('a link standing for %s', (_what, path) => {
    const { template, secret } = clonedTemplate();
    rmSync(join(template, path), { force: true });
    symlinkSync(secret, join(template, path));
    const root = join(tempDir(), 'new');
    const made = lemming(root, ['bootstrap', '--template', template]);
    expect(made.status).toBe(2);
    expect(made.stderr).toContain(`${join(template, path)} is a symbolic link; a template's files are read as an import reads an archive, plain files only, following no link`);
    expect(existsSync(join(root, 'org'))).toBe(false);
  });

  test('a link outside its org/ and agents/ (a clone keeps a README, a .git) is not read and not refused', () => {
    const { template, secret } = clonedTemplate();
    symlinkSync(secret, join(template, 'README.md'));
    const root = join(tempDir(), 'new');
    const made = lemming(root, ['bootstrap', '--template', template]);
    expect(made.status, made.stderr).toBe(0);
    expect(existsSync(join(root, 'README.md'))).toBe(false);
  });
});
