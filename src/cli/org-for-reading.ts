import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { formatProblem, InvalidOrgError, type Problem } from '../errors.js';
import type { Org } from '../org/org.js';
import { requireOrgRoot } from '../org/must-exist.js';
import { readSettledOrg } from '../org/kept-org-with-edits.js';
import type { Output } from './cli-context.js';

// The loader, with the parsers, schemas and settling code behind it, is loaded only when some org
// file changed since the org was last settled (see src/cli/main.ts on require(), and
// scripts/bundle-cli.mjs on the name `requireModule`).
const requireModule = createRequire(import.meta.url);
const loadOrgFromFiles = (root: string) => (requireModule('../org/load-org-once.js') as typeof import('../org/load-org-once.js')).loadOrgFromFiles(root);
const resumeParser = () => (requireModule('../org/parse-files.js') as typeof import('../org/parse-files.js')).parseResume;

const STAND_IN_MEANS: Record<string, string> = {
  'org/chart.yaml': 'nobody may write to anyone, and mail is not shown, until it is mended',
  'org/org.yaml': 'the model registry is empty and the engine settings are the defaults until it is mended',
};

/** Problems beyond these are counted, not listed: `lemming validate` lists them all. */
const MAX_SHOWN = 10;

/**
 * The org for a command that only reads (status, inbox, inspect, logs, chat): whatever its
 * files' state, the problems come first, on standard error (so `--json` output stays
 * parseable), then the command shows what is valid. Only a folder with no org.yaml at all fails.
 */
export function orgForReading(root: string, output: Output): { org: Org; problems: Problem[] } {
  // A folder with no org at all gets one line saying how to start one, not a list of missing files.
  if (!existsSync(join(root, 'org')) && !existsSync(join(root, 'agents'))) requireOrgRoot(root);
  // As loadOrgForReading: the settled org when no file changed (or only a few resumes, parsed alone), else the files.
  const kept = readSettledOrg(root, resumeParser);
  const loaded = kept ? { org: kept.org, problems: kept.problems, standIns: [] } : loadOrgFromFiles(root);
  if (!existsSync(join(root, 'org', 'org.yaml'))) throw new InvalidOrgError(loaded.problems);
  for (const line of problemLines(loaded.problems)) output.err(line);
  for (const file of loaded.standIns) {
    output.err(`lemming: ${file} has had no valid version on this machine, so an empty one stands in: ${STAND_IN_MEANS[file] ?? 'its settings are unknown'}`);
  }
  return { org: loaded.org, problems: loaded.problems };
}

/** The lines that tell a person what is wrong with the org's files before the rest is shown. Pure. */
export function problemLines(problems: readonly Problem[]): string[] {
  if (problems.length === 0) return [];
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  const head =
    errors > 0
      ? `lemming: the org's files have ${errors} error(s); what follows uses each file's valid part, and leaves out what is broken:`
      : `lemming: the org's files have ${problems.length} warning(s):`;
  const listed = problems.slice(0, MAX_SHOWN).map((problem) => `  ${problem.severity}: ${formatProblem(problem)}`);
  const more = problems.length > MAX_SHOWN ? [`  and ${problems.length - MAX_SHOWN} more; \`lemming validate\` lists them all`] : [];
  return [head, ...listed, ...more];
}
