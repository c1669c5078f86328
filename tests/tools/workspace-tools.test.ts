import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadOrg } from '../../src/org/load-org-once.js';
import { runBuiltinTool, type BuiltinToolContext } from '../../src/tools/builtin-tools.js';
import { FILE_LIMITS } from '../../src/tools/workspace/file-tools.js';
import { resolveWorkspacePath } from '../../src/tools/workspace/workspace-path.js';
import { defaultOrg, humanSends, read, tempDir, write } from '../helpers/temp-org.js';

function contextFor(root: string, agent: string): BuiltinToolContext {
  const { org } = loadOrg(root);
  const found = org.agents.get(agent);
  if (!found) throw new Error(agent);
  // Every file counts as delivered here: which files were is the engine's record (tests/integration/read-message.test.ts).
  return { root, org, agent: found, turn: 3, sequence: 1, at: '2026-11-22T00:00:00.000Z', balance: 0.5, delivered: () => true };
}

describe('workspace paths', () => {
  test('relative paths land in the agent workspace, "shared/" in the org one; escapes are refused with the reason', () => {
    const root = defaultOrg();
    const coder = contextFor(root, 'coder_01').agent;
    expect(resolveWorkspacePath(root, coder, 'src/app.ts', 'write')).toMatchObject({ fromRoot: 'agents/coder_01/workspace/src/app.ts', display: 'src/app.ts' });
    expect(resolveWorkspacePath(root, coder, 'shared/plan.md', 'read')).toMatchObject({ fromRoot: 'workspace/plan.md', shared: true });
    expect(resolveWorkspacePath(root, coder, '../../manager/resume.md', 'read')).toEqual({ error: expect.stringContaining('".."') });
    expect(resolveWorkspacePath(root, coder, 'a/../../x', 'read')).toEqual({ error: expect.stringContaining('".."') });
    expect(resolveWorkspacePath(root, coder, '/etc/passwd', 'read')).toEqual({ error: expect.stringContaining('absolute path') });
    expect(resolveWorkspacePath(root, coder, 'a\0b', 'read')).toEqual({ error: expect.stringContaining('NUL') });
    expect(resolveWorkspacePath(root, coder, 'shared/plan.md', 'write')).toEqual({ error: expect.stringContaining('shared_workspace: write') });
  });

  // A link that stays inside is refused too: following one at all is what a command swapping folders races (tests/sandbox/adversary-file-race.test.ts).
  test('a link below the workspace is never followed, whether it stays inside or leads out deep down', () => {
    const root = defaultOrg();
    const outside = tempDir();
    write(root, 'agents/coder_01/workspace/docs/real/plan.md', 'the plan');
    symlinkSync(join(root, 'agents/coder_01/workspace/docs/real'), join(root, 'agents/coder_01/workspace/docs/alias'));
    mkdirSync(join(root, 'agents/coder_01/workspace/a/b'), { recursive: true });
    symlinkSync(outside, join(root, 'agents/coder_01/workspace/a/b/c'));
    const context = contextFor(root, 'coder_01');
    expect(runBuiltinTool('read_file', { path: 'docs/alias/plan.md' }, context).result).toEqual({ isError: true, content: 'docs/alias is a symbolic link; lemming follows no link in a workspace' });
    expect(runBuiltinTool('read_file', { path: 'docs/real/plan.md' }, context).result).toEqual({ isError: false, content: 'the plan' });
    const deep = runBuiltinTool('write_file', { path: 'a/b/c/d/new.txt', content: 'x' }, context).result;
    expect(deep).toMatchObject({ isError: true, content: expect.stringContaining('symbolic link') });
    expect(readdirSync(outside)).toEqual([]);
  });

  test('a symbolic link that leads out of the workspace is refused, for reading and for writing beneath it', () => {
    const root = defaultOrg();
    const outside = tempDir();
    write(outside, 'secret.txt', 'top secret');
    mkdirSync(join(root, 'agents/coder_01/workspace'), { recursive: true });
    symlinkSync(outside, join(root, 'agents/coder_01/workspace/out'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'agents/coder_01/workspace/secret.txt'));
    const context = contextFor(root, 'coder_01');
    const viaFolder = runBuiltinTool('read_file', { path: 'out/secret.txt' }, context).result;
    expect(viaFolder).toMatchObject({ isError: true, content: expect.stringContaining('symbolic link') });
    const viaFile = runBuiltinTool('read_file', { path: 'secret.txt' }, context).result;
    expect(viaFile.isError).toBe(true);
    expect(viaFile.content).not.toContain('top secret');
    const writeThrough = runBuiltinTool('write_file', { path: 'out/new.txt', content: 'x' }, context).result;
    expect(writeThrough.isError).toBe(true);
    expect(existsSync(join(outside, 'new.txt'))).toBe(false);
    // A listing does not follow the links either: it names them as links, with no size of what they point at.
    const listing = runBuiltinTool('list_files', {}, context).result.content;
    expect(listing).toContain('secret.txt (a symbolic link, not followed)');
    expect(listing).toContain('out (a symbolic link, not followed)');
    expect(listing).not.toMatch(/secret\.txt \(\d+ bytes\)/);
  });

  test('a device file or a pipe is refused without blocking', () => {
    const root = defaultOrg();
    mkdirSync(join(root, 'agents/coder_01/workspace'), { recursive: true });
    execFileSync('mkfifo', [join(root, 'agents/coder_01/workspace/pipe')]);
    const context = contextFor(root, 'coder_01');
    expect(runBuiltinTool('read_file', { path: 'pipe' }, context).result).toMatchObject({ isError: true, content: expect.stringContaining('not a regular file') });
    expect(runBuiltinTool('write_file', { path: 'pipe', content: 'x' }, context).result).toMatchObject({ isError: true });
  });
});

