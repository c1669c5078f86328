import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { docSection, fencedBlock } from '../helpers/docs.js';
import { lemmingShell } from '../helpers/lemming-shell.js';
import { REPO_ROOT, tempDir } from '../helpers/org-files.js';
import { besidesProgress } from '../helpers/progress-lines.js';

/** docs/validation.md's calibration against the shipped GSS extract. */
function section(): string {
  return docSection('docs/validation.md', '## Survey answers against real answers');
}

const shell = lemmingShell();

describe("docs/validation.md's GSS calibration, run as written on the offline model", () => {
  test('populate, the dry run and the calibration print what the page shows, and its report holds the rows the page quotes', () => {
    const folder = tempDir();
    // The commands name the shipped data by its path from the repository's root.
    symlinkSync(join(REPO_ROOT, 'data'), join(folder, 'data'));
    const commands = fencedBlock(section(), 'lemming populate data/gss-2018/people.yaml').trimEnd().split('\n');
    const shown = fencedBlock(section(), '$ lemming calibrate data/gss-2018/respondents.yaml --root panel --dry-run').trimEnd().split('\n');
    expect(shown.filter((line) => line.startsWith('$ ')).map((line) => line.slice(2))).toEqual(commands.slice(1));
    const populated = shell(folder, commands[0] as string);
    // A slow machine's populate prints its progress line (after 2 s); nothing else may be on standard error.
    expect({ status: populated.status, stderr: besidesProgress(populated.stderr) }).toEqual({ status: 0, stderr: '' });
    // Each console command's lines, as the page shows them, up to the next command.
    const printed: string[] = [];
    for (const command of commands.slice(1)) {
      const result = shell(folder, command);
      // Standard error says which question is being asked (progress), nothing more.
      expect({ status: result.status, stderr: result.stderr.split('\n').filter((line) => line !== '' && !/^asking \d+ agent\(s\): \w+$/.test(line)) }, command).toEqual({ status: 0, stderr: [] });
      printed.push(`$ ${command}`, ...result.stdout.trimEnd().split('\n'));
    }
    expect(printed).toEqual(shown);
    const report = readFileSync(join(folder, 'panel/calibration/gss-2018-people/report.md'), 'utf8');
    const quoted = section()
      .split('\n')
      .filter((line) => /^\| (polviews|class|happy) \| (all|sex=|degree=)/.test(line));
    expect(quoted.length).toBe(5);
    for (const row of quoted) expect(report.split('\n')).toContain(row);

    // People one by one, on the same panel: both commands as the page writes them, every line as it shows them.
    const people = fencedBlock(section(), 'lemming calibrate data/gss-2018/respondents.yaml --root panel --people').trimEnd().split('\n');
    const peopleShown = fencedBlock(section(), '$ lemming calibrate data/gss-2018/respondents.yaml --root panel --people').trimEnd().split('\n');
    const peoplePrinted: string[] = [];
    for (const command of people) {
      const result = shell(folder, command);
      expect({ status: result.status, stderr: result.stderr.split('\n').filter((line) => line !== '' && !/^asking \d+ person\(s\)' agents: \w+$/.test(line)) }, command).toEqual({ status: 0, stderr: [] });
      peoplePrinted.push(`$ ${command}`, ...result.stdout.trimEnd().split('\n'));
    }
    expect(peoplePrinted).toEqual(peopleShown);
  }, 600_000);
});
