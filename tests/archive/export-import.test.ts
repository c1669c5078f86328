import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { list } from 'tar';
import { describe, expect, test } from 'vitest';
import { exportOrg } from '../../src/archive/export-org.js';
import { importOrg } from '../../src/archive/import-org.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { orgStatus } from '../../src/engine/human/org-status.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { charges, messageFiles } from '../helpers/org-snapshot.js';
import { defaultFaultOrg, eventsOf, humanSends, runOrg, writeFile } from '../faults/fault-org.js';
import { checkInvariants } from '../faults/invariants.js';
import { scratchDir } from '../faults/scratch.js';

/** What a run delivered and refused, by sender, recipient and file. */
function traffic(events: EngineEvent[]): string[] {
  return [
    ...eventsOf(events, 'message-delivered').map((event) => `delivered ${event.message.from}->${event.message.to} ${event.message.file}`),
    ...eventsOf(events, 'message-refused').map((event) => `refused ${event.from}->${event.to}`),
  ].sort();
}

/** Each agent's balance, as `lemming status` shows it. */
function balances(root: string): Record<string, number | undefined> {
  return Object.fromEntries(orgStatus(loadOrg(root).org).agents.map((agent) => [agent.name, agent.balance]));
}

/** The default org after three tasks from the human, one note refused by the chart among them. */
async function orgWithHistory(): Promise<string> {
  const root = defaultFaultOrg();
  writeFile(root, 'agents/human/outbox/stray.md', '---\nto: coder_01\n---\nStraight to the coder.\n');
  for (let task = 1; task <= 3; task += 1) {
    humanSends(root, 'manager', `Task ${task}: write the release notes, part ${task}.`);
    await runOrg(root);
  }
  return root;
}

async function entriesOf(file: string): Promise<string[]> {
  const paths: string[] = [];
  await list({ file, onReadEntry: (entry) => paths.push(entry.path) });
  return paths;
}

describe('lemming export, then lemming import: the org goes on exactly where it was', () => {
  test('a new task after the move is the only mail delivered, and the org ends as the one never moved: same messages, same charges, same balances', async () => {
    const original = await orgWithHistory();
    // Machine-local files an export leaves behind: a cache (the search index lives there) and a lock left by a dead process.
    writeFile(original, 'org/state/cache/search-index.json', '{}');
    writeFile(original, 'org/state/lock.stale-0000', '{}');
    const archive = join(scratchDir(), 'org.tar.gz');
    // Each file copied and each entry written is told, for the progress line of a long export.
    const told: Array<[string, number, number | undefined]> = [];
    const exported = await exportOrg(original, archive, 'export', { progress: (step, done, total) => void told.push([step, done, total]) });
    expect(exported.manifest.turn).toBeGreaterThan(0);
    expect(told.filter(([step]) => step === "copying the org's files").map(([, done]) => done)).toEqual(Array.from({ length: exported.manifest.files }, (_, index) => index + 1));
    expect(told.filter(([step]) => step === 'writing the archive').at(-1)?.[1]).toBe((await entriesOf(archive)).length);
    const entries = await entriesOf(archive);
    expect(entries[0]).toBe('lemming-export.json');
    expect(entries).toContain('org/state/ledger.jsonl');
    expect(entries).toContain('org/state/taken.jsonl');
    expect(entries).toContain('org/state/engine.json');
    expect(entries.filter((path) => /^org\/state\/(cache|lock|journal)/.test(path))).toEqual([]);

    const moved = join(scratchDir(), 'moved');
    const unpacked: Array<[number, number | undefined]> = [];
    const imported = await importOrg(archive, moved, (_step, done, total) => void unpacked.push([done, total]));
    expect(imported.manifest.turn).toBe(exported.manifest.turn);
    expect(unpacked.at(-1)).toEqual([exported.manifest.files, exported.manifest.files]);
    expect(existsSync(join(moved, 'lemming-export.json'))).toBe(false);
    expect(balances(moved)).toEqual(balances(original));

    humanSends(original, 'manager', 'Fourth task: plan the launch.');
    const expected = await runOrg(original);
    humanSends(moved, 'manager', 'Fourth task: plan the launch.');
    const events = await runOrg(moved);

    expect(traffic(events)).toEqual(traffic(expected));
    expect(eventsOf(events, 'message-refused')).toEqual([]);
    expect(eventsOf(events, 'message-delivered').filter((event) => event.message.from === 'human')).toHaveLength(1);
    expect(messageFiles(moved)).toEqual(messageFiles(original));
    expect(charges(moved)).toEqual(charges(original));
    expect(balances(moved)).toEqual(balances(original));
    expect(checkInvariants(moved, { handDropped: ['agents/human/outbox/stray.md'] })).toEqual([]);
  });

  test('an org a crash left in the middle of a turn is not exported: its next run finishes the turn first', async () => {
    const root = defaultFaultOrg();
    humanSends(root, 'manager', 'A task.');
    await runOrg(root);
    const turn = (JSON.parse(readFileSync(join(root, 'org/state/engine.json'), 'utf8')) as { turn: number }).turn;
    writeFile(root, 'org/state/journal.jsonl', `${JSON.stringify({ type: 'plan', turn: turn + 1, calls: [], discovered: {} })}\n`);
    const archive = join(scratchDir(), 'half.tar.gz');
    await expect(exportOrg(root, archive)).rejects.toThrow(new RegExp(`journal\\.jsonl: turn ${turn + 1} was left unfinished.*lemming run --turns 1`));
    expect(existsSync(archive)).toBe(false);
  });

  test('an archive is never written inside the org it holds', async () => {
    const root = defaultFaultOrg();
    await expect(exportOrg(root, join(root, 'workspace', 'org.tar.gz'))).rejects.toThrow(/inside workspace\/ would be carried by the next export/);
  });
});

