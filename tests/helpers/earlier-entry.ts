import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { entryMessage } from '../../src/history/history-entry.js';
import { stampText, walkRecordedFiles } from '../../src/history/recorded-files.js';
import { workspaceLimitsOf } from '../../src/org/workspace-limits.js';
import { scratchDir } from '../faults/scratch.js';

/**
 * An entry as an earlier lemming wrote it: every recorded file of the org (its one walk) at the path
 * `layout` gives (tests/helpers/hundreds-layout.ts, thousands-layout.ts: that lemming's stored-path.ts,
 * word for word), the entry's message as lemming writes it; and beside the store the files it knew,
 * as that lemming kept them for its next run (its shape, `format`).
 */
export function earlierEntry(root: string, turn: number, layout: (path: string) => string, format: number): void {
  const gitDir = join(root, 'org/state/history.git');
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_DIR: gitDir, GIT_INDEX_FILE: join(scratchDir(), 'index') };
  const git = (args: string[], input?: string): string => execFileSync('git', args, { cwd: root, env, encoding: 'utf8', ...(input === undefined ? {} : { input }) }).trim();
  if (!existsSync(gitDir)) execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', gitDir]);
  const walked = [...walkRecordedFiles(root, workspaceLimitsOf(undefined), 0).files];
  const oids = git(['hash-object', '-w', '--stdin-paths'], walked.map(([path]) => path).join('\n')).split('\n');
  git(['update-index', '--index-info'], walked.map(([path, file], index) => `${file.mode} ${oids[index] as string}\t${layout(path)}`).join('\n'));
  const tree = git(['write-tree']);
  const parent = existsSync(join(gitDir, 'refs/heads/main'));
  const message = entryMessage({ kind: 'turn', turn, messages: {}, credits: 0, changed: 0, edited: [], proposals: [] });
  const commit = git(['-c', 'user.name=lemming', '-c', 'user.email=lemming@localhost', 'commit-tree', tree, ...(parent ? ['-p', 'refs/heads/main'] : []), '-F', '-'], message);
  git(['update-ref', 'refs/heads/main', commit]);
  const rows = walked.map(([path, file], index) => JSON.stringify([path, file.mode, oids[index], stampText(file)]));
  writeFileSync(join(gitDir, 'lemming-known-files.json'), `{"format":${format},"head":${JSON.stringify(commit)},"files":[\n${rows.join(',\n')}\n]}\n`);
}
