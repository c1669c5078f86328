import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileAtomic, writeFileAtomic } from '../../storage/atomic-write.js';
import { sweepTemporaries } from '../../storage/temporary-files.js';
import { yaml } from '../../lazy-modules.js';
import { AGENT_NAME_HINT, isValidAgentName } from '../../org/names.js';
import type { Org } from '../../org/org.js';
import { isToolGrant } from '../../org/schema.js';
import { addAgentToChart } from './chart-edit.js';
import type { HireDetails } from './proposal.js';

/** Why a new agent cannot be made as described, or nothing when it can. Pure. */
export function checkNewAgent(org: Org, details: HireDetails): string[] {
  const problems: string[] = [];
  if (!isValidAgentName(details.name)) problems.push(`name ${JSON.stringify(details.name)} is not valid; ${AGENT_NAME_HINT}`);
  else if (org.agents.has(details.name)) problems.push(`there is already an agent named ${details.name}`);
  if (details.title.trim() === '') problems.push('title is empty; give a job title, for example "Software engineer"');
  if (!org.agents.has(details.reports_to)) problems.push(`reports_to names ${JSON.stringify(details.reports_to)}, which is not an agent of this org`);
  if (!(details.model in org.models)) problems.push(`model ${JSON.stringify(details.model)} is not in org/org.yaml models (known: ${Object.keys(org.models).join(', ')})`);
  if (!Number.isFinite(details.credits) || details.credits < 0) problems.push('credits must be a number of 0 or more, for example 0.5');
  for (const field of ['send_to', 'read_from'] as const) {
    for (const other of details[field]) {
      if (other !== '*' && other !== details.name && !org.agents.has(other)) problems.push(`${field} names ${JSON.stringify(other)}, which is not an agent of this org`);
    }
  }
  for (const tool of details.tools) if (!isToolGrant(tool)) problems.push(`tools: ${JSON.stringify(tool)} is not a tool`);
  return problems;
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
  // An attempt a kill cut short (an approval, finished by the next run) may have left the resume's temporary.
  sweepTemporaries(join(root, 'agents', details.name));
  createFileAtomic(join(root, 'agents', details.name, 'resume.md'), formatResume(details, resumeCredits));
  const chartFile = join(root, 'org', 'chart.yaml');
  const before = readFileSync(chartFile, 'utf8');
  const after = addAgentToChart(before, { name: details.name, reportsTo: details.reports_to, sendTo: details.send_to, readFrom: details.read_from });
  if (after !== before) writeFileAtomic(chartFile, after);
}

/** True once the agent's resume exists. */
export function agentExists(root: string, name: string): boolean {
  return existsSync(join(root, 'agents', name, 'resume.md'));
}
