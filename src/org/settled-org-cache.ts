import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Problem } from '../errors.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { listedFolders } from '../storage/look-ahead-thread.js';
import { readRegularFile } from '../storage/read-regular-file.js';
import { trustworthyTime } from '../mailbox/outbox-scan.js';
import { CHART_FILE, isValidAgentName, ORG_FILE } from './names.js';
import type { Org } from './org.js';
import { registerOrgSecrets } from './org-secrets.js';
import { knownStoredText, restoreOrg, storedOrgText, type StoredOrg } from './stored-org.js';
import type { OrgMemorySettings } from './schema.js';
import { readOwnCache, readSavedJson } from '../storage/read-own-file.js';

/** The org as last loaded with no errors, and its warnings, under the stamps of the files it was made of (machine-local). */
export const SETTLED_ORG_FILE = 'org/state/cache/settled-org.json';

/** How the loader knows a file has not changed: its mtime (to the fraction of a millisecond) and its size. */
export function fileStamp(stat: { mtimeMs: number; size: number }): string {
  return `${stat.mtimeMs}:${stat.size}`;
}

/** The folders under `agents/`: agents (valid names, sorted) and folders ignored for their names; undefined when there is no `agents/`. */
export function agentFolders(root: string): { names: string[]; ignored: string[] } | undefined {
  let listed: string[];
  try {
    listed = listedFolders({ readdirSync }, join(root, 'agents'));
  } catch {
    return undefined;
  }
  return agentFoldersOf(listed);
}

/** The folders of a listing of `agents/` (listedFolders, sorted) as agentFolders gives them: agents and folders ignored for their names, each sorted. */
export function agentFoldersOf(listed: readonly string[]): { names: string[]; ignored: string[] } {
  const names: string[] = [];
  const ignored: string[] = [];
  for (const name of listed) (isValidAgentName(name) ? names : ignored).push(name);
  return { names, ignored };
}

/**
 * One key for every input of a load: each org file's path and stamp (org.yaml, the chart, then
 * each agent's resume in name order, as OrgLoader reads them) and each folder ignored for its name. The same key means
 * the same files, so the same org and the same warnings.
 */
export function settledKey(stamps: ReadonlyMap<string, string>, ignored: readonly string[]): string {
  // The shape of a kept org goes into its key (2: engine.sandbox, web, command tools; 3: engine.changes; 4: every field of the org, agents by column): an older one is not used.
  const hash = createHash('sha256');
  // A few thousand lines an update: one a line costs more than the hashing, and one text of them all
  // (5 MB at 100,000 agents) twice the time of these.
  let chunk = 'org shape 4\n';
  let lines = 0;
  const add = (line: string): void => {
    chunk += line;
    lines += 1;
    if (lines < 2_048) return;
    hash.update(chunk);
    chunk = '';
    lines = 0;
  };
  // forEach, not for…of: no pair made per file.
  stamps.forEach((stamp, file) => add(`${file}\t${stamp}\n`));
  for (const name of ignored) add(`ignored\t${name}\n`);
  return hash.update(chunk).digest('hex');
}

/**
 * The stamp of each file a load is made of, as it is now (org.yaml, the chart, then each agent's
 * resume in name order): a `stat` each, nothing read. Undefined when one is missing (a load will say which).
 */
export function currentStamps(root: string, names: readonly string[]): Map<string, string> | undefined {
  const stamps = new Map<string, string>();
  // Joined once: path.join's normalising, 10,000 times, cost a tenth of the stats themselves.
  const base = resolve(root);
  for (const file of [ORG_FILE, CHART_FILE]) {
    const stamp = stampOf(`${base}/${file}`);
    if (stamp === undefined) return undefined;
    stamps.set(file, stamp);
  }
  for (const name of names) {
    const file = `agents/${name}/resume.md`;
    const stamp = stampOf(`${base}/${file}`);
    if (stamp === undefined) return undefined;
    stamps.set(file, stamp);
  }
  return stamps;
}

/** A file's stamp (its time and size, fileStamp), or undefined when it cannot be stat'ed. */
export function stampOf(path: string): string | undefined {
  try {
    const stat = statSync(path, { throwIfNoEntry: false });
    return stat ? fileStamp(stat) : undefined;
  } catch {
    return undefined;
  }
}

