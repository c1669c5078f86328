import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_ORG_YAML_BYTES, readEditedFile } from '../../editable/edited-file.js';
import { problemSaidOnOneLine, type Problem } from '../../errors.js';
import { andList } from '../../format/format.js';
import { meetingNames } from '../../meetings/load-meetings.js';
import { meetingFile } from '../../meetings/meeting-file.js';
import { candidateOrg, type FileChanges } from '../../org/check-candidate.js';
import { listFile, listNames } from '../../org/lists/mailing-list.js';
import { CHART_FILE, HUMAN, nameProblem } from '../../org/names.js';
import { writableFrom } from '../../org/lists/recipients.js';
import { RETIRED_FOLDER } from '../../mailbox/retired-folders.js';
import type { Org } from '../../org/org.js';
import { addAgentToChart, removeAgentFromChart, removeNameFromFields, type ChartAddition } from '../../tools/proposals/chart-edit.js';
import { checkHireScope, checkNewAgent, formatResume } from '../../tools/proposals/new-agent.js';
import type { HireDetails, Proposal, WaitingProposal } from '../../tools/proposals/proposal.js';
import { orgFileProblems } from '../org-file-problems.js';

/** What approving a hire or a retirement would write, and whether the org it would make passes `lemming validate`. */
export interface ProposalCheck {
  /** The files approving it writes, by path: the new text, or null for a resume it removes. Empty for a tool call. */
  files: FileChanges;
  /** For a retirement, the list and meeting fields it takes the agent out of (`org/meetings/standup.yaml attendees`). */
  removedFrom: string[];
  /** Why it cannot be carried out as the org stands, with the file to edit first; absent when it can. */
  refused?: string;
  /** What carrying it out would cost that does not stop it (a retirement of the only one the human may write to); absent when nothing. */
  warning?: string;
}

/** The fields of a list and of a meeting that name agents: a retired agent is taken out of them. */
const LIST_FIELDS = ['members', 'may_post', 'archive'];
const MEETING_FIELDS = ['attendees'];

/**
 * The lists and meetings that name `name`, each with `name` taken out of them (comments and order
 * kept, as the chart is edited): what a retirement writes besides the chart, and the fields it edits.
 * Read as they are on disk, whatever the org holds now, so an approval a crash cut short finds what
 * is left to edit. A file that cannot be read or parsed is left as it is (`validate` says why).
 */
export function retirementEdits(root: string, name: string): { files: Map<string, string>; removedFrom: string[] } {
  const files = new Map<string, string>();
  const removedFrom: string[] = [];
  const edit = (file: string, fields: readonly string[]): void => {
    const read = readEditedFile(join(root, file), file, MAX_ORG_YAML_BYTES);
    if (!('text' in read)) return;
    const edited = removeNameFromFields(read.text, fields, name);
    if (edited.fields.length === 0) return;
    files.set(file, edited.text);
    removedFrom.push(...edited.fields.map((field) => `${file} ${field}`));
  };
  for (const list of listNames(root)) edit(listFile(list), LIST_FIELDS);
  for (const meeting of meetingNames(root)) edit(meetingFile(meeting), MEETING_FIELDS);
  return { files, removedFrom };
}

/**
 * Check a hire or a retirement on the org it would make, with `lemming validate`'s own code: the
 * hire's own rules (its name, model and reach; a name that is a mailing list's is refused), then
 * org.yaml, the chart and the resumes as they would be (candidateOrg), then the routing rules, lists,
 * meetings and interventions against that org (orgFileProblems), a retirement's edits of the lists
 * and meetings included. A problem those files have already is the org's, not the proposal's: only
 * one the change would add refuses it. Reads only; a tool call is not checked here.
 */
export function checkProposal(org: Org, proposal: Proposal): ProposalCheck {
  if (proposal.hire) return checkHire(org, proposal.proposed_by, proposal.hire);
  if (proposal.retire) return checkRetirement(org, proposal.id, proposal.proposed_by, proposal.retire.name);
  // A file written by hand may give the kind without what it asks for: said while it waits, as carrying it out would.
  if (proposal.kind === 'hire') return { files: new Map(), removedFrom: [], refused: 'it is a hire without details; a hire has hire: { name: coder_02, title: "…", … }' };
  if (proposal.kind === 'retire') return { files: new Map(), removedFrom: [], refused: 'it names no agent to retire; a retirement has retire: { name: janitor, reason: "…" }' };
  return { files: new Map(), removedFrom: [] };
}

/**
 * What a person deciding a waiting proposal is told besides what it asks, checked now: why it cannot
 * be approved, or what approving it edits besides its agent; nothing for one that only does what it says.
 */
export function approvalNote(org: Org, proposal: Proposal): string | undefined {
  const check = checkProposal(org, proposal);
  if (check.refused !== undefined) return `cannot be approved: ${check.refused}`;
  const notes = [...(check.removedFrom.length > 0 ? [`approving it removes ${proposal.retire?.name} from ${andList(check.removedFrom)}`] : []), ...(check.warning === undefined ? [] : [check.warning])];
  return notes.length > 0 ? notes.join('; ') : undefined;
}

/**
 * Each proposal with its approvalNote while it waits, as `lemming approvals`, chat, the dashboard and
 * the MCP seat show them; `orgOf` is asked for the org only when one waits.
 */
