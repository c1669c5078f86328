import { stripReply } from './compose.js';

/**
 * The tests an engineer writes with its work, and how it reads their run. The offline coder saves
 * its report, writes a small Python test of it beside it, runs that test with run_command in its
 * sandbox, and says in its report how the run went. Deterministic: the same work, the same test.
 */

/** The test file for a report at `report` (`work/release-notes.md` → `work/tests/test_release_notes.py`) and the command that runs it. */
export function testFor(report: string): { path: string; command: string } {
  const folder = report.slice(0, report.lastIndexOf('/') + 1);
  const stem = report.slice(folder.length).replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'work';
  const path = `${folder}tests/test_${stem}.py`;
  return { path, command: `python3 -m unittest -v ${path}` };
}

/** A Python unittest that checks a report: it exists, its title names the task, it lists what was done. */
export function testSource(report: string, subject: string, self: string): string {
  const name = report.slice(report.lastIndexOf('/') + 1);
  const task = stripReply(subject).replace(/["\\]/g, '');
  const className = `${task.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('') || 'Work'}Test`;
  return [
    `"""Checks of the work on "${task}", written by ${self} with it."""`,
    'import pathlib',
    'import unittest',
    '',
    `REPORT = pathlib.Path(__file__).resolve().parent.parent / "${name}"`,
    '',
    '',
    `class ${className}(unittest.TestCase):`,
    '    def test_report_exists(self):',
    '        self.assertTrue(REPORT.is_file(), f"{REPORT.name} is missing")',
    '',
    '    def test_report_names_the_task(self):',
    `        self.assertIn("${task}", REPORT.read_text(encoding="utf-8").splitlines()[0])`,
    '',
    '    def test_report_lists_what_was_done(self):',
    '        lines = REPORT.read_text(encoding="utf-8").splitlines()',
    '        self.assertTrue(any(line.startswith("- ") for line in lines), "no step is listed")',
    '',
    '',
    'if __name__ == "__main__":',
    '    unittest.main()',
    '',
  ].join('\n');
}

/** What the report says of a test run, read from run_command's result as an engineer reads a terminal. */
export function testOutcome(command: string, result: { error: boolean; content: string } | undefined): string {
  if (!result) return `I could not run the tests (${command}): no result came back.`;
  const exit = /exit code (\d+)/.exec(result.content)?.[1];
  const ran = /Ran (\d+) tests?/.exec(result.content)?.[1];
  if (result.error || exit === undefined) return `I could not run the tests (\`${command}\`): ${result.content.split('\n')[0]}`;
  if (exit === '0') return `Tests: I ran \`${command}\`; ${ran ?? 'all'} test(s) pass (exit code 0).`;
  const failure = /^(FAILED \([^)]*\)|.*Error: .*)$/m.exec(result.content)?.[1];
  return `Tests: I ran \`${command}\`; they fail (exit code ${exit}${failure ? `: ${failure}` : ''}). I will look into it.`;
}
