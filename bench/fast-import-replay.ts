import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST_IMPORT_ARGS } from '../src/history/fast-import.js';
import { gitEnvironment } from '../src/history/git.js';
import { figure, type Figure } from './stats.js';

/**
 * git's side of the history's entries, replayed (issue 76): the last `entries` entries of an org's
 * history given again to `git fast-import` as lemming gives them (a changed file's bytes inline, a file
 * the store holds already by its id, a removal; a checkpoint every `every` entries, as a run's end
 * makes one), into a store that holds only what the entry before them reaches, once for each variant of
 * git's settings, the variants alternated `rounds` times. What it gives: git's CPU an entry (its user and
 * system time, which other work on the machine does not move) and what the pack grew by.
 *
 * A variant is `name` or `name=key=value,key=value` (git settings put after lemming's own, so they win):
 * `level0=pack.compression=0`. `--appended-only <regex>`: for the files whose path matches and whose
 * bytes before are the start of their bytes after, git is given only the bytes appended (what a history
 * that stores a growing record as the parts each turn appended would give it: the entry is then not
 * readable, it is a measure only).
 *
 *   node dist-bench/bench/fast-import-replay.js <org root> [--entries 20] [--skip 0] [--every 4] [--rounds 4] [--appended-only 'logs/activity\.jsonl$'] [variant ...]
 */

/** fast-import as lemming runs it (src/history/fast-import.ts): its settings, then the command, the variant's settings between them. */
const COMMAND_AT = FAST_IMPORT_ARGS.indexOf('fast-import');
const IMPORT = FAST_IMPORT_ARGS.slice(0, COMMAND_AT);
const IMPORT_COMMAND = FAST_IMPORT_ARGS.slice(COMMAND_AT);

interface Variant {
  name: string;
  settings: string[];
}

interface Options {
  root: string;
  entries: number;
  every: number;
  rounds: number;
  appendedOnly: RegExp | undefined;
  /** Entries left out at the end: the replay's are the `entries` before them (an early window of a long history). */
  skip: number;
  variants: Variant[];
}

/** One record of `git diff-tree -r -z`: the file's mode and blob before and after, and its path. */
interface TreeChange {
  oldBlob: string;
  newMode: string;
  newBlob: string;
  status: string;
  path: string;
}

const ZERO = /^0+$/;

function parseOptions(args: string[]): Options {
  const root = args[0];
  if (root === undefined || root.startsWith('--')) throw new Error('usage: fast-import-replay <org root> [--entries N] [--skip N] [--every N] [--rounds N] [--appended-only regex] [variant ...]');
  const options: Options = { root, entries: 20, every: 4, rounds: 4, skip: 0, appendedOnly: undefined, variants: [] };
  for (let index = 1; index < args.length; index += 1) {
    const arg = args[index] as string;
    const value = args[index + 1];
    if (arg === '--skip') {
      const number = Number(value);
      if (!Number.isInteger(number) || number < 0) throw new Error('--skip takes a whole number from 0');
      options.skip = number;
      index += 1;
    } else if (arg === '--entries' || arg === '--every' || arg === '--rounds') {
      const number = Number(value);
      if (!Number.isInteger(number) || number < 1) throw new Error(`${arg} takes a whole number from 1`);
      options[arg.slice(2) as 'entries' | 'every' | 'rounds'] = number;
      index += 1;
    } else if (arg === '--appended-only') {
      options.appendedOnly = new RegExp(value ?? '');
      index += 1;
    } else {
      const [name = '', settings = ''] = arg.split(/=(.*)/s);
      options.variants.push({ name, settings: settings === '' ? [] : settings.split(',').flatMap((setting) => ['-c', setting]) });
    }
  }
  if (options.variants.length === 0) options.variants.push({ name: 'as lemming', settings: [] });
  return options;
}

