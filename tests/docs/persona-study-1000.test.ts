import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { docSection, fencedBlock } from '../helpers/docs.js';
import { lemmingShell } from '../helpers/lemming-shell.js';
import { tempDir } from '../helpers/org-files.js';

/*
 * docs/people.md's persona study at 1,000 people, run as the page says: the worked study's two files,
 * changed by the page's own commands, populated and run on the offline model. Before, the page kept
 * the figures of an older run (20 and 30 messages written, 1999 and 1998 answers kept, adherence
 * 7.667) while its commands gave 21 and 31, 1998 and 1997, 7.708: nothing ran the section.
 */

const WORKED = '## Do the personas hold? Measured';
const SECTION = '## The same study at 1,000 people';

const shell = lemmingShell();

/** The section's commands and what the page shows each print first. */
function commands(): Array<{ command: string; shown: string | undefined }> {
  const lines = fencedBlock(docSection('docs/people.md', SECTION), '$ sed').trimEnd().split('\n');
  return lines.flatMap((line, index) => (line.startsWith('$ ') ? [{ command: line.slice(2), shown: lines[index + 1]?.startsWith('$ ') ? undefined : lines[index + 1] }] : []));
}

/** The cells of the first table row of `report` that starts `| <variant> | <first> |` (`first` a pattern). */
function cells(report: string, variant: string, first: string): string[] {
  const row = report.split('\n').find((line) => new RegExp(`^\\| ${variant} \\| ${first} \\|`).test(line));
  expect(row, `${variant} ${first}`).toBeDefined();
  return row!.split('|').slice(1, -1).map((cell) => cell.trim());
}

describe("docs/people.md's persona study at 1,000 people, run as written", () => {
  test('its commands print what the page shows, every table row it shows is a row of the report, and the counts its text gives are the report\'s', () => {
    const folder = tempDir();
    writeFileSync(join(folder, 'panel.yaml'), fencedBlock(docSection('docs/people.md', WORKED), '# panel.yaml'));
    writeFileSync(join(folder, 'personas.yaml'), fencedBlock(docSection('docs/people.md', WORKED), '# personas.yaml'));
    const steps = commands();
    expect(steps.map((step) => step.command.split(' ').slice(0, 2).join(' '))).toEqual(['sed -e', 'sed -e', 'lemming populate', 'lemming experiment']);
    for (const { command, shown } of steps) {
      const result = shell(folder, command, 300_000);
      expect({ status: result.status, errors: result.stderr.split('\n').filter((line) => /error|lemming:/i.test(line)) }, `${command}\n${result.stderr}`).toEqual({ status: 0, errors: [] });
      if (shown !== undefined) expect(result.stdout.split('\n')[0]).toBe(shown);
    }
    // The commands made the study the page describes.
    expect(readFileSync(join(folder, 'panel-1000.yaml'), 'utf8')).toMatch(/^size: 1000$[\s\S]*^ {2}team_size: 8$/m);
    expect(readFileSync(join(folder, 'personas-1000.yaml'), 'utf8')).toMatch(/^repeats: 2$[\s\S]*to: agent_00501$/m);
    expect(readFileSync(join(folder, 'panel-1000/agents/agent_00501/resume.md'), 'utf8')).toContain('Head of engineering');

    const section = docSection('docs/people.md', SECTION);
    const report = readFileSync(join(folder, 'panel-1000/experiments/personas/report.md'), 'utf8');
    const rows = section.split('\n').filter((line) => /^\| (baseline|told) \|/.test(line));
    expect(rows).toHaveLength(8);
    for (const row of rows) expect(report.split('\n'), row).toContain(row);

    // The text's counts, its lines joined: the messages written, the answers kept and changed, told's adherence and the early question's answers.
    const text = section.replace(/\s+/g, ' ');
    const consistency = report.slice(report.indexOf('\n### Self-consistency'));
    const [baseline, told] = [cells(consistency, 'baseline', '2000'), cells(consistency, 'told', '2000')];
    expect(text).toContain(`${baseline[3]} kept and ${baseline[4]} changed with a cause in the baseline, ${told[3]} and ${told[4]} in \`told\``);
    // The personas table's rows: variant, written, judged, agents, runs, adherence, …
    const personas = report.slice(report.indexOf('\n## Personas'));
    const [baselineWritten, toldWritten] = [cells(personas, 'baseline', '\\d+'), cells(personas, 'told', '\\d+')];
    expect(text).toContain(`so ${baselineWritten[1]} and ${toldWritten[1]} messages were written in all`);
    expect(text).toContain(`${toldWritten[5]} in \`told\`, over its ${toldWritten[1]} messages from ${toldWritten[3]} agents`);
    const byWorkplace = report.indexOf('### 1. Where do you work best, in the office or remote?, by workplace');
    expect(byWorkplace).toBeGreaterThan(0);
    const early = report.slice(byWorkplace, report.indexOf('\n### ', byWorkplace + 1));
    const office = early.split('\n').find((line) => line.startsWith('| baseline | office |'))!.split('|')[5]!.trim().split(' ')[0];
    const remote = early.split('\n').find((line) => line.startsWith('| baseline | remote |'))!.split('|')[6]!.trim().split(' ')[0];
    expect(text).toContain(`${office} of the office workers' and ${remote} of the remote workers' 1,000 answers`);
  }, 600_000);
});
