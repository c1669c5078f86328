import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { REPO_ROOT, tempDir } from '../helpers/org-files.js';
import { besidesProgress } from '../helpers/progress-lines.js';

/** docs/memory.md's fenced blocks of a language, in order. */
function blocks(lang: string): string[] {
  const text = readFileSync(join(REPO_ROOT, 'docs/memory.md'), 'utf8');
  return [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1] ?? '');
}

function block(lang: string, start: string): string {
  const found = blocks(lang).filter((text) => text.startsWith(start));
  if (found.length !== 1) throw new Error(`docs/memory.md has ${found.length} ${lang} blocks starting ${JSON.stringify(start)}`);
  return found[0] as string;
}

const bin = mkdtempSync(join(tmpdir(), 'lemming-bin-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));
writeFileSync(join(bin, 'lemming'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`);
chmodSync(join(bin, 'lemming'), 0o755);
const ENV = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, NO_COLOR: '1' };

/** Run commands with bash in `cwd`, stopping at the first that fails; their output. */
function sh(cwd: string, text: string): string {
  const result = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', text], { cwd, env: ENV, encoding: 'utf8', input: '', timeout: 300_000 });
  expect({ status: result.status, stderr: besidesProgress(result.stderr) }, `${text}\n${result.stdout}`).toEqual({ status: 0, stderr: '' });
  return result.stdout;
}

/** The lines of a console example after its command, `…` lines left out: each must be in the output, in order. */
function expectLinesInOrder(example: string, output: string): void {
  const wanted = example.split('\n').slice(1).filter((line) => line.trim() !== '' && line.trim() !== '…');
  const got = output.split('\n');
  let at = 0;
  for (const line of wanted) {
    const found = got.indexOf(line, at);
    expect(found, `${line}\nnot found in order in:\n${output}`).toBeGreaterThanOrEqual(0);
    at = found + 1;
  }
}

describe('docs/memory.md, run as written', () => {
  test('the settings: org.yaml `memory:` in both forms, the weights for long conversations, and a resume with its own, are valid', () => {
    const folder = tempDir();
    sh(folder, 'lemming bootstrap --root org >/dev/null');
    const orgYaml = readFileSync(join(folder, 'org/org/org.yaml'), 'utf8');
    for (const settings of [block('yaml', 'memory: { keep: true }'), block('yaml', 'memory:\n  keep: true'), block('yaml', 'memory: { keep: true, weights:')]) {
      writeFileSync(join(folder, 'org/org/org.yaml'), `${orgYaml}\n${settings}`);
      sh(folder, 'lemming validate --root org >/dev/null');
    }
    const resume = block('markdown', '---\ntitle: Records keeper');
    writeFileSync(join(folder, 'org/agents/planner/resume.md'), `${resume}Keep the records.\n`);
    sh(folder, 'lemming validate --root org >/dev/null');
    // A memory as the docs show one, dropped into a stream, is read back as it is.
    const written = block('markdown', '---\nid: 000001-001');
    writeFileSync(join(folder, 'org/agents/planner/memory-example.md'), written);
    sh(folder, 'mkdir -p org/agents/planner/memory/stream && mv org/agents/planner/memory-example.md org/agents/planner/memory/stream/000001-001-observation.md');
    // The org has run no turn: the memory of turn 1 is listed, and said to be recalled by no prompt before turn 2.
    const listed = spawnSync('bash', ['-c', 'lemming memory planner --root org'], { cwd: folder, env: ENV, encoding: 'utf8' });
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('[turn 1] 000001-001 observation, importance 8: human wrote to me, subject "Launch code": For the record: the launch code is amber-417.');
    expect(besidesProgress(listed.stderr)).toContain('000001-001-observation.md: turn 1 is not before turn 1, the turn a prompt would rank for');
  });

  test('the worked example: the manager recalls a fact from fifty-one turns back, and without memory it does not', () => {
    const folder = tempDir();
    const commands = block('sh', 'lemming bootstrap --root recall').trim().split('\n');
    const run = commands.pop() as string;
    expect(run).toBe('lemming run --turns 52 --root recall');
    sh(folder, commands.join('\n'));
    // The same org and mail, the manager's resume saying `memory: off`.
    cpSync(join(folder, 'recall'), join(folder, 'without'), { recursive: true });
    const resume = join(folder, 'without/agents/manager/resume.md');
    writeFileSync(resume, readFileSync(resume, 'utf8').replace(/^model: (.*)$/m, 'model: $1\nmemory: off'));
    sh(folder, run);
    sh(folder, run.replace('recall', 'without'));

    const inbox = block('console', '$ lemming inbox --root recall');
    expectLinesInOrder(inbox, sh(folder, inbox.split('\n')[0]?.slice(2) ?? ''));
    const recalled = block('console', '$ lemming memory manager "launch code"');
    expect(sh(folder, recalled.split('\n')[0]?.slice(2) ?? '')).toBe(recalled.split('\n').slice(1).join('\n'));
    const without = sh(folder, 'lemming inbox --root without');
    expect(without).toContain('Nothing has been finished and reported since my notes began.');
    expect(without).not.toContain('amber-417');
    // `lemming memory`'s own examples.
    sh(folder, block('sh', 'lemming memory manager ').replace(/\s+#.*$/gm, '').trim().split('\n').map((line) => `${line} --root recall >/dev/null`).join('\n'));
  }, 300_000);
});
