import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runExperiment } from '../../src/experiment/run-experiment.js';
import { ATTEMPTS_FILE } from '../../src/experiment/run-process.js';
import { CLI } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/org-files.js';
import { defaultOrg, tempDir } from '../helpers/temp-org.js';

/**
 * A stand-in for the built CLI. Its first `run` plays what a killed experiment can leave behind:
 * the engine that experiment started, slow to start, takes the run's lock only after the resumed
 * experiment looked and found it free. It does so in a process of its own, just before the real
 * engine starts, and holds the lock until the test says so (a file), then lets go.
 */
function lateEngineCli(folder: string): { cli: string; release: string } {
  const cli = join(folder, 'late-engine-cli.mjs');
  const marker = join(folder, 'played');
  const release = join(folder, 'release');
  const lock = join(REPO_ROOT, 'dist', 'engine', 'record', 'lock.js');
  const holder = [
    `const { acquireLock } = await import(${JSON.stringify(lock)});`,
    `const { existsSync } = await import('node:fs');`,
    `const held = acquireLock(process.argv[1], 'run');`,
    `process.stdout.write('held\\n');`,
    // Ten seconds at most, so the code before the fix (which never waits) leaves no process behind.
    `const until = Date.now() + 10000;`,
    `const timer = setInterval(() => { if (existsSync(${JSON.stringify(release)}) || Date.now() > until) { held.release(); clearInterval(timer); } }, 20);`,
  ].join('\n');
  writeFileSync(
    cli,
    [
      `import { spawn, spawnSync } from 'node:child_process';`,
      `import { existsSync, writeFileSync } from 'node:fs';`,
      `const args = process.argv.slice(2);`,
      `const root = args[args.indexOf('--root') + 1];`,
      `if (!existsSync(${JSON.stringify(marker)})) {`,
      `  writeFileSync(${JSON.stringify(marker)}, '');`,
      `  const late = spawn(process.execPath, ['--input-type=module', '-e', ${JSON.stringify(holder)}, root], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });`,
      `  await new Promise((resolve) => late.stdout.once('data', resolve));`,
      `  late.unref(); late.stdout.destroy();`,
      `}`,
      `const real = spawnSync(process.execPath, [${JSON.stringify(CLI)}, ...args], { stdio: 'inherit' });`,
      `process.exit(real.status ?? 1);`,
    ].join('\n'),
  );
  return { cli, release };
}

describe('an engine from an earlier start that takes the run after the experiment looked', () => {
  test('the run is waited for and run again, not failed; the refused start is not an attempt', { timeout: 120_000 }, async () => {
    const root = defaultOrg();
    const folder = tempDir();
    writeFileSync(join(root, 'small.yaml'), 'name: small\nmessages:\n  - to: manager\n    body: Please plan the release.\nvariants:\n  - name: baseline\n');
    const { cli, release } = lateEngineCli(folder);
    const lines: string[] = [];
    const outcome = await runExperiment({
      file: join(root, 'small.yaml'),
      root,
      cli,
      log: (line) => {
        lines.push(line);
        if (/waiting for process/.test(line)) writeFileSync(release, '');
      },
    });
    expect(lines.join('\n')).not.toMatch(/did not finish/);
    expect(outcome.failed).toEqual([]);
    expect(lines).toContainEqual(expect.stringMatching(/^baseline: waiting for process \d+ \(`lemming run`, since [^)]+\), still at work on it from an earlier start, to stop$/));
    expect(lines).toContainEqual(expect.stringMatching(/^baseline: idle after turn 5, 5 message\(s\), [\d.]+ credits$/));
    const run = join(root, 'experiments/small/baseline');
    expect(existsSync(join(run, 'experiment-result.json'))).toBe(true);
    // One attempt: the start the lock refused did nothing, and is not counted.
    const attempts = JSON.parse(readFileSync(join(run, ATTEMPTS_FILE), 'utf8')) as Array<{ exitCode: number }>;
    expect(attempts.map((attempt) => attempt.exitCode)).toEqual([0]);
  });
});
