import { lstatSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Problem } from '../errors.js';
import { forgetAtNextCommand } from '../invocation.js';
import { realRootPrefix, whereOutside } from '../storage/inside-root.js';
import { leadsOutError, leadsOutReason } from '../storage/storage-error.js';

/*
 * The folders lemming keeps an agent's own files in, `agents/<name>/` and below: its outbox, its
 * notes and memory stream (with the stream's vectors and recalls), its logs and call traces. A person
 * may make one a symbolic link, and one that stays inside the org is the org's own business; one that
 * leads out of it would have lemming write what an agent wrote (a note under a name it chose, its
 * mail, its memories) into a folder of the host's, read the host's files back as the agent's, and let
 * `lemming reset` empty it. One that leads into another agent's folder (`agents/<other>/…`) would have two
 * agents share memories, notes or an outbox, and is refused the same way: an agent's folders are its own. So each agent's folders are looked at once a command, lazily, by the first
 * reader or writer of them (an agent that is never touched costs nothing), and one that leads out
 * stops the command as a failure of the org's own storage (StorageError, LEADS_OUT_ERRNO), naming it.
 * Workspaces are the tools' (tools/workspace/): a tool refuses a workspace that leads out, as its result.
 */

/** An agent's folders below `agents/<name>`, each after the one it lies in (engine/record/state-paths.ts, memory/memory-paths.ts). */
const OWN_FOLDERS = ['outbox', 'memory', 'memory/stream', 'memory/vectors', 'memory/recalled', 'logs', 'logs/traces'] as const;

/** One of the agent's folders lemming keeps its own files in, below `agents/<name>`. */
export type OwnFolder = (typeof OWN_FOLDERS)[number];

/** `agents/<name>` itself, then each of OWN_FOLDERS: its path after `agents/<name>`, and the index here of the folder it lies in (-1: none). */
const LOOKED_AT = ['', ...OWN_FOLDERS.map((below) => `/${below}`)].map((suffix, _, all) => ({ suffix, parent: suffix === '' ? -1 : all.indexOf(suffix.slice(0, suffix.lastIndexOf('/'))) }));

/** A folder of the org that leads out of it: the folder, relative to the root, and where it leads. */
export interface FolderOutside {
  folder: string;
  leadsTo: string;
  /** Set when it leads into another agent's folder inside the org (`leadsTo` is then relative to the root), not out of it. */
  intoAgent?: true;
}

/** What the look at an agent's folders found: the first that leads out of the org, and which were missing (a bit each, by index in LOOKED_AT). */
interface Look {
  outside: FolderOutside | undefined;
  missing: number;
}

/**
 * What the look at each agent's folders found this command, by root then name. By root then name,
 * not by one key made of both: a turn asks for every agent it touches, and a key made anew each time
 * is a string hashed anew (a steady turn's 20,000 looks at 10,000 agents: 3.6 ms of CPU that way,
 * 0.8 ms this way).
 */
const looked = new Map<string, Map<string, Look>>();
let lookedCount = 0;
/** Each root, resolved: once a command, not once an agent (a fresh process's first turn looks at every agent's folders). */
const resolvedRoots = new Map<string, string>();
forgetAtNextCommand(() => {
  looked.clear();
  lookedCount = 0;
  resolvedRoots.clear();
});

/** Which of the agent's folders a look made just now found missing (requireOwnFolders). */
export type FoundMissing = (folder: OwnFolder) => boolean;

/**
 * Stop, with the StorageError that names it, when a folder lemming keeps the agent's own files in
 * leads out of the org at `root`. Looked at once a command: the first reader or writer of an agent's
 * folders pays a few `lstat`s, every later one a look-up. When this call made the look, which folders
 * it found missing, as fresh as a reader's own look would be now (a turn's look for notes, make-plan.ts).
 */
export function requireOwnFolders(root: string, agent: string): FoundMissing | undefined {
  const madeNow = looked.get(root)?.has(agent) !== true;
  const look = lookOnce(root, agent);
  if (look.outside) throw leadsOutError(root, look.outside.folder, look.outside.leadsTo, look.outside.intoAgent);
  return madeNow ? (folder) => missingIn(look, folder) : undefined;
}

/** ownFolderOutside, once a command for each agent. */
export function lookedAt(root: string, agent: string): FolderOutside | undefined {
  return lookOnce(root, agent).outside;
}

/**
 * Whether this command's look at the agent's folders (made now when none was) found `folder`
 * missing. As the look found it, not as it is now: for a writer that makes the folder when it is
 * missing and copes with one made since (a log's first append, agent-log.ts), which then has no
 * need to look again.
 */
export function foundMissing(root: string, agent: string, folder: OwnFolder): boolean {
  return missingIn(lookOnce(root, agent), folder);
}

/** Each of OWN_FOLDERS's bit in a look's `missing`: asked of every agent a first turn calls, so not worked out anew each time. */
const MISSING_BIT = new Map<OwnFolder, number>(OWN_FOLDERS.map((folder) => [folder, 1 << LOOKED_AT.findIndex((looked) => looked.suffix === `/${folder}`)]));

function missingIn(look: Look, folder: OwnFolder): boolean {
  return (look.missing & (MISSING_BIT.get(folder) ?? 0)) !== 0;
}

function lookOnce(root: string, agent: string): Look {
  let agents = looked.get(root);
  const known = agents?.get(agent);
  if (known) return known;
  const look = lookAtFolders(root, agent);
  if (lookedCount >= 200_000) {
    looked.clear();
    lookedCount = 0;
    agents = undefined;
  }
  if (!agents) looked.set(root, (agents = new Map()));
  agents.set(agent, look);
  lookedCount += 1;
  return look;
}