describe('lemming import refuses what it must not write', () => {
  test('over an existing org: nothing in it changes', async () => {
    const root = defaultFaultOrg();
    const archive = join(scratchDir(), 'org.tar.gz');
    await exportOrg(root, archive);
    const before = readFileSync(join(root, 'org/org.yaml'), 'utf8');
    await expect(importOrg(archive, root)).rejects.toThrow(/already holds an org \(org\/, agents\/.*import into a new folder/);
    expect(readFileSync(join(root, 'org/org.yaml'), 'utf8')).toBe(before);
  });

  /** An archive made by GNU tar from `folder`, with these names as given (-P keeps `..` and leading `/`). */
  function handMade(folder: string, names: string[]): string {
    const file = join(scratchDir(), 'hand-made.tar.gz');
    execFileSync('tar', ['-czPf', file, '-C', folder, ...names]);
    return file;
  }

  /** A folder that looks like an unpacked export. */
  function exportLike(): string {
    const folder = join(scratchDir(), 'unpacked', 'inner');
    mkdirSync(join(folder, 'org'), { recursive: true });
    writeFileSync(join(folder, 'lemming-export.json'), JSON.stringify({ format: 'lemming-export', version: 1, turn: 0, taken: 'now', by: 'export', files: 1 }));
    writeFileSync(join(folder, 'org', 'org.yaml'), 'name: x\n');
    return folder;
  }

  test('an entry that climbs out with `..` is refused by name, and nothing is written anywhere', async () => {
    const folder = exportLike();
    writeFileSync(join(folder, '..', 'outside.txt'), 'escaped');
    const archive = handMade(folder, ['lemming-export.json', 'org', '../outside.txt']);
    const target = join(scratchDir(), 'target');
    await expect(importOrg(archive, target)).rejects.toThrow(/hand-made\.tar\.gz: its entry "\.\.\/outside\.txt" climbs out of the folder with `\.\.`; nothing was imported/);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(join(target, '..', 'outside.txt'))).toBe(false);
  });

  test('an absolute entry, and a link, are refused by name', async () => {
    const folder = exportLike();
    const absolute = join(scratchDir(), 'absolute.txt');
    writeFileSync(absolute, 'absolute');
    await expect(importOrg(handMade(folder, ['lemming-export.json', 'org', absolute]), join(scratchDir(), 'a'))).rejects.toThrow(
      new RegExp(`its entry "${absolute.replace(/^\//, '/?')}" (is an absolute path|is outside the org's folders)`),
    );
    symlinkSync('/etc/passwd', join(folder, 'org', 'passwd'));
    await expect(importOrg(handMade(folder, ['lemming-export.json', 'org']), join(scratchDir(), 'b'))).rejects.toThrow(/its entry "org\/passwd" is a SymbolicLink, not a file or a folder/);
  });

  test('a sparse file as GNU tar writes one (`tar --sparse`) is refused by name, not left out unsaid', async () => {
    // node-tar skips an entry of a kind it does not know (GNU's sparse files among them) without a word:
    // the import said "imported ... 2 file(s)" and the 10 GB file of the archive was not there.
    const folder = exportLike();
    const workspace = join(folder, 'agents/coder_01/workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'holes.bin'), '');
    truncateSync(join(workspace, 'holes.bin'), 64 * 1024 * 1024);
    appendFileSync(join(workspace, 'holes.bin'), 'end');
    const archive = join(scratchDir(), 'sparse.tar.gz');
    execFileSync('tar', ['-czSf', archive, '-C', folder, 'lemming-export.json', 'org', 'agents']);
    const target = join(scratchDir(), 'sparse');
    await expect(importOrg(archive, target)).rejects.toThrow(/sparse\.tar\.gz: its entry "agents\/coder_01\/workspace\/holes\.bin" is a SparseFile, not a file or a folder; nothing was imported/);
    expect(existsSync(target)).toBe(false);
  });

  test('a chain of folders deeper, or a path longer, than a workspace may hold is refused by name before anything is written', async () => {
    const deep = exportLike();
    const chain = Array.from({ length: 70 }, () => 'd').join('/');
    mkdirSync(join(deep, 'agents/coder_01/workspace', chain), { recursive: true });
    const target = join(scratchDir(), 'deep');
    await expect(importOrg(handMade(deep, ['lemming-export.json', 'org', 'agents']), target)).rejects.toThrow(/its entry "agents\/coder_01\/workspace\/(d\/){65}d?\/?" is nested deeper than a workspace may hold \(64 folders\); nothing was imported/);
    expect(existsSync(target)).toBe(false);
    const long = exportLike();
    mkdirSync(join(long, 'workspace', ...Array.from({ length: 6 }, () => 'l'.repeat(200))), { recursive: true });
    await expect(importOrg(handMade(long, ['lemming-export.json', 'org', 'workspace']), join(scratchDir(), 'long'))).rejects.toThrow(/ has a path longer than a workspace may hold \(1,024 bytes\); nothing was imported/);
  });

  test('a file that is not an archive, and an archive without the manifest, are named and said to be so', async () => {
    const notArchive = join(scratchDir(), 'notes.tar.gz');
    writeFileSync(notArchive, 'just some text');
    await expect(importOrg(notArchive, join(scratchDir(), 'c'))).rejects.toThrow(/notes\.tar\.gz: is not a whole gzip-compressed tar archive/);
    const folder = exportLike();
    await expect(importOrg(handMade(folder, ['org']), join(scratchDir(), 'd'))).rejects.toThrow(/hand-made\.tar\.gz: has no lemming-export\.json, so it was not written by `lemming export`/);
    const cut = join(scratchDir(), 'cut.tar.gz');
    const whole = readFileSync(handMade(folder, ['lemming-export.json', 'org']));
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    await expect(importOrg(cut, join(scratchDir(), 'e'))).rejects.toThrow(/cut\.tar\.gz: is not a whole gzip-compressed tar archive/);
  });
});
