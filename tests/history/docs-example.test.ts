import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { fencedBlock } from '../helpers/docs.js';
import { lemmingShell } from '../helpers/lemming-shell.js';
import { REPO_ROOT } from '../helpers/org-files.js';
import { scratchDir } from '../faults/scratch.js';
import { messageFiles } from '../helpers/org-snapshot.js';
import { besidesProgress } from '../helpers/progress-lines.js';

/** docs/history.md's fenced block whose first line starts so. */
function block(start: string): string {
  return fencedBlock(readFileSync(join(REPO_ROOT, 'docs/history.md'), 'utf8'), start);
}

const shell = lemmingShell();

function sh(cwd: string, text: string): string {
  const result = shell(cwd, text);
  // Nothing on standard error but the progress line a slow machine's export prints.
  expect({ status: result.status, stderr: besidesProgress(result.stderr) }, `${text}\n${result.stdout}`).toEqual({ status: 0, stderr: '' });
  return result.stdout;
}

describe("docs/history.md's examples, run as written", () => {
  test('the counterfactual: base and what-if share turns 0 to 2 and part after; the other examples run in base', () => {
    const folder = scratchDir('lemming-docs-history-');
    const printed = sh(folder, block('lemming bootstrap --root base'));
    expect(printed).toMatch(/fork at turn 2/);
    const early = (root: string): Record<string, string> =>
      // The agents' mail (the human's new message carries turn 2, the last finished when it was sent).
      Object.fromEntries(Object.entries(messageFiles(root)).filter(([file]) => /^agents\/(?!human\/)/.test(file) && Number(/\/(\d{6})-/.exec(file)?.[1]) <= 2));
    expect(early(join(folder, 'what-if'))).toEqual(early(join(folder, 'base')));
    expect(messageFiles(join(folder, 'what-if'))).not.toEqual(messageFiles(join(folder, 'base')));
    expect(sh(join(folder, 'base'), block('lemming history                       # each entry'))).toContain('credits:');
    expect(sh(join(folder, 'base'), block('git --git-dir org/state/history.git log --stat'))).toContain('agents/manager/');
    // Moving it: the history restored in lab-moved, then pruned, saying what the page says.
    const moved = sh(folder, block('lemming export --history lab.tar.gz --root base'));
    expect(moved).toMatch(/with its history: 6 entries, turns 0 to 5/);
    expect(moved).toContain('turn 5: 1 message(s)');
    expect(moved).toContain(block('pruned the history before turn 2').trim());
    expect(sh(folder, 'lemming history --root lab-moved')).toMatch(/^[0-9a-f]{7} .*history pruned: entries before turn 2 dropped/);
    const again = scratchDir('lemming-docs-history-');
    sh(again, 'lemming bootstrap --root base >/dev/null && lemming send manager "Plan it." --root base >/dev/null && lemming run --root base >/dev/null');
    expect(sh(again, block('lemming fork --from base --at 2 --root what-if'))).toContain('its next run is turn 3');
  }, 900_000);

  test('a new org keeps its history by the line the page shows; keep: false turns it off', () => {
    const folder = scratchDir('lemming-docs-history-');
    sh(folder, 'lemming bootstrap >/dev/null');
    const settings = join(folder, 'org/org.yaml');
    const line = block('history: { keep: true }').replace(/\s+#.*\n$/, '');
    expect(readFileSync(settings, 'utf8').split('\n')).toContain(line);
    sh(folder, 'lemming send manager "Plan it." >/dev/null && lemming run >/dev/null');
    expect(sh(folder, 'lemming history')).toMatch(/History begins here/);
    // Off: the runs that follow add no entry.
    const entries = sh(folder, 'lemming history').trim().split('\n').length;
    writeFileSync(settings, readFileSync(settings, 'utf8').replace(line, 'history: { keep: false }'));
    sh(folder, 'lemming validate >/dev/null && lemming send manager "And again." >/dev/null && lemming run >/dev/null');
    expect(sh(folder, 'lemming history').trim().split('\n')).toHaveLength(entries);
  }, 300_000);
});
