import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { docSection, fencedBlock } from '../helpers/docs.js';
import { lemmingShell } from '../helpers/lemming-shell.js';
import { tempDir } from '../helpers/org-files.js';

/** docs/people.md's worked study of persona measures. */
function section(): string {
  return docSection('docs/people.md', '## Do the personas hold? Measured');
}

function block(start: string): string {
  return fencedBlock(section(), start);
}

const shell = lemmingShell();

/** Run a command as a person types it; it must succeed. */
function sh(cwd: string, command: string): { stdout: string; stderr: string } {
  const result = shell(cwd, command, 300_000);
  expect({ status: result.status, stderr: result.stderr.split('\n').filter((line) => /error|lemming:/i.test(line)) }, `${command}\n${result.stderr}`).toEqual({ status: 0, stderr: [] });
  return result;
}

describe("docs/people.md's persona study, run as written on the offline model", () => {
  test('populate and experiment print what the page shows, and every table row the page shows is a row of the report', () => {
    const folder = tempDir();
    writeFileSync(join(folder, 'panel.yaml'), block('# panel.yaml'));
    writeFileSync(join(folder, 'personas.yaml'), block('# personas.yaml'));
    const shown = block('$ lemming populate').trimEnd().split('\n');
    const commands = shown.filter((line) => line.startsWith('$ '));
    expect(commands).toEqual(['$ lemming populate panel.yaml --root panel', '$ lemming experiment personas.yaml --root panel']);
    for (const command of commands) {
      const { stdout, stderr } = sh(folder, command.slice(2));
      // The page shows the first line each command prints.
      expect(stdout.split('\n')[0]).toBe(shown[shown.indexOf(command) + 1]);
      // Before its first run the experiment says what the persona judge may call.
      if (command.includes('experiment')) expect(stderr.split('\n')[0]).toBe("personas: offline judges each message an agent with a persona writes, at most 200 a run (6 run(s)), each answer at most 1024 output tokens (the default, as org/org.yaml models.offline.max_output_tokens is not set); charged to the experiment's ledger");
    }
    const report = readFileSync(join(folder, 'panel/experiments/personas/report.md'), 'utf8').split('\n');
    const rows = section()
      .split('\n')
      .filter((line) => /^\| (baseline|told) \|/.test(line));
    expect(rows.length).toBeGreaterThanOrEqual(11);
    for (const row of rows) expect(report, row).toContain(row);
    // The cross-tab's counts add up to the survey's: 90 answers a question and variant.
    const json = JSON.parse(readFileSync(join(folder, 'panel/experiments/personas/report.json'), 'utf8')) as { survey: Array<{ variants: Array<{ variant: string; counts: Record<string, number> }> }>; surveyByAttribute: Array<{ index: number; attribute: string; cells: Array<{ variant: string; choices: Record<string, { count: number }> }> }> };
    for (const table of json.surveyByAttribute) {
      for (const variant of ['baseline', 'told']) {
        const counts = json.survey[table.index]?.variants.find((cell) => cell.variant === variant)?.counts ?? {};
        for (const choice of ['office', 'remote']) {
          const summed = table.cells.filter((cell) => cell.variant === variant).reduce((sum, cell) => sum + (cell.choices[choice]?.count ?? 0), 0);
          expect(summed, `${table.attribute} ${variant} ${choice}`).toBe(counts[choice]);
        }
      }
    }
  }, 300_000);
});
