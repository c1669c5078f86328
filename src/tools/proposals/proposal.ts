import { formatProblem } from '../../errors.js';
import { parseYamlSource } from '../../editable/yaml-source.js';
import { yaml } from '../../lazy-modules.js';
import { andList, showCredits, showGiven } from '../../format/format.js';
import { splitFrontMatter } from '../../mailbox/front-matter.js';

/** What a proposal asks for. */
export type ProposalKind = 'hire' | 'retire' | 'tool';
/**
 * Where a proposal stands: waiting, decided by the human, carried out by the engine, or `failed`:
 * approved, and it could not be carried out (`reason` says what stopped it; nothing of it was done).
 */
export type ProposalStatus = 'pending' | 'approved' | 'rejected' | 'done' | 'failed';

/** Every status, in the order a proposal passes through them. */
export const PROPOSAL_STATUSES: readonly ProposalStatus[] = ['pending', 'approved', 'rejected', 'done', 'failed'];

/** A new colleague, as proposed with `hire_agent` (or `lemming add-agent`). */
export interface HireDetails {
  name: string;
  title: string;
  instructions: string;
  reports_to: string;
  model: string;
  credits: number;
  send_to: string[];
  read_from: string[];
  tools: string[];
  /** The agent template of `org/templates/` the hire started from, when it did. */
  template?: string;
}

/** One file of `org/proposals/`: what an agent asked for that a person must agree to. */
export interface Proposal {
  /** `000012-hr-001`: the turn, the proposer and the call's place in its turn; also the file name. */
  id: string;
  kind: ProposalKind;
  status: ProposalStatus;
  proposed_by: string;
  turn: number;
  created: string;
  hire?: HireDetails;
  /**
   * `credits`: what moved from the retired agent to the proposer; `removed_from`: the list and meeting
   * fields it was taken out of (`org/meetings/standup.yaml attendees`); both written when the retirement is carried out.
   */
  retire?: { name: string; reason: string; credits?: number; removed_from?: string[] };
  /** A tool call marked as needing approval (org.yaml `needs_approval`). */
  tool?: { name: string; arguments: unknown };
  decided_at?: string;
  /** Why it was rejected, when the person said; or, `failed`, what stopped it from being carried out. */
  reason?: string;
  /** What an approved tool call returned (cut to 4,000 characters), for the proposer's notice. */
  result?: string;
  result_error?: boolean;
  /** The turn whose inbox told the proposer of the decision. */
  told_turn?: number;
}

/**
 * Where a retired agent's credits go, the one sentence of it: the credits it holds when the
 * retirement is carried out go to the agent that proposed it (as a hire's budget comes from its
 * proposer). Once carried out, how many went; before, how many it holds now (`balance`, when the
 * caller knows it), which is not yet what moves: it may still spend until then.
 */
export function retirementCredits(proposal: Proposal, balance?: number): string {
  const retire = proposal.retire;
  if (retire?.credits !== undefined) return `its ${showCredits(retire.credits)} credits went to ${proposal.proposed_by}`;
  const waiting = proposal.status === 'pending' || proposal.status === 'approved';
  const now = balance === undefined || !waiting ? '' : ` (${showCredits(balance)} now)`;
  return `the credits ${retire?.name ?? 'it'} holds when it is retired go to ${proposal.proposed_by}${now}`;
}

/**
 * One line saying what a proposal asks for, for lists and notices. `balanceOf` gives an agent's
 * credits now, where the caller can read the ledger: a retirement waiting to be carried out then
 * says how many its agent holds.
 */