describe('file tools', () => {
  test('write_file writes atomically (no temporary file left), read_file reads it back, list and search find it', () => {
    const root = defaultOrg();
    const context = contextFor(root, 'coder_01');
    const written = runBuiltinTool('write_file', { path: 'src/hello.ts', content: 'export const hello = "world";\n' }, context);
    expect(written.result).toEqual({ isError: false, content: 'wrote 30 bytes to src/hello.ts' });
    expect(written.written).toEqual({ path: 'agents/coder_01/workspace/src/hello.ts', bytes: 30 });
    expect(read(root, 'agents/coder_01/workspace/src/hello.ts')).toBe('export const hello = "world";\n');
    expect(readdirSync(join(root, 'agents/coder_01/workspace/src'))).toEqual(['hello.ts']);
    expect(runBuiltinTool('read_file', { path: 'src/hello.ts' }, context).result.content).toBe('export const hello = "world";\n');
    expect(runBuiltinTool('list_files', { path: '.' }, context).result.content).toBe('src/\nsrc/hello.ts (30 bytes)');
    expect(runBuiltinTool('search_files', { query: 'HELLO' }, context).result.content).toBe('src/hello.ts:1: export const hello = "world";');
    expect(runBuiltinTool('read_file', { path: 'missing.md' }, context).result).toMatchObject({ isError: true, content: expect.stringContaining('does not exist') });
  });

  test("lemming's temporary names are not the model's: write_file refuses them, listings and searches skip them; the model's own .tmp files are its files", () => {
    const root = defaultOrg();
    const context = contextFor(root, 'coder_01');
    const refused = runBuiltinTool('write_file', { path: 'notes/.plan.md.lemming-4242-7.tmp', content: 'x' }, context).result;
    expect(refused).toEqual({ isError: true, content: "notes/.plan.md.lemming-4242-7.tmp: names shaped like .<name>.lemming-<pid>-<thread>-<n>.tmp are lemming's own temporary files; choose another name" });
    expect(existsSync(join(root, 'agents/coder_01/workspace/notes'))).toBe(false);
    for (const name of ['build.tmp', '.cache.tmp', '.plan.md.1234.5.tmp']) {
      expect(runBuiltinTool('write_file', { path: `notes/${name}`, content: 'find me' }, context).result.isError, name).toBe(false);
    }
    write(root, 'agents/coder_01/workspace/notes/.plan.md.lemming-4242-7.tmp', 'find me, half-written');
    expect(runBuiltinTool('list_files', { path: 'notes' }, context).result.content).toBe(
      'notes/.cache.tmp (7 bytes)\nnotes/.plan.md.1234.5.tmp (7 bytes)\nnotes/build.tmp (7 bytes)',
    );
    expect(runBuiltinTool('search_files', { query: 'find me' }, context).result.content).not.toContain('lemming-4242');
  });

  test('the shared workspace is readable by all and writable only with shared_workspace: write', () => {
    const root = defaultOrg();
    write(root, 'agents/planner/resume.md', '---\ntitle: Planner\nmodel: offline\ncredits: 1\nshared_workspace: write\ntools: [send_message, write_file]\n---\nPlan.\n');
    expect(runBuiltinTool('write_file', { path: 'shared/plan.md', content: '# Plan' }, contextFor(root, 'planner')).result.isError).toBe(false);
    expect(read(root, 'workspace/plan.md')).toBe('# Plan');
    const coder = contextFor(root, 'coder_01');
    expect(runBuiltinTool('read_file', { path: 'shared/plan.md' }, coder).result.content).toBe('# Plan');
    expect(runBuiltinTool('write_file', { path: 'shared/plan.md', content: 'mine now' }, coder).result.isError).toBe(true);
    expect(read(root, 'workspace/plan.md')).toBe('# Plan');
  });

  test('read_file reads a range of lines, and a file past the read cap says which lines it showed and how to read on', () => {
    const root = defaultOrg();
    const context = contextFor(root, 'coder_01');
    const lines = Array.from({ length: 30_000 }, (_, index) => `line ${index + 1}`);
    write(root, 'agents/coder_01/workspace/long.txt', `${lines.join('\n')}\n`);
    const whole = runBuiltinTool('read_file', { path: 'long.txt' }, context).result.content;
    const shownLines = whole.slice(0, whole.lastIndexOf('[lemming:')).split('\n').length - 1;
    expect(whole).toContain(`only lines 1-${shownLines} are shown (a read shows at most ${FILE_LIMITS.readBytes} bytes); read on with read_file {"path":"long.txt","start_line":${shownLines + 1}}]`);
    const range = runBuiltinTool('read_file', { path: 'long.txt', start_line: 120, end_line: 122 }, context).result;
    expect(range).toEqual({ isError: false, content: 'line 120\nline 121\nline 122\n[lemming: lines 120-122 of 30000 of long.txt]' });
    const onward = runBuiltinTool('read_file', { path: 'long.txt', start_line: 29_999 }, context).result.content;
    expect(onward).toBe('line 29999\nline 30000\n[lemming: lines 29999-30000 of 30000 of long.txt]');
    expect(runBuiltinTool('read_file', { path: 'long.txt', start_line: 40_000 }, context).result.content).toBe('[lemming: long.txt has 30000 line(s); there is no line 40000]');
    expect(runBuiltinTool('read_file', { path: 'long.txt', start_line: 0 }, context).result).toMatchObject({ isError: true, content: expect.stringContaining('start_line: expected a line number of 1 or more') });
    expect(runBuiltinTool('read_file', { path: 'long.txt', start_line: 9, end_line: 3 }, context).result).toMatchObject({ isError: true, content: 'end_line 3 is before start_line 9' });
  });

  test('sizes and listing lengths are capped and the result says so', () => {
    const root = defaultOrg();
    const context = contextFor(root, 'coder_01');
    write(root, 'agents/coder_01/workspace/big.txt', 'x'.repeat(FILE_LIMITS.readBytes + 10));
    const big = runBuiltinTool('read_file', { path: 'big.txt' }, context).result.content;
    expect(big).toContain(`only the first ${FILE_LIMITS.readBytes} are shown`);
    expect(big.length).toBeLessThan(FILE_LIMITS.readBytes + 200);
    const tooLarge = runBuiltinTool('write_file', { path: 'huge.txt', content: 'y'.repeat(FILE_LIMITS.writeChars + 1) }, context).result;
    expect(tooLarge).toMatchObject({ isError: true, content: expect.stringContaining('capped') });
    expect(existsSync(join(root, 'agents/coder_01/workspace/huge.txt'))).toBe(false);
    for (let index = 0; index < FILE_LIMITS.listEntries + 5; index += 1) write(root, `agents/coder_01/workspace/many/f${String(index).padStart(3, '0')}.txt`, 'match me');
    const listing = runBuiltinTool('list_files', { path: 'many' }, context).result.content.split('\n');
    expect(listing).toHaveLength(FILE_LIMITS.listEntries + 1);
    expect(listing.at(-1)).toContain(`capped at ${FILE_LIMITS.listEntries}`);
    const search = runBuiltinTool('search_files', { query: 'match', path: 'many' }, context).result.content.split('\n');
    expect(search).toHaveLength(FILE_LIMITS.searchMatches + 1);
    expect(search.at(-1)).toContain(`at most ${FILE_LIMITS.searchMatches}`);
  });
});

describe('message tools', () => {
  test('read_message shows a message to its recipient in full and refuses anyone else', () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Write the release notes, all of them.', 'Notes');
    const id = '000000-human-001';
    expect(runBuiltinTool('read_message', { id }, contextFor(root, 'manager')).result.content).toContain('Write the release notes, all of them.');
    expect(runBuiltinTool('read_message', { id }, contextFor(root, 'coder_01')).result).toMatchObject({ isError: true, content: '000000-human-001 was not delivered to you' });
    expect(runBuiltinTool('read_message', { id: '../../etc' }, contextFor(root, 'manager')).result.isError).toBe(true);
  });

  test('list_agents says who is there and whom the caller may write to', () => {
    const root = defaultOrg();
    const listing = runBuiltinTool('list_agents', {}, contextFor(root, 'coder_01')).result.content;
    expect(listing).toContain('- coder_01: Software engineer: writes and tests code, reports to planner (you)');
    expect(listing).toContain('- planner: Planner: breaks work into tasks, reports to manager (you may write to them)');
    expect(listing).toMatch(/- manager: Engineering manager, reports to human\n/);
  });
});