/** `lstat` with no exception for a missing path: most agents have no memory or traces folder. */
const NO_THROW = { throwIfNoEntry: false } as const;

/**
 * The first of the agent's folders (`agents/<name>` itself, then each of OWN_FOLDERS after the one it
 * lies in) that is a symbolic link leading out of the org, or undefined: an `lstat` each, and a
 * look where a link leads only for a link. A missing folder hides nothing below it; a link that stays
 * inside the org is followed to the folders below it. The path of each is the agent's folder, resolved
 * once, and its suffix: a fresh process's first turn looks at every agent's folders, and at 10,000
 * agents a `resolve`, a `dirname` and a set for each folder took the look from 98 ms of CPU (the
 * 50,000 `lstat`s alone, by plain Node: 88 to 98 ms) to 140.
 */
export function ownFolderOutside(root: string, agent: string): FolderOutside | undefined {
  return lookAtFolders(root, agent).outside;
}

/** ownFolderOutside, with the folders it found missing (those below a missing one too; none after one that leads out). */
function lookAtFolders(root: string, agent: string): Look {
  const directory = `agents/${agent}`;
  const base = agentFolder(root, agent, directory);
  let missing = 0;
  for (let index = 0; index < LOOKED_AT.length; index += 1) {
    const { suffix, parent } = LOOKED_AT[index] as (typeof LOOKED_AT)[number];
    if (parent >= 0 && (missing & (1 << parent)) !== 0) {
      missing |= 1 << index;
      continue;
    }
    const outside = linkOutside(root, base + suffix, agent);
    if (outside === 'missing') missing |= 1 << index;
    else if (outside !== undefined) return { outside: { folder: directory + suffix, ...outside }, missing };
  }
  return { outside: undefined, missing };
}

/**
 * `resolve(root, directory)`, `directory` being `agents/<agent>`: the root resolved once, and a plain
 * name put after it. At 1,000 agents a `resolve` each was 0.6 MB of a first turn's garbage (issue 76).
 */
function agentFolder(root: string, agent: string, directory: string): string {
  if (agent === '' || agent.includes('/') || agent.startsWith('.')) return resolve(root, directory);
  let resolvedRoot = resolvedRoots.get(root);
  if (resolvedRoot === undefined) resolvedRoots.set(root, (resolvedRoot = resolve(root)));
  return resolvedRoot === '/' ? `/${directory}` : `${resolvedRoot}/${directory}`;
}

/**
 * Whether `folder` (relative to `root`) leads out of the org: where it leads when it does,
 * `'missing'` when there is nothing there, undefined when it is the org's own.
 */
function folderOutside(root: string, folder: string): FolderOutside | 'missing' | undefined {
  const outside = linkOutside(root, resolve(root, folder));
  return outside === undefined || outside === 'missing' ? outside : { folder, ...outside };
}

/**
 * Where the folder at the absolute `path` leads when it is a link out of the org at `root`, or, for a folder of
 * `agent`'s, into another agent's folder; `'missing'` when nothing is there; undefined when it is the org's own.
 */
function linkOutside(root: string, path: string, agent?: string): Omit<FolderOutside, 'folder'> | 'missing' | undefined {
  let stat;
  try {
    stat = lstatSync(path, NO_THROW);
  } catch {
    return undefined;
  }
  if (stat === undefined) return 'missing';
  if (!stat.isSymbolicLink()) return undefined;
  // A link that leads nowhere is left to the writer: mkdir makes no folder through it, and a write through it fails.
  const outside = whereOutside(root, path);
  if (outside !== undefined) return { leadsTo: outside };
  return agent === undefined ? undefined : intoOtherAgent(root, path, agent);
}

/** Where the link at `path`, inside the org, leads when that is in a folder of `agents/` other than `agent`'s own (relative to the root). */
function intoOtherAgent(root: string, path: string, agent: string): Omit<FolderOutside, 'folder'> | undefined {
  const prefix = realRootPrefix(root);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return undefined;
  }
  if (prefix === undefined || !real.startsWith(prefix)) return undefined;
  const inOrg = real.slice(prefix.length);
  const owner = /^agents\/([^/]+)/.exec(inOrg)?.[1];
  return owner === undefined || owner === agent ? undefined : { leadsTo: inOrg, intoAgent: true };
}

/**
 * What `lemming validate` says of the agent's folders, looked at as a run would: one of the folders
 * lemming keeps its files in that leads out of the org is an error (a run stops there), its workspace
 * leading out a warning (its file tools refuse it, and no command is given it).
 */
export function ownFolderProblems(root: string, agent: string): Problem[] {
  const problems: Problem[] = [];
  const own = lookedAt(root, agent);
  if (own) problems.push({ file: own.folder, message: leadsOutReason(own.folder, own.leadsTo, own.intoAgent), severity: 'error' });
  const workspace = own?.folder === `agents/${agent}` ? undefined : workspaceOutside(root, `agents/${agent}/workspace`);
  if (workspace) problems.push(workspace);
  return problems;
}

/** A workspace (an agent's, or the shared `workspace`) that leads out of the org, as `lemming validate` says it: a warning. */
export function workspaceOutside(root: string, folder: string): Problem | undefined {
  const outside = folderOutside(root, folder);
  if (outside === undefined || outside === 'missing') return undefined;
  return {
    file: folder,
    message: `is a symbolic link (or lies below one) to ${outside.leadsTo}, outside the org: the file tools refuse it and no command is given it; replace it with a folder (\`rm ${folder} && mkdir ${folder}\`, moving in what you mean to keep)`,
    severity: 'warning',
  };
}