export function describeProposal(proposal: Proposal, balanceOf?: (agent: string) => number): string {
  if (proposal.hire) {
    // A hand-written file may leave fields out: each is said missing, by its field's name, never as `undefined`.
    const hire = proposal.hire as Partial<HireDetails>;
    const given = (field: 'name' | 'title' | 'reports_to'): string | undefined => (typeof hire[field] === 'string' && hire[field].trim() !== '' ? hire[field] : undefined);
    const from = hire.template ? `, from the template ${hire.template}` : '';
    const name = given('name') ?? 'an agent (name missing)';
    const title = given('title') ?? 'title missing';
    const manager = given('reports_to');
    const reporting = manager === undefined ? 'reports_to missing' : `reporting to ${manager}`;
    const credits = typeof hire.credits === 'number' ? `${showGiven(hire.credits)} credits` : 'credits missing';
    return `hire ${name} (${title})${from}, ${reporting}, ${credits} from ${proposal.proposed_by}`;
  }
  if (proposal.retire) {
    const { name, reason, removed_from: removedFrom = [] } = proposal.retire;
    const taken = removedFrom.length > 0 ? `; ${name} was taken out of ${andList(removedFrom)}` : '';
    return `retire ${name}: ${reason}; ${retirementCredits(proposal, balanceOf?.(name))}${taken}`;
  }
  if (proposal.tool) return `call ${proposal.tool.name} ${JSON.stringify(proposal.tool.arguments).slice(0, 120)}`;
  return proposal.kind;
}

/** A proposal as a person deciding it is shown it: with, while it waits, why it cannot be approved or what approving it edits (engine/human/check-proposal.ts). */
export type WaitingProposal = Proposal & { note?: string };

/** A proposal's line for a person deciding: what it asks (describeProposal), then its note. */
export function decisionLine(proposal: WaitingProposal, balanceOf?: (agent: string) => number): string {
  return `${describeProposal(proposal, balanceOf)}${proposal.note === undefined ? '' : `; ${proposal.note}`}`;
}

/** The proposal as a markdown file: the fields as front matter, then a paragraph a person reads. Pure. */
export function formatProposal(proposal: Proposal): string {
  const front = yaml().stringify(proposal, { lineWidth: 0 }).trimEnd();
  const decide =
    proposal.status === 'pending'
      ? `Decide with \`lemming approve ${proposal.id}\` or \`lemming reject ${proposal.id} --reason "…"\`.`
      : `Status: ${proposal.status}${proposal.reason ? ` (${proposal.reason})` : ''}.`;
  const instructions = proposal.hire ? `\n\n## Instructions for ${proposal.hire.name}\n\n${proposal.hire.instructions}` : '';
  return `---\n${front}\n---\n${proposal.proposed_by} proposes to ${describeProposal(proposal)}.\n\n${decide}${instructions}\n`;
}

/** Read a proposal file back, or say what is wrong with it; `file` is its path from the root (`org/proposals/000002-hr-001.md`), whose name is its id. Pure. */
export function parseProposal(text: string, file: string): Proposal | { error: string } {
  const parts = splitFrontMatter(text);
  if (!parts) return { error: `${file} has no front matter` };
  // Through the one YAML gate: an alias bomb or a broken line is this file's error, with its line.
  const { source, problems } = parseYamlSource(parts.yaml, file, 1);
  const [problem] = problems;
  if (problem || !source) return { error: problem ? formatProblem(problem) : `${file} has no front matter` };
  const value = source.value;
  const proposal = value as Partial<Proposal> | null;
  if (!proposal || typeof proposal.id !== 'string' || typeof proposal.proposed_by !== 'string') {
    return { error: `${file} lacks an id or proposed_by` };
  }
  // The file's name is the id every reader looks it up by and every decision is saved under: an id that says
  // otherwise would be approved by one name and written to another (`../x` among them).
  const named = file.slice(file.lastIndexOf('/') + 1).replace(/\.md$/, '');
  if (proposal.id !== named) return { error: `${file}: id is ${JSON.stringify(proposal.id)}, but a proposal's id is its file's name; for example id: ${named}` };
  if (!['hire', 'retire', 'tool'].includes(String(proposal.kind)) || !(PROPOSAL_STATUSES as readonly unknown[]).includes(proposal.status)) {
    return { error: `${file}: kind must be hire | retire | tool and status ${PROPOSAL_STATUSES.join(' | ')}` };
  }
  return proposal as Proposal;
}