export function withApprovalNotes(proposals: readonly Proposal[], orgOf: () => Org): WaitingProposal[] {
  return proposals.map((proposal) => {
    const note = proposal.status === 'pending' ? approvalNote(orgOf(), proposal) : undefined;
    return note === undefined ? proposal : { ...proposal, note };
  });
}

/** A hire's chart entry. */
function hireEntry(details: HireDetails): ChartAddition {
  return { name: details.name, reportsTo: details.reports_to, sendTo: details.send_to, readFrom: details.read_from };
}

function checkHire(org: Org, proposer: string, details: HireDetails): ProposalCheck {
  const problems = [...checkNewAgent(org, details), ...checkHireScope(org, proposer, details)];
  if (problems.length > 0) return { files: new Map(), removedFrom: [], refused: problems.join('; ') };
  const chart = readFileSync(join(org.root, CHART_FILE), 'utf8');
  const files = new Map([
    [`agents/${details.name}/resume.md`, formatResume(details, 0)],
    [CHART_FILE, addAgentToChart(chart, hireEntry(details))],
  ]);
  // What a hire would break is the hire's own doing: no file of the org's to edit first.
  return withRefusal(org, files, [], `hiring ${details.name}`, false);
}

function checkRetirement(org: Org, id: string, proposer: string, name: string): ProposalCheck {
  // The name becomes paths (its folder, moved aside): one that is no agent name (`../workspace`) names nothing to retire.
  const unnamed = nameProblem('agent', name);
  if (unnamed !== undefined) return { files: new Map(), removedFrom: [], refused: `name ${JSON.stringify(name)} ${unnamed}` };
  const chart = readFileSync(join(org.root, CHART_FILE), 'utf8');
  const edits = retirementEdits(org.root, name);
  const files = new Map<string, string | null>([...edits.files, [`agents/${name}/resume.md`, null], [CHART_FILE, removeAgentFromChart(chart, name)]]);
  const agent = org.agents.get(name);
  if (!agent) {
    // Gone already (an approval a crash cut short leaves its folder, here or moved aside under this proposal): what is left of it is written, nothing checked.
    if (existsSync(join(org.root, 'agents', name)) || existsSync(join(org.root, 'agents', RETIRED_FOLDER, `${name}-${id}`))) return { files, removedFrom: edits.removedFrom };
    // Never in the org, or retired by another proposal: nothing to retire, and no credits to move.
    return { files: new Map(), removedFrom: [], refused: `${name} is not an agent of this org; the agents: ${[...org.agents.keys()].sort().join(', ')}` };
  }
  if (agent.isHuman) return { files, removedFrom: edits.removedFrom, refused: 'the human cannot be retired' };
  if (!org.agents.has(proposer)) return { files, removedFrom: edits.removedFrom, refused: `${proposer}, who would receive ${name}'s credits, is no longer in the org` };
  const warning = leavesHumanUnheard(org, name);
  return { ...withRefusal(org, files, edits.removedFrom, `retiring ${name}`, true), ...(warning === undefined ? {} : { warning }) };
}

/**
 * A warning when `name` is the only one the human may write to (agents and lists, as chat offers
 * them): the org is valid without it, but the human could then write to nobody.
 */
function leavesHumanUnheard(org: Org, name: string): string | undefined {
  const reach = writableFrom(org, HUMAN);
  if (reach.length === 0 || reach.some((recipient) => recipient !== name)) return undefined;
  return `once ${name} leaves, the human has nobody to write to (${name} is the only one ${CHART_FILE} lets ${HUMAN} write to: give ${HUMAN} another in send_to)`;
}

/** The check's answer: the errors the org would have after `files` and has not now, said by file, and with `advise`, the files to edit first. */
function withRefusal(org: Org, files: FileChanges, removedFrom: string[], doing: string, advise: boolean): ProposalCheck {
  const candidate = candidateOrg(org.root, files);
  const added = [...candidate.problems];
  if (candidate.org) {
    const key = (problem: Problem): string => `${problem.file} ${problem.field ?? ''} ${problem.message}`;
    const now = new Set(orgFileProblems(org.root, org).filter(isError).map(key));
    added.push(...orgFileProblems(org.root, candidate.org, files).filter((problem) => isError(problem) && !now.has(key(problem))));
  }
  if (added.length === 0) return { files, removedFrom };
  const byFile = new Map<string, string[]>();
  for (const problem of added.slice(0, 5)) {
    const said = problemSaidOnOneLine(problem);
    byFile.set(problem.file, [...(byFile.get(problem.file) ?? []), said]);
  }
  const broken = [...byFile.keys()];
  const removable = broken.every((file) => file.startsWith('org/lists/') || file.startsWith('org/meetings/'));
  const invalid = andList(broken.map((file) => `${file} invalid (${(byFile.get(file) ?? []).join('; ')})`));
  const edit = advise ? `; edit ${andList(broken)} first${removable ? ` (or remove ${broken.length === 1 ? 'it' : 'them'})` : ''}` : '';
  return { files, removedFrom, refused: `${doing} would leave ${invalid}${edit}` };
}

function isError(problem: Problem): boolean {
  return problem.severity === 'error';
}
