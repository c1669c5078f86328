import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidOrgError, type Problem } from '../errors.js';
import { orgOfFiles } from './check-candidate.js';
import type { Org } from './org.js';
import { registerOrgSecrets } from './org-secrets.js';
import { PARSE_CACHE_FILE } from './parsed-file-cache.js';

const NO_CHANGES = new Map<string, string | null>();

/**
 * The org read from its files as they are, for a command that shows it and is done (status, inbox,
 * inspect, analyze) on an org this machine keeps nothing of: a fresh clone, or one a program wrote. Each file
 * goes through its own parser and the whole through the one assembly (check-candidate.ts, orgOfFiles),
 * so the org and its warnings are those the whole load (load-org.ts) makes of the same files. What it
 * leaves out is the whole load's keeping: no version of each file held to fall back on, no settling
 * against the last valid versions, nothing written for the next command (the parse cache and the
 * settled org, with the versions and the settle around one assembly, were some 0.5 s of a 2 s cold
 * `status` at 100,000 agents; the first whole load, `run` or `validate`, keeps them).
 *
 * Undefined when there is something the whole load must weigh: a parse cache this machine kept (its
 * versions are quicker to take, and a broken file falls back on them), or any error in the files.
 * The whole load then reads the org and says what is wrong, as it always has.
 */
export function readOrgAsWritten(root: string): { org: Org; problems: Problem[] } | undefined {
  if (existsSync(join(root, PARSE_CACHE_FILE))) return undefined;
  const read = writtenOrg(root);
  return read.org ? { org: read.org, problems: read.problems } : undefined;
}

/**
 * The org read from its files as they are, by a process that must only read it (`lemming worker
 * --org`: another's org, whose folder it never writes): the parse cache taken when this machine kept
 * one, nothing written, not even a cache. Throws InvalidOrgError with every problem when any file has
 * errors, as loadOrg does.
 */
export function readOrgOnly(root: string): { org: Org; problems: Problem[] } {
  const read = writtenOrg(root);
  if (!read.org) throw new InvalidOrgError(read.problems);
  return { org: read.org, problems: read.problems };
}

/** The org its files make, with their problems; no org when any is an error. Its secrets made known, as the whole load makes them known. */
function writtenOrg(root: string): { org?: Org; problems: Problem[] } {
  const { org, problems } = orgOfFiles(root, NO_CHANGES);
  if (!org || problems.some((problem) => problem.severity === 'error')) return { problems };
  registerOrgSecrets(org);
  return { org, problems };
}
