import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadEditedFile, MAX_EDITED_MARKDOWN_BYTES } from '../../editable/edited-file.js';
import { EXIT, formatProblem, LemmingError } from '../../errors.js';
import { createFileAtomic, writeFileAtomic } from '../../storage/atomic-write.js';
import { formatProposal, parseProposal, type Proposal } from './proposal.js';
import { forgetAtNextCommand } from '../../invocation.js';

/** Where proposals wait, relative to the org root: one markdown file each. */
export const PROPOSALS_DIRECTORY = 'org/proposals';

const PROPOSAL_ID = /^\d{6,}-[a-z][a-z0-9_-]{0,63}-\d{3,}$/;

function fileOf(root: string, id: string): string {
  return join(root, PROPOSALS_DIRECTORY, `${id}.md`);
}

/**
 * Write a new proposal under its id. The id is fixed by the turn and the call, so a
 * turn finished after a crash finds the file it wrote before and writes nothing:
 * returns false then.
 */
export function createProposal(root: string, proposal: Proposal): boolean {
  return createFileAtomic(fileOf(root, proposal.id), formatProposal(proposal));
}

/** Replace a proposal's file with its new state (decided, carried out), atomically. */
export function saveProposal(root: string, proposal: Proposal): void {
  writeFileAtomic(fileOf(root, proposal.id), formatProposal(proposal));
}

/** Every readable proposal, oldest first, and the files that could not be read. */
export function listProposals(root: string): { proposals: Proposal[]; problems: string[] } {
  let names: string[];
  try {
    names = readdirSync(join(root, PROPOSALS_DIRECTORY)).filter((name) => name.endsWith('.md') && !name.startsWith('.')).sort();
  } catch {
    return { proposals: [], problems: [] };
  }
  const proposals: Proposal[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const parsed = parsedProposal(root, join(root, PROPOSALS_DIRECTORY, name), `${PROPOSALS_DIRECTORY}/${name}`);
    if (parsed === undefined) continue;
    if ('error' in parsed) problems.push(parsed.error);
    else proposals.push(parsed);
  }
  return { proposals, problems };
}

/** Proposal files as last parsed, by path, with the mtime and size they were parsed at. */
const parsedFiles = new Map<string, { mtimeMs: number; size: number; parsed: Proposal | { error: string } }>();
forgetAtNextCommand(() => parsedFiles.clear());

/**
 * A proposal file, parsed again only when its mtime or size changed: a turn lists the proposals
 * several times (notices, carrying out, whether a decision waits), and done ones stay, so a
 * `stat` each rather than a YAML parse each. Undefined when the file went away meanwhile.
 * The objects are shared: callers copy before changing one (as saveProposal's callers do).
 */
function parsedProposal(root: string, path: string, file: string): Proposal | { error: string } | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return undefined;
  const known = parsedFiles.get(path);
  if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) return known.parsed;
  // Through the one loader of editable files: too large, not text or not a file is this file's error, never a throw.
  const loaded = loadEditedFile(path, file, MAX_EDITED_MARKDOWN_BYTES, (text) => ({ problems: [], parsed: parseProposal(text, file) }), root);
  if ('missing' in loaded) return undefined;
  const parsed = 'parsed' in loaded ? loaded.parsed : { error: loaded.problems.map(formatProblem).join('; ') };
  if (parsedFiles.size >= 10_000) parsedFiles.clear();
  parsedFiles.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, parsed });
  return parsed;
}

/** One proposal by id, or an error naming the ids that wait. */
export function readProposal(root: string, id: string): Proposal {
  if (!PROPOSAL_ID.test(id)) throw new LemmingError('bad-proposal-id', `${JSON.stringify(id)} is not a proposal id; ids look like 000012-hr-001 (see \`lemming approvals\`)`, { exitCode: EXIT.usage });
  const file = `${PROPOSALS_DIRECTORY}/${id}.md`;
  const loaded = loadEditedFile(fileOf(root, id), file, MAX_EDITED_MARKDOWN_BYTES, (text) => ({ problems: [], parsed: parseProposal(text, file) }), root);
  if ('missing' in loaded) {
    const waiting = listProposals(root).proposals.filter((proposal) => proposal.status === 'pending').map((proposal) => proposal.id);
    throw new LemmingError('unknown-proposal', `there is no proposal ${id}; waiting: ${waiting.join(', ') || 'none'}`, { exitCode: EXIT.usage });
  }
  const parsed = 'parsed' in loaded ? loaded.parsed : { error: loaded.problems.map(formatProblem).join('; ') };
  if ('error' in parsed) throw new LemmingError('bad-proposal', parsed.error);
  return parsed;
}
