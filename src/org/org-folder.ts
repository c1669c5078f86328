import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { EXIT, LemmingError } from '../errors.js';
import { requireFolderFor } from '../storage/named-destination.js';

/**
 * What a folder may hold and still be one lemming writes an org into: the org's own folders, what
 * lemming itself puts beside them (`backups/` by `lemming backup`, `experiments/` by `lemming
 * experiment`), and what a person keeps with an org (its git repository, `.gitignore`, the `.env`
 * files that hold its keys). Anything else (a `package.json`, a `src/`, a person's notes) means
 * the folder is someone's project, not an org's.
 */
export const ORG_ENTRIES = ['org', 'agents', 'workspace', 'backups', 'experiments', '.git', '.gitignore', '.env'] as const;

/** `.env`, `.env.local`, …: keys kept beside the org. */
function isOrgEntry(name: string): boolean {
  return (ORG_ENTRIES as readonly string[]).includes(name) || name.startsWith('.env.');
}

/** The entries of `root` that are no org's, sorted, folders with a trailing `/`; none when it is missing. */
export function entriesNotAnOrgs(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => !isOrgEntry(entry.name))
    .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name))
    .sort();
}

/** An org's folders whose every entry it takes for part of itself: a folder under agents/ is an agent, one under workspace/ its agents' files. */
const OWN_FOLDERS = ['org', 'agents', 'workspace'] as const;

/**
 * A new org (`bootstrap`, `demo`, `import`, `fork`, ...) is never made inside another org's own
 * folders (OWN_FOLDERS): that org would read it as its own, and a folder under its agents/ without a
 * resume stops it from running. Beside them (`experiments/`, `backups/`, a folder of one's own) is
 * not inside. Refused naming the folder, the org and where to put it instead.
 */
export function requireOutsideOtherOrgs(root: string): void {
  const target = resolve(root);
  for (let folder = dirname(target), below = basename(target); folder !== dirname(folder); below = join(basename(folder), below), folder = dirname(folder)) {
    const first = below.split(sep)[0] ?? '';
    if (!(OWN_FOLDERS as readonly string[]).includes(first) || !existsSync(join(folder, 'org', 'org.yaml'))) continue;
    throw new LemmingError(
      'inside-an-org',
      `${root}: lies inside the org in ${folder} (its ${first}/ folder), which would take it for part of itself; give a folder outside that org, e.g. --root ${join(dirname(folder), basename(target))}`,
      { exitCode: EXIT.usage },
    );
  }
}

/** How many of a folder's other entries an error names. */
const NAMED = 4;

/**
 * The rule of every command that writes an org (`bootstrap`, `demo`, `import`, the runs of
 * `experiment`): it writes only into a folder that is missing (it is made, in a folder that exists:
 * the one rule for a path a person names, storage/named-destination.ts), empty, or holds
 * nothing but an org's entries (ORG_ENTRIES). A folder that already holds an org
 * (`org/org.yaml`) is that org's: each command does there what it does to an org (`bootstrap`
 * repairs it, `demo` runs it, `import` refuses it, `experiment` adds `experiments/`), whatever
 * else the folder holds; unless `evenWithAnOrg`, for a folder lemming is about to clear and make
 * again (`advice` then says what to do instead of `--root`). Anything else is refused before a byte is written, naming the folder, what else it holds
 * and what to do: a command run in a project's folder by mistake must leave it as it was.
 */
export function requireOrgFolder(root: string, command: string, options: { evenWithAnOrg?: boolean; advice?: string } = {}): void {
  requireOutsideOtherOrgs(root);
  if (!existsSync(root)) {
    requireFolderFor('--root', root);
    return;
  }
  if (!statSync(root).isDirectory()) throw new LemmingError('no-root', `${root}: is a file, not a folder; --root takes the folder the org is made in`, { exitCode: EXIT.usage });
  if (!options.evenWithAnOrg && existsSync(join(root, 'org', 'org.yaml'))) return;
  const others = entriesNotAnOrgs(root);
  if (others.length === 0) return;
  const named = others.slice(0, NAMED).join(', ') + (others.length > NAMED ? ` and ${others.length - NAMED} more` : '');
  throw new LemmingError(
    'not-an-org-folder',
    `${root} holds files that are not an org's (${named}); \`lemming ${command}\` writes an org only into a folder that is new, empty, or holds nothing but an org ` +
      `(${ORG_ENTRIES.map((name) => (name.startsWith('.') ? name : `${name}/`)).join(', ')}): ${options.advice ?? `pass --root DIR with a new or empty folder, e.g. --root ${join(root, 'lemming-org')}`}`,
    { exitCode: EXIT.usage },
  );
}
