import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Problem } from '../errors.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { readRegularFile } from '../mailbox/read-regular-file.js';
import { CHART_FILE, isValidAgentName, ORG_FILE } from './names.js';
import type { Org } from './org.js';
import { registerOrgSecrets } from './org-secrets.js';
import { knownStoredText, restoreOrg, storedOrgText, type StoredOrg } from './stored-org.js';

/** The org as last loaded with no errors, and its warnings, under the stamps of the files it was made of (machine-local). */
export const SETTLED_ORG_FILE = 'org/state/cache/settled-org.json';

/** How the loader knows a file has not changed: its mtime (to the fraction of a millisecond) and its size. */
export function fileStamp(stat: { mtimeMs: number; size: number }): string {
  return `${stat.mtimeMs}:${stat.size}`;
}

/** The folders under `agents/`: agents (valid names, sorted) and folders ignored for their names; undefined when there is no `agents/`. */
export function agentFolders(root: string): { names: string[]; ignored: string[] } | undefined {
  let entries;
  try {
    entries = readdirSync(join(root, 'agents'), { withFileTypes: true });
  } catch {
    return undefined;
  }
  const names: string[] = [];
  const ignored: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    (isValidAgentName(entry.name) ? names : ignored).push(entry.name);
  }
  return { names: names.sort(), ignored: ignored.sort() };
}

/**
 * One key for every input of a load: each org file's path and stamp (org.yaml, the chart, then
 * each agent's resume in name order, as OrgLoader reads them) and each folder ignored for its name. The same key means
 * the same files, so the same org and the same warnings.
 */
export function settledKey(stamps: Iterable<[string, string]>, ignored: readonly string[]): string {
  // The shape of a kept org goes into its key (2: engine.sandbox, web, command tools; 3: engine.changes; 4: every field of the org, agents by column): an older one is not used.
  const lines: string[] = ['org shape 4\n'];
  for (const [file, stamp] of stamps) lines.push(file, '\t', stamp, '\n');
  for (const name of ignored) lines.push('ignored\t', name, '\n');
  // One update with the whole text: 10,000 small ones cost more than the hashing.
  return createHash('sha256').update(lines.join('')).digest('hex');
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

function stampOf(path: string): string | undefined {
  try {
    const stat = statSync(path, { throwIfNoEntry: false });
    return stat ? fileStamp(stat) : undefined;
  } catch {
    return undefined;
  }
}

/** Bumped when the kept org's shape changes, so a file an older lemming wrote is not taken for this one's (2: engine.shutdown_seconds, ready_turn_seconds; 3: engine.changes; 4: every field of the org, its agents by column). */
const FORMAT = 4;
const head = (key: string): string => `{"format":${FORMAT},"key":${JSON.stringify(key)},`;

/** Whether the kept org's file begins with `text`: only that many bytes are read, not the whole org (3 MB at 10,000 agents). */
function keptUnder(path: string, text: string): boolean {
  const start = readRegularFile(path, Buffer.byteLength(text));
  return 'text' in start && start.text === text;
}

/**
 * Keep the org a load settled with no errors, under the key of its files. Written only when the
 * key changed: an edit, a new agent. A read-only org simply goes without.
 */
export function saveSettledOrg(root: string, key: string, org: Org, problems: readonly Problem[]): void {
  const path = join(root, SETTLED_ORG_FILE);
  if (keptUnder(path, head(key))) return;
  try {
    writeFileAtomic(path, `${head(key)}"problems":${JSON.stringify(problems)},"org":${storedOrgText(org)}}\n`);
  } catch {
    // Only a command that reads goes slower without it.
  }
}

/**
 * The org and its warnings as the last error-free load settled them, when every file it was made
 * of is as it was then (each one `stat`ed now, so a hand edit shows at once); otherwise undefined.
 * A command that only reads takes the org from here rather than parse, check and assemble it again.
 */
export function readSettledOrg(root: string): { org: Org; problems: Problem[] } | undefined {
  const folders = agentFolders(root);
  const stamps = folders && currentStamps(root, folders.names);
  return folders && stamps ? readSettledOrgUnder(root, settledKey(stamps, folders.ignored)) : undefined;
}

/** The org kept under `key` (settledKey of the files as they are now), or undefined when it was kept under another or none. */
export function readSettledOrgUnder(root: string, key: string): { org: Org; problems: Problem[] } | undefined {
  const path = join(root, SETTLED_ORG_FILE);
  // Kept under other stamps (an edit since): the whole file is not read for nothing.
  if (!keptUnder(path, head(key))) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  if (!text.startsWith(head(key))) return undefined;
  try {
    const data = JSON.parse(text) as { problems: Problem[]; org: StoredOrg };
    const org = restoreOrg(data.org, root);
    // The org's own text, as saveSettledOrg wrote it: the planned org of the next turn keeps the same (planned-org.ts).
    const start = head(key).length + `"problems":${JSON.stringify(data.problems)},"org":`.length;
    knownStoredText(org, text.slice(start, text.length - 2));
    registerOrgSecrets(org);
    return { org, problems: data.problems };
  } catch {
    return undefined;
  }
}
