import { loadOrg } from '../../src/org/load-org-once.js';
import { runBuiltinTool } from '../../src/tools/builtin-tools.js';
import { defaultOrg, write } from './temp-org.js';

/** What a test's hire asks for; the rest (model, edges, tools) is what `hire_agent` defaults to. */
export interface TestHire {
  proposer: string;
  name: string;
  reportsTo: string;
  credits: number;
  /** The proposer's balance as the tool sees it. */
  balance?: number;
}

/** Make a hire proposal the way an agent's `hire_agent` call makes one, at turn 4; returns its id. */
export function proposeHire(root: string, hire: TestHire): string {
  const { org } = loadOrg(root);
  const agent = org.agents.get(hire.proposer);
  if (!agent) throw new Error(`no agent ${hire.proposer} in the test org`);
  const outcome = runBuiltinTool(
    'hire_agent',
    { name: hire.name, title: 'Second engineer', instructions: 'Write tests.', reports_to: hire.reportsTo, credits: hire.credits },
    { root, org, agent, turn: 4, sequence: 1, at: '2026-11-22T10:00:00.000Z', balance: hire.balance ?? 0.25, delivered: () => false },
  );
  if (outcome.result.isError || !outcome.proposal) throw new Error(`hire_agent refused: ${outcome.result.content}`);
  return outcome.proposal;
}

/** Make a retirement proposal the way `proposer`'s `retire_agent` call makes one, at turn 2 (its resume must grant the tool); returns its id. */
export function proposeRetirement(root: string, proposer: string, name: string, reason: string): string {
  const { org } = loadOrg(root);
  const agent = org.agents.get(proposer);
  if (!agent) throw new Error(`no agent ${proposer} in the test org`);
  const outcome = runBuiltinTool('retire_agent', { name, reason }, { root, org, agent, turn: 2, sequence: 1, at: '2026-11-22T10:00:00.000Z', balance: 0.5, delivered: () => false });
  if (outcome.result.isError || !outcome.proposal) throw new Error(`retire_agent refused: ${outcome.result.content}`);
  return outcome.proposal;
}

/**
 * The default org in which the manager has proposed retiring janitor, who is one of the two attendees
 * of org/meetings/pair.yaml: approved as it stands, the retirement would leave a meeting of one, so it
 * cannot be carried out. Returns the root and the proposal's id.
 */
export function retirementLeavingMeetingOfOne(): { root: string; id: string } {
  const root = defaultOrg();
  write(root, 'agents/manager/resume.md', '---\ntitle: Engineering manager\nmodel: offline\ncredits: 0.5\ntools: [send_message, retire_agent]\n---\nManage.\n');
  write(root, 'org/meetings/pair.yaml', 'attendees: [manager, janitor]\nrounds: 1\nagenda: Tidy up\nturn: 9\n');
  return { root, id: proposeRetirement(root, 'manager', 'janitor', 'idle') };
}