function git(gitDir: string, args: string[], input?: Buffer | string): Buffer {
  return execFileSync('git', args, { env: gitEnvironment({ gitDir }), input: input ?? '', maxBuffer: 1024 * 1024 * 1024 });
}

/** The objects named, as `git cat-file --batch` gives them. */
function readObjects(gitDir: string, ids: readonly string[]): Map<string, Buffer> {
  const objects = new Map<string, Buffer>();
  if (ids.length === 0) return objects;
  const output = git(gitDir, ['cat-file', '--batch'], `${ids.join('\n')}\n`);
  let at = 0;
  while (at < output.length) {
    const end = output.indexOf(10, at);
    const [id = '', , size = '0'] = output.subarray(at, end).toString('utf8').split(' ');
    const bytes = Number(size);
    objects.set(id, output.subarray(end + 1, end + 1 + bytes));
    at = end + 1 + bytes + 1;
  }
  return objects;
}

function treeChanges(gitDir: string, parent: string, commit: string): TreeChange[] {
  const fields = git(gitDir, ['diff-tree', '-r', '-z', '--no-renames', '--no-commit-id', parent, commit]).toString('utf8').split('\0');
  const changes: TreeChange[] = [];
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const [, newMode = '', oldBlob = '', newBlob = '', status = ''] = (fields[index] as string).slice(1).split(' ');
    changes.push({ oldBlob, newMode, newBlob, status, path: fields[index + 1] as string });
  }
  return changes;
}

/**
 * The fast-import stream of `commits` (each the child of the one before, the first a child of `base`):
 * each commit's message and times as the history has them, its changes as lemming gives them.
 */
function replayStream(gitDir: string, base: string, commits: readonly string[], every: number, appendedOnly: RegExp | undefined): { stream: Buffer; bytes: number; files: number } {
  const parents = [base, ...commits];
  const changes = commits.map((commit, index) => treeChanges(gitDir, parents[index] as string, commit));
  const wanted = new Set<string>(commits);
  for (const list of changes) for (const change of list) if (!ZERO.test(change.newBlob)) wanted.add(change.newBlob);
  if (appendedOnly) for (const list of changes) for (const change of list) if (appendedOnly.test(change.path) && !ZERO.test(change.oldBlob)) wanted.add(change.oldBlob);
  const objects = readObjects(gitDir, [...wanted]);
  // What the store before holds, and what the stream gave already: named by id, as lemming names a record's piece moved whole.
  const reachable = new Set(git(gitDir, ['rev-list', '--objects', base]).toString('utf8').split('\n').map((line) => line.slice(0, 40)));
  const given = new Set<string>();
  const parts: Buffer[] = [];
  let bytes = 0;
  let files = 0;
  commits.forEach((commit, index) => {
    const raw = objects.get(commit)?.toString('utf8') ?? '';
    const split = raw.indexOf('\n\n');
    const header = raw.slice(0, split).split('\n');
    const message = Buffer.from(raw.slice(split + 2), 'utf8');
    const who = (kind: string): string => header.find((line) => line.startsWith(`${kind} `)) ?? `${kind} lemming <lemming@localhost> 0 +0000`;
    parts.push(Buffer.from(`commit refs/heads/main\nmark :${index + 1}\n${who('author')}\n${who('committer')}\ndata ${message.length}\n`), message, Buffer.from(`\nfrom ${index === 0 ? base : `:${index}`}\n`));
    for (const change of changes[index] ?? []) {
      if (change.status === 'D') {
        parts.push(Buffer.from(`D ${change.path}\n`));
        continue;
      }
      if (reachable.has(change.newBlob) || given.has(change.newBlob)) {
        parts.push(Buffer.from(`M ${change.newMode} ${change.newBlob} ${change.path}\n`));
        continue;
      }
      let data = objects.get(change.newBlob) ?? Buffer.alloc(0);
      const before = appendedOnly?.test(change.path) ? objects.get(change.oldBlob) : undefined;
      if (before && before.length <= data.length && data.subarray(0, before.length).equals(before)) data = data.subarray(before.length);
      else given.add(change.newBlob);
      parts.push(Buffer.from(`M ${change.newMode} inline ${change.path}\ndata ${data.length}\n`), data, Buffer.from('\n'));
      bytes += data.length;
      files += 1;
    }
    if ((index + 1) % every === 0) parts.push(Buffer.from('checkpoint\n'));
  });
  parts.push(Buffer.from('done\n'));
  return { stream: Buffer.concat(parts), bytes, files };
}

