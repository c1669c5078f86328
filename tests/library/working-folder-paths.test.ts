import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/program.js';
import { defaultOrg, humanSends, tempDir } from '../helpers/temp-org.js';

/**
 * `main(argv, io)` runs a command in a program's own process with the working folder it is given
 * (`io.cwd`): every path a person names is taken from there (invocation.ts, fromWorkingFolder),
 * never from the process's own folder. `run --record/--replay` and `blame --checks` took theirs
 * from the process's folder.
 */
async function inFolder(cwd: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdin: Readable.from([]),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    ownsProcess: false,
  });
  return { code, stdout, stderr };
}

describe("paths a person names, from the command's working folder", () => {
  test('run --record and --replay: the cassette is written and read in the working folder given, not the process\'s', { timeout: 60_000 }, async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Plan the release', 'Plan');
    const folder = tempDir();
    const name = `cassette-${process.pid}-${Date.now()}.jsonl`;
    try {
      const recorded = await inFolder(folder, ['--root', root, 'run', '--plain', '--until', '1', '--record', name]);
      expect(recorded.code, recorded.stderr).toBe(0);
      expect(existsSync(join(process.cwd(), name))).toBe(false);
      expect(readFileSync(join(folder, name), 'utf8')).toContain('manager');
      // The replay reads the cassette from the same folder, on a copy of the org as it was.
      const again = defaultOrg();
      humanSends(again, 'manager', 'Plan the release', 'Plan');
      const replayed = await inFolder(folder, ['--root', again, 'run', '--plain', '--until', '1', '--replay', name]);
      expect(replayed.code, replayed.stderr).toBe(0);
    } finally {
      // Where the cassette and its tools tape went before the fix.
      for (const left of [name, `${name}.tools.jsonl`]) rmSync(join(process.cwd(), left), { force: true });
    }
  });

  test('blame --checks FILE: the experiment file is read from the working folder given', async () => {
    const folder = tempDir();
    writeFileSync(join(folder, 'study.yaml'), 'name: study\nchecks:\n  - name: answered\n    run: test -s "$SHARED/answer.md"\nmessages:\n  - { to: manager, body: Plan the release }\nvariants:\n  - name: baseline\n');
    const said = await inFolder(folder, ['--root', defaultOrg(), 'blame', 'experiments/study/baseline', '--check', 'replied', '--checks', 'study.yaml']);
    expect(said.code, said.stderr).toBe(2);
    expect(said.stderr).toContain('checks: no check is named "replied"; use one of answered');
    expect(said.stderr).not.toContain('there is no such file');
  });
});