/** Bumped when the kept org's shape changes, so a file an older lemming wrote is not taken for this one's (2: engine.shutdown_seconds, ready_turn_seconds; 3: engine.changes; 4: every field of the org, its agents by column; 5: the quick key and the ignored folders; 6: shorter columns; 7: the stamps beside it as two lists; 8: org.yaml's `memory:`, which a resume edited since is read over). */
const FORMAT = 8;
const head = (key: string): string => `{"format":${FORMAT},"key":${JSON.stringify(key)},`;

/** Each resume's stamp when the org was kept, for a loader that took the org by its quick key (machine-local). */
export const SETTLED_STAMPS_FILE = 'org/state/cache/settled-stamps.json';

/**
 * How old, by this machine's clock, the time of `agents/` must be for a listing made under it to
 * be kept. A file system stamps times from a clock that ticks coarsely (a few milliseconds on
 * Linux): a folder changed in the tick of the stat could change again in that tick after the
 * listing and keep its time. A time this old cannot be stamped again.
 */
export const SETTLED_FOLDER_MS = 1_000;

/** Whether a folder's mtime can say its listing is unchanged: it has a part below the second, and is too old to be stamped again. */
export function settledFolderTime(mtimeMs: number): boolean {
  return trustworthyTime(mtimeMs) && Date.now() - mtimeMs >= SETTLED_FOLDER_MS;
}

/**
 * The quick key of an org: org.yaml's and the chart's stamps and the time of `agents/` (which any
 * agent folder made, removed or renamed moves), three `stat`s; undefined when one is missing or
 * the folder's time cannot be trusted. A resume's own edit does not change it: an org taken by
 * this key has its resumes looked at by the engine's first turn (see readSettledOrgQuick).
 */
