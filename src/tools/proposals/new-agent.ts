import { existsSync, readFileSync } from 'node:fs';
import { recordChange } from '../../org/changes/change-log.js';
import { join } from 'node:path';
import { requireOwnFolders } from '../../org/own-folders.js';
import { createFileAtomic, writeFileAtomic } from '../../storage/atomic-write.js';
import { sweepTemporaries } from '../../storage/temporary-files.js';
import { yaml } from '../../lazy-modules.js';
import { undeclaredServer, undeclaredTool } from '../../org/assemble-agent.js';
import { quoteName } from '../../mailbox/message-text.js';
import { HUMAN, nameHint, nameProblem } from '../../org/names.js';
import { givenCreditsProblem } from '../../org/ledger-line.js';
import { HUMAN_MODEL, type Audience, type Org } from '../../org/org.js';
import { isBuiltinTool, isToolGrant } from '../../org/schema.js';
import { didYouMean } from '../../org/suggest-name.js';
import { agentsNamed } from '../../org/must-exist.js';
import { isListName, listFile } from '../../org/lists/mailing-list.js';
import { addAgentToChart } from './chart-edit.js';
import type { HireDetails } from './proposal.js';

/** Why a new agent cannot be made as described, or nothing when it can. Pure but for one `stat` (a list of its name). */
export function checkNewAgent(org: Org, details: HireDetails): string[] {
  const problems: string[] = [];
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const invalid = details.name === HUMAN ? `is the person's own name; ${nameHint('agent')}` : nameProblem('agent', details.name);
  if (invalid !== undefined) problems.push(`name ${quoteName(details.name)} ${invalid}`);
  else if (org.agents.has(details.name)) problems.push(`there is already an agent named ${details.name}`);
  // Lists and agents share one set of names: a hire named like a list would take its posts.
  else if (isListName(org.root, details.name)) problems.push(`${details.name} is the name of the mailing list ${listFile(details.name)}, and lists and agents share one set of names: choose another name`);
  if (text(details.title).trim() === '') problems.push('title is empty; give a job title, for example "Software engineer"');
  const noManager = !org.agents.has(text(details.reports_to));
  if (details.reports_to === undefined) problems.push(`reports_to is missing; give the agent it reports to, for example reports_to: ${org.agents.has('manager') ? 'manager' : HUMAN}`);
  else if (noManager) {
    const guess = didYouMean(text(details.reports_to), org.agents.keys());
    problems.push(`reports_to names ${quoteName(details.reports_to)}, which is not an agent of this org${guess}${guess === '' ? '; the' : ' The'} agents: ${agentsNamed(org)}`);
  }
  if (details.model === undefined) problems.push(`model is missing; give one of org/org.yaml models (known: ${Object.keys(org.models).join(', ')})`);
  else if (typeof details.model !== 'string' || details.model === HUMAN_MODEL || !Object.hasOwn(org.models, details.model)) {
    problems.push(`model ${quoteName(details.model)} is not in org/org.yaml models (known: ${Object.keys(org.models).join(', ')})`);
  }
  const credits = givenCreditsProblem(details.credits, "a new agent's budget", 0);
  if (credits !== undefined) problems.push(`credits ${credits}, for example 0.5`);
  for (const field of ['send_to', 'read_from'] as const) {
    if (!Array.isArray(details[field])) {
      problems.push(`${field} must be a list of agent names, for example ["manager"]`);
      continue;
    }
    for (const other of details[field]) {
      // A manager not in the org is said once, under reports_to, not again for the lists made from it.
      if (noManager && other === details.reports_to) continue;
      if (other !== '*' && other !== details.name && !org.agents.has(other)) problems.push(`${field} names ${quoteName(other)}, which is not an agent of this org`);
    }
  }
  for (const tool of Array.isArray(details.tools) ? details.tools : []) {
    if (typeof tool !== 'string' || !isToolGrant(tool)) problems.push(`tools: ${quoteName(tool)} is not a tool`);
    else {
      const undeclared = undeclaredServer(tool, org.mcpServers) ?? undeclaredTool(tool, org.commandTools);
      if (undeclared !== undefined) problems.push(`tools: ${undeclared}`);
    }
  }
  return problems;
}

/**
 * Tools a hire may hold only if its proposer does: other servers' tools, the powers that need the
 * human's approval, and what reaches outside the org's files (commands, the org's command tools, the web).
 */
