import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { EXIT, LemmingError } from '../errors.js';

/** One org a dashboard serves, and the key its URLs carry: `/o/<key>/`. */
export interface ServedOrg {
  key: string;
  root: string;
}

function holdsOrg(folder: string): boolean {
  return existsSync(join(folder, 'org', 'org.yaml'));
}

/**
 * The org roots behind each `--root` given to `lemming serve`: the folder itself when it holds an
 * org, else each folder directly inside it that does (a folder of orgs, an experiment's runs), in
 * name order. A folder that is neither is refused, naming it.
 */
export function expandOrgRoots(roots: readonly string[]): string[] {
  const found: string[] = [];
  for (const root of roots) {
    if (holdsOrg(root)) {
      found.push(root);
      continue;
    }
    let inside: string[] = [];
    try {
      inside = readdirSync(root, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && holdsOrg(join(root, entry.name)))
        .map((entry) => join(root, entry.name))
        .sort();
    } catch {
      inside = [];
    }
    if (inside.length === 0) {
      throw new LemmingError('no-org', `${root} holds no org (org/org.yaml is missing) and no folder inside it does; --root takes an org root or a folder of orgs (an experiment's folder)`, { exitCode: EXIT.usage });
    }
    found.push(...inside);
  }
  return [...new Set(found)];
}

/**
 * A key for each root, from its folder's name made safe for a URL (`lab`, `support-desk`), with
 * `-2`, `-3`, … where two folders share a name. The same roots in the same order get the same keys. Pure.
 */
export function servedOrgs(roots: readonly string[]): ServedOrg[] {
  const taken = new Set<string>();
  return roots.map((root) => {
    const stem = basename(root).toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'org';
    let key = stem;
    for (let number = 2; taken.has(key); number += 1) key = `${stem}-${number}`;
    taken.add(key);
    return { key, root };
  });
}