/** The CPU of this process's children it has waited for, in ms (Linux: /proc; 10 ms ticks). */
function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8');
  const after = fields.slice(fields.lastIndexOf(')') + 2).split(' ');
  return (Number(after[13]) + Number(after[14])) * 10;
}

function packBytes(gitDir: string): number {
  const folder = join(gitDir, 'objects', 'pack');
  return readdirSync(folder).reduce((sum, name) => sum + statSync(join(folder, name)).size, 0);
}

/** A store holding only what `base` reaches, in one pack (what git looks new objects up in). */
function storeAt(source: string, base: string, into: string): void {
  git(into, ['init', '--quiet', '--bare', '--initial-branch=main']);
  const pack = git(source, ['pack-objects', '--revs', '--stdout', '-q'], `${base}\n`);
  git(into, ['index-pack', '--stdin'], pack);
  git(into, ['update-ref', 'refs/heads/main', base]);
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const gitDir = join(options.root, 'org', 'state', 'history.git');
  const history = git(gitDir, ['rev-list', '--first-parent', '--reverse', 'main']).toString('utf8').trim().split('\n');
  if (history.length < options.skip + options.entries + 1) throw new Error(`${gitDir}: ${history.length} entries, fewer than --skip ${options.skip}, --entries ${options.entries} and the one before them`);
  const end = history.length - options.skip;
  const commits = history.slice(end - options.entries, end);
  const base = history[end - options.entries - 1] as string;
  const { stream, bytes, files } = replayStream(gitDir, base, commits, options.every, options.appendedOnly);
  const scratch = mkdtempSync(join(process.env.LEMMING_BENCH_DIR ?? tmpdir(), 'lemming-replay-'));
  try {
    const template = join(scratch, 'template.git');
    storeAt(gitDir, base, template);
    const before = packBytes(template);
    const cpu = new Map<string, number[]>(options.variants.map((variant) => [variant.name, []]));
    const grown = new Map<string, number>();
    for (let round = 0; round < options.rounds; round += 1) {
      for (const variant of options.variants) {
        const store = join(scratch, 'replay.git');
        cpSync(template, store, { recursive: true });
        const start = childrenCpuMs();
        const result = spawnSync('git', [...IMPORT, ...variant.settings, ...IMPORT_COMMAND], { env: gitEnvironment({ gitDir: store }), input: stream, maxBuffer: 64 * 1024 * 1024 });
        if (result.status !== 0) throw new Error(`git fast-import (${variant.name}): ${result.stderr.toString('utf8').trim()}`);
        cpu.get(variant.name)?.push((childrenCpuMs() - start) / options.entries);
        grown.set(variant.name, packBytes(store) - before);
        rmSync(store, { recursive: true, force: true });
      }
    }
    process.stdout.write(`${options.entries} entries of ${options.root} (${files} files, ${(bytes / 1e6).toFixed(2)} MB given inline), ${options.rounds} rounds alternated${options.appendedOnly ? `, appended bytes only for ${options.appendedOnly.source}` : ''}\n`);
    for (const variant of options.variants) {
      const ms: Figure = figure(cpu.get(variant.name) ?? []);
      process.stdout.write(`  ${variant.name}: git's CPU ${ms.median.toFixed(1)} ms an entry (${ms.min.toFixed(1)} to ${ms.max.toFixed(1)}), the pack grew ${((grown.get(variant.name) ?? 0) / 1e6).toFixed(1)} MB\n`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