function needsProposersGrant(tool: string): boolean {
  return tool.includes('/') || tool === 'hire_agent' || tool === 'retire_agent' || tool === 'run_command' || tool === 'fetch_url' || !isBuiltinTool(tool);
}

/**
 * Why a hire reaches further than its proposer, or nothing. The rule: a hire gets no edge and no
 * power its proposer does not have, beyond its own manager. Each name in its `send_to` is its
 * manager, its proposer or one the proposer may send to; each in its `read_from` its manager, its
 * proposer or one the proposer may read from; `"*"` only where the proposer's own list is `"*"`.
 * It may report to any agent, and to the human only when the proposer may write to the human. An
 * MCP grant, `hire_agent` or `retire_agent` only if the proposer's resume grants it (`server/*`
 * covers each tool of that server). Pure.
 */
export function checkHireScope(org: Org, proposer: string, details: HireDetails): string[] {
  const giver = org.agents.get(proposer);
  if (!giver) return [`${proposer} is no longer in the org, so nobody pays for this hire`];
  const problems: string[] = [];
  const manager = typeof details.reports_to === 'string' ? details.reports_to : undefined;
  const within = (audience: Audience, name: string): boolean => name === proposer || name === details.name || (audience === '*' ? true : audience.has(name));
  if (manager === HUMAN && !within(giver.sendTo, HUMAN)) problems.push(`reports_to human: ${proposer} may not write to the human itself, so its hire may not report to the human`);
  const lists = [
    ['send_to', giver.sendTo, 'send to'],
    ['read_from', giver.readFrom, 'read from'],
  ] as const;
  for (const [field, audience, verb] of lists) {
    for (const name of Array.isArray(details[field]) ? details[field] : []) {
      if (name === '*' ? audience === '*' : name === manager || within(audience, name)) continue;
      const whom = name === '*' ? 'everyone' : name;
      problems.push(`${field} names ${quoteName(name)}, but ${proposer} may not ${verb} ${whom} itself, and a hire gets no edge its proposer does not have besides its manager (${proposer} may ${verb}: ${describe(audience)})`);
    }
  }
  for (const tool of Array.isArray(details.tools) ? details.tools : []) {
    if (typeof tool !== 'string' || !needsProposersGrant(tool)) continue;
    const server = tool.includes('/') ? tool.slice(0, tool.indexOf('/')) : undefined;
    const held = giver.tools.includes(tool) || (server !== undefined && giver.tools.includes(`${server}/*`));
    if (!held) problems.push(`tools: ${quoteName(tool)} is not in ${proposer}'s own tools; a hire gets no tool of a server, no command or web tool, nor the power to hire or retire, that its proposer does not have`);
  }
  return problems;
}

function describe(audience: Audience): string {
  return audience === '*' ? 'everyone' : [...audience].join(', ') || 'nobody';
}

/** The resume of a new agent, as a person would write it. Pure. */
export function formatResume(details: HireDetails, credits: number): string {
  const front = yaml().stringify({ title: details.title, model: details.model, credits, tools: details.tools }, { lineWidth: 0 }).trimEnd();
  return `---\n${front}\n---\n${details.instructions.trim()}\n`;
}

/**
 * Write a new agent's resume (unless it exists) and its chart entries (unless the
 * chart has it). Each half is skipped when already done, so running it again after
 * a crash finishes the job without doubling anything.
 */
export function writeNewAgent(root: string, details: HireDetails, resumeCredits: number): void {
  // Its folder may be there already, left by a person: not one that leads out of the org, where the resume would be written.
  requireOwnFolders(root, details.name);
  // An attempt a kill cut short (an approval, finished by the next run) may have left the resume's temporary.
  sweepTemporaries(join(root, 'agents', details.name));
  createFileAtomic(join(root, 'agents', details.name, 'resume.md'), formatResume(details, resumeCredits));
  const chartFile = join(root, 'org', 'chart.yaml');
  const before = readFileSync(chartFile, 'utf8');
  const after = addAgentToChart(before, { name: details.name, reportsTo: details.reports_to, sendTo: details.send_to, readFrom: details.read_from });
  if (after !== before) writeFileAtomic(chartFile, after);
  // An engine on this org looks at the new agent at its next turn (org/changes/).
  recordChange(root, details.name);
}

/** True once the agent's resume exists. */
export function agentExists(root: string, name: string): boolean {
  return existsSync(join(root, 'agents', name, 'resume.md'));
}