export function quickKey(root: string): { key: string; agentsMtimeMs: number } | undefined {
  const base = resolve(root);
  const orgStamp = stampOf(`${base}/${ORG_FILE}`);
  const chartStamp = stampOf(`${base}/${CHART_FILE}`);
  let agents;
  try {
    agents = statSync(`${base}/agents`, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
  if (orgStamp === undefined || chartStamp === undefined || !agents?.isDirectory() || !settledFolderTime(agents.mtimeMs)) return undefined;
  const key = createHash('sha256').update(`quick shape 1\n${orgStamp}\n${chartStamp}\n${agents.mtimeMs}\n`).digest('hex');
  return { key, agentsMtimeMs: agents.mtimeMs };
}

/**
 * Whether an org is kept at all, by this lemming's format: one small read. An org never loaded
 * (written by hand or by a program, cloned, its cache removed) has none, and its files are not
 * `stat`ed for a key nothing is kept under (100,000 resumes: some 0.5 s a pass).
 */
export function settledOrgKept(root: string): boolean {
  return keptUnder(join(root, SETTLED_ORG_FILE), `{"format":${FORMAT},"key":`);
}

/** Whether the kept org's file begins with `text`: only that many bytes are read, not the whole org (3 MB at 10,000 agents). */
function keptUnder(path: string, text: string): boolean {
  const start = readRegularFile(path, Buffer.byteLength(text));
  return 'text' in start && start.text === text;
}

/** An org big enough to be taken by its quick key: one the engine does not look at whole every turn (engine.changes.scan_per_turn). */
function bigOrg(org: Org): boolean {
  return org.agents.size > org.settings.changes.scan_per_turn;
}

/**
 * Keep the org a load settled with no errors, under the key of its files (`stamps`, each file's
 * stamp), and for a big org under its quick key too, with each resume's stamp beside it. Written
 * only when a key changed: an edit, a new agent. A read-only org simply goes without.
 */
export function saveSettledOrg(
  root: string,
  key: string,
  org: Org,
  problems: readonly Problem[],
  stamps: ReadonlyMap<string, string>,
  ignored: readonly string[],
  orgMemory: OrgMemorySettings | undefined,
): void {
  const path = join(root, SETTLED_ORG_FILE);
  const quick = bigOrg(org) ? (quickKey(root)?.key ?? '') : '';
  const start = `${head(key)}"quick":${JSON.stringify(quick)},`;
  if (keptUnder(path, start)) return;
  try {
    // The stamps first: an org file under a quick key always has its stamps beside it.
    // Files and stamps as two lists: read back at an engine's first turn, 100,000 keys of a record took twice as long.
    if (quick !== '') writeFileAtomic(join(root, SETTLED_STAMPS_FILE), `{"key":${JSON.stringify(key)},"files":${JSON.stringify([...stamps.keys()])},"stamps":${JSON.stringify([...stamps.values()])}}\n`);
    writeFileAtomic(path, `${start}"ignored":${JSON.stringify(ignored)},"problems":${JSON.stringify(problems)},"memory":${JSON.stringify(orgMemory ?? null)},"org":${storedOrgText(org)}}\n`);
  } catch {
    // Only a command that reads goes slower without it.
  }
}

/** The kept org as its file holds it. */
export interface Kept {
  org: Org;
  problems: Problem[];
  ignored: string[];
  /** org.yaml's `memory:` as the org was settled with it (an agent's own `memory:` is read over it); null: not known. */
  memory: OrgMemorySettings | null;
}

/** Read the kept org's file when it begins with `start`, or undefined. */
function readKept(root: string, start: string): Kept | undefined {
  const path = join(root, SETTLED_ORG_FILE);
  // Kept under other stamps (an edit since): the whole file is not read for nothing.
  if (!keptUnder(path, start)) return undefined;
  const text = readOwnCache(path);
  if (text === undefined || !text.startsWith(start)) return undefined;
  try {
    const data = JSON.parse(text) as { key: string; quick: string; ignored: string[]; problems: Problem[]; memory: OrgMemorySettings | null; org: StoredOrg };
    const org = restoreOrg(data.org, root);
    // The org's own text, as saveSettledOrg wrote it: the planned org of the next turn keeps the same (planned-org.ts).
    const prefix = `${head(data.key)}"quick":${JSON.stringify(data.quick)},"ignored":${JSON.stringify(data.ignored)},"problems":${JSON.stringify(data.problems)},"memory":${JSON.stringify(data.memory)},"org":`;
    knownStoredText(org, text.slice(prefix.length, text.length - 2));
    registerOrgSecrets(org);
    return { org, problems: data.problems, ignored: data.ignored, memory: data.memory };
  } catch {
    return undefined;
  }
}

/**
 * The org of a big org (more agents than engine.changes.scan_per_turn) as last settled with no
 * errors, when org.yaml, the chart and the listing of `agents/` are as they were then: three
 * `stat`s and one read, not a `stat` of every resume. A resume edited by hand since is not seen
 * here: the engine's first turn looks at every resume (and settles the org again if one
 * changed), and `lemming status` shows the org as the engine last settled it.
 */
export function readSettledOrgQuick(root: string): (Kept & { key: string; agentsMtimeMs: number }) | undefined {
  const quick = quickKey(root);
  if (!quick) return undefined;
  const start = readRegularFile(join(root, SETTLED_ORG_FILE), 200);
  if (!('text' in start)) return undefined;
  const found = /^\{"format":(\d+),"key":"([0-9a-f]{64})","quick":"([0-9a-f]{64})",/.exec(start.text);
  if (!found || Number(found[1]) !== FORMAT || found[3] !== quick.key) return undefined;
  const key = found[2] as string;
  const kept = readKept(root, `${head(key)}"quick":${JSON.stringify(quick.key)},`);
  return kept && { ...kept, key, agentsMtimeMs: quick.agentsMtimeMs };
}

/**
 * The files the org kept under `key` was made of (org.yaml, the chart, then each resume in name
 * order) and each one's stamp then, as two lists of strings; undefined when they were not kept with it.
 */
export function readSettledStampLists(root: string, key: string): { files: string[]; stamps: string[] } | undefined {
  try {
    const data = readSavedJson<{ key?: unknown; files?: unknown; stamps?: unknown }>(join(root, SETTLED_STAMPS_FILE)) ?? {};
    const { files, stamps } = data;
    if (data.key !== key || !Array.isArray(files) || !Array.isArray(stamps) || files.length !== stamps.length) return undefined;
    for (let index = 0; index < files.length; index += 1) if (typeof files[index] !== 'string' || typeof stamps[index] !== 'string') return undefined;
    return { files: files as string[], stamps: stamps as string[] };
  } catch {
    return undefined;
  }
}

/** Each file's stamp as the org kept under `key` was made of, or undefined when they were not kept with it. */
export function readSettledStamps(root: string, key: string): Map<string, string> | undefined {
  const lists = readSettledStampLists(root, key);
  if (!lists) return undefined;
  const kept = new Map<string, string>();
  for (let index = 0; index < lists.files.length; index += 1) kept.set(lists.files[index] as string, lists.stamps[index] as string);
  return kept;
}

/** The org kept under `key` (settledKey of the files as they are now), or undefined when it was kept under another or none. */
export function readSettledOrgUnder(root: string, key: string): Kept | undefined {
  return readKept(root, head(key));
}
