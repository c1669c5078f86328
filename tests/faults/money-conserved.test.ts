import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { takeWritten } from '../../src/engine/turn/written-messages.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { runBuiltinTool } from '../../src/tools/builtin-tools.js';
import { formatProposal, type Proposal } from '../../src/tools/proposals/proposal.js';
import { lemming } from '../helpers/cli.js';
import { proposeHire } from '../helpers/propose-hire.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultFaultOrg, humanSends, readText, runScripted, writeFile } from './fault-org.js';
import { checkInvariants } from './invariants.js';

const HR = '---\ntitle: People partner\nmodel: offline\ncredits: 0.49\ntools: [send_message, list_agents, hire_agent]\n---\nHire.\n';

function hrOrg(): string {
  const root = defaultFaultOrg();
  writeFile(root, 'agents/hr/resume.md', HR);
  return root;
}

/** A hire as `hire_agent` would make it, with these fields overridden. */
function hireCall(root: string, proposer: string, args: Record<string, unknown>, sequence = 1) {
  const { org } = loadOrg(root);
  const agent = org.agents.get(proposer);
  if (!agent) throw new Error(proposer);
  const hire = { name: 'tester', title: 'Tester', instructions: 'Test.', reports_to: 'manager', credits: 0.1, ...args };
  return runBuiltinTool('hire_agent', hire, { root, org, agent, turn: 4, sequence, at: '2026-11-22T10:00:00.000Z', balance: 0.49, delivered: () => false });
}

/** A proposal file as a person (or a bug) could leave it, bypassing hire_agent's checks. */
function droppedHire(root: string, id: string, hire: Partial<NonNullable<Proposal['hire']>>): void {
  const proposal: Proposal = {
    id,
    kind: 'hire',
    status: 'pending',
    proposed_by: 'hr',
    turn: 4,
    created: '2026-11-22T10:00:00.000Z',
    hire: { name: 'tester', title: 'Tester', instructions: 'Test.', reports_to: 'manager', model: 'offline', credits: 0.4, send_to: ['manager'], read_from: ['manager'], tools: ['send_message'], ...hire },
  };
  writeFile(root, `org/proposals/${id}.md`, formatProposal(proposal));
}

function balanceOf(root: string, agent: string): number {
  const status = JSON.parse(lemming(root, ['status', '--json']).stdout) as { agents: Array<{ name: string; balance: number }> };
  return status.agents.find((entry) => entry.name === agent)?.balance ?? Number.NaN;
}

describe('money is conserved', () => {
  test('a hire reserves its budget: three hires of 0.4 from 0.49 are one proposal and two refusals', () => {
    const root = hrOrg();
    const results = [1, 2, 3].map((sequence) => hireCall(root, 'hr', { name: `tester_0${sequence}`, credits: 0.4 }, sequence));
    expect(results[0]?.result.isError).toBe(false);
    for (const later of results.slice(1)) {
      expect(later.result).toMatchObject({ isError: true, content: expect.stringContaining('more than the 0.0900 you have left to promise (you have 0.4900, and 0.4000 are promised to hires that wait for the human)') });
    }
    expect(lemming(root, ['approvals', '--json']).stdout.match(/"id"/g)).toHaveLength(1);
  });

  test('an approval the proposer cannot pay now is refused with the reason, and nothing is written or moved', () => {
    const root = hrOrg();
    const first = proposeHire(root, { proposer: 'hr', name: 'tester_01', reportsTo: 'manager', credits: 0.4, balance: 0.49 });
    droppedHire(root, '000004-hr-009', { name: 'tester_02' });
    expect(lemming(root, ['approve', first]).status).toBe(0);
    const second = lemming(root, ['approve', '000004-hr-009']);
    expect(second.status).toBe(1);
    expect(second.stderr).toContain('hr has 0.0900 credits now, less than the 0.4000 to move');
    expect(existsSync(join(root, 'agents/tester_02'))).toBe(false);
    expect(readText(root, 'org/chart.yaml')).not.toContain('tester_02');
    expect(balanceOf(root, 'hr')).toBe(0.09);
    expect(checkInvariants(root)).toEqual([]);
  });

  test('a hire whose proposer has retired meanwhile takes its budget from no one: refused', () => {
    const root = hrOrg();
    writeFile(root, 'agents/manager/resume.md', readText(root, 'agents/manager/resume.md').replace(/tools: \[([^\]]*)\]/, 'tools: [$1, retire_agent]'));
    const hire = proposeHire(root, { proposer: 'hr', name: 'tester_01', reportsTo: 'manager', credits: 0.2, balance: 0.49 });
    const { org } = loadOrg(root);
    const manager = org.agents.get('manager');
    if (!manager) throw new Error('manager');
    const retirement = runBuiltinTool('retire_agent', { name: 'hr', reason: 'reorganised' }, { root, org, agent: manager, turn: 4, sequence: 2, at: '2026-11-22T10:00:00.000Z', balance: 0.5, delivered: () => false });
    expect(lemming(root, ['approve', retirement.proposal ?? '']).status).toBe(0);
    const approved = lemming(root, ['approve', hire]);
    expect(approved.status).toBe(1);
    expect(approved.stderr).toContain('hr is no longer in the org, so nobody pays for this hire');
    expect(existsSync(join(root, 'agents/tester_01'))).toBe(false);
    // hr's credits went back to the manager: nothing made, nothing lost.
    expect(balanceOf(root, 'manager')).toBe(0.99);
    expect(checkInvariants(root)).toEqual([]);
  });

  test('a retirement killed between the two lines of its transfer gives the proposer what left the retired agent when approved again', () => {
    const root = hrOrg();
    writeFile(root, 'agents/manager/resume.md', readText(root, 'agents/manager/resume.md').replace(/tools: \[([^\]]*)\]/, 'tools: [$1, retire_agent]'));
    const { org } = loadOrg(root);
    const manager = org.agents.get('manager');
    if (!manager) throw new Error('manager');
    const id = runBuiltinTool('retire_agent', { name: 'hr', reason: 'reorganised' }, { root, org, agent: manager, turn: 4, sequence: 2, at: '2026-11-22T10:00:00.000Z', balance: 0.5, delivered: () => false }).proposal ?? '';
    // Killed with hr's line written and the manager's cut in half.
    expect(lemming(root, ['approve', id], { LEMMING_CRASH_AT: 'mid-ledger:1' }).signal).toBe('SIGKILL');
    const approved = lemming(root, ['approve', id]);
    expect(approved.stdout).toContain('its 0.4900 credits went to manager');
    expect(balanceOf(root, 'manager')).toBe(0.99);
    expect(checkInvariants(root)).toEqual([]);
  });

  test('a hire killed between the two lines of its transfer, under the chart lock it then held, is finished by approving again: paid once, the agent written', () => {
    const root = hrOrg();
    const id = proposeHire(root, { proposer: 'hr', name: 'tester_01', reportsTo: 'manager', credits: 0.2, balance: 0.49 });
    // Killed with hr's line written and the hire's cut in half, holding org/state/lock.chart (a dead holder's lock is taken back).
    expect(lemming(root, ['approve', id], { LEMMING_CRASH_AT: 'mid-ledger:1' }).signal).toBe('SIGKILL');
    const approved = lemming(root, ['approve', id]);
    expect(approved.status).toBe(0);
    expect(approved.stdout).toContain('tester_01 joins at the next turn');
    expect(balanceOf(root, 'hr')).toBe(0.29);
    expect(balanceOf(root, 'tester_01')).toBe(0.2);
    expect(readText(root, 'org/chart.yaml').match(/^ {2}tester_01:/gm)).toHaveLength(1);
    expect(checkInvariants(root)).toEqual([]);
  });
});

describe('proposals are validated against the org, when made and when approved', () => {
  test('a hire may not reach further than its proposer, nor grant a server the org does not declare', () => {
    const root = hrOrg();
    const wide = hireCall(root, 'hr', { send_to: ['human', '*'], read_from: ['*'] });
    expect(wide.result.isError).toBe(true);
    expect(wide.result.content).toContain('send_to names "human", but hr may not send to human itself');
    expect(wide.result.content).toContain('send_to names "*", but hr may not send to everyone itself');
    expect(wide.result.content).toContain('read_from names "*"');
    const tools = hireCall(root, 'hr', { tools: ['send_message', 'nowhere/run', 'hire_agent', 'retire_agent'] });
    expect(tools.result.content).toContain('org/org.yaml mcp_servers has no server "nowhere"');
    expect(tools.result.content).toContain('"retire_agent" is not in hr\'s own tools');
    expect(tools.result.content).not.toContain('"hire_agent" is not in');
    expect(hireCall(root, 'hr', { reports_to: 'human' }).result.content).toContain('hr may not write to the human itself, so its hire may not report to the human');
    // Within reach: its manager's team, with edges to its manager.
    expect(hireCall(root, 'hr', { reports_to: 'planner', send_to: ['planner'], read_from: ['planner'] }).result.isError).toBe(false);
  });

  test('an approval that would leave the org invalid is refused, writes nothing, and `lemming run` still starts', () => {
    const root = hrOrg();
    droppedHire(root, '000004-hr-001', { name: 'wide', credits: 0.1, send_to: ['human', '*'], read_from: ['*'] });
    droppedHire(root, '000004-hr-002', { name: 'mcp', credits: 0.1, tools: ['send_message', 'github/*'] });
    droppedHire(root, '000004-hr-003', { name: 'model', credits: 0.1, model: 'gpt-9' });
    const chart = readText(root, 'org/chart.yaml');
    for (const [id, reason] of [
      ['000004-hr-001', 'a hire gets no edge its proposer does not have'],
      ['000004-hr-002', 'no server "github"'],
      ['000004-hr-003', 'model "gpt-9" is not in org/org.yaml models'],
    ] as const) {
      const approved = lemming(root, ['approve', id]);
      expect(approved.status).toBe(1);
      expect(approved.stderr).toContain(reason);
      expect(readText(root, `org/proposals/${id}.md`)).toContain('status: failed');
    }
    expect(readText(root, 'org/chart.yaml')).toBe(chart);
    expect(['wide', 'mcp', 'model'].some((name) => existsSync(join(root, 'agents', name)))).toBe(false);
    expect(lemming(root, ['validate']).status).toBe(0);
    const run = lemming(root, ['run-once']);
    expect(run.status).toBe(0);
    expect(checkInvariants(root, { idle: false })).toEqual([]);
  });
});

describe('a retirement loses no mail', () => {
  test('mail the retired agent sent that was not yet read is delivered from where its folder went, once', async () => {
    const root = hrOrg();
    writeFile(root, 'agents/manager/resume.md', readText(root, 'agents/manager/resume.md').replace(/tools: \[([^\]]*)\]/, 'tools: [$1, retire_agent]'));
    writeFile(root, 'org/chart.yaml', readText(root, 'org/chart.yaml').replace('  human:\n    reports_to: null\n    send_to: [manager]', '  human:\n    reports_to: null\n    send_to: [manager, janitor]').replace('  janitor:\n    reports_to: manager\n    send_to: [manager]\n    read_from: [manager]', '  janitor:\n    reports_to: manager\n    send_to: [manager]\n    read_from: [manager, human]'));
    humanSends(root, 'janitor', 'Tell the manager the build is green.');
    const seen: string[] = [];
    const provider = new ScriptedProvider((request) => {
      if (request.agent === 'janitor' && request.turn === 1) return { toolCalls: [sendCall('manager', 'The build is green.', { subject: 'Build' })] };
      if (request.agent === 'manager') seen.push(request.messages[0]?.content ?? '');
      return {};
    });
    await runScripted(root, provider, { maxTurns: 1 });
    // The janitor is retired before its message is read.
    const { org } = loadOrg(root);
    const manager = org.agents.get('manager');
    if (!manager) throw new Error('manager');
    const retirement = runBuiltinTool('retire_agent', { name: 'janitor', reason: 'done' }, { root, org, agent: manager, turn: 1, sequence: 9, at: '2026-11-22T10:00:00.000Z', balance: 0.5, delivered: () => false });
    expect(lemming(root, ['approve', retirement.proposal ?? '']).status).toBe(0);
    // As a fresh process would, the next turn reads the message from its file, not from this process's memory.
    expect(takeWritten(root, 'agents/janitor/outbox/000001-001-manager.md')).toBeDefined();
    const events = await runScripted(root, provider, { maxTurns: 2 });
    expect(seen.filter((prompt) => prompt.includes('The build is green.'))).toHaveLength(1);
    expect(events.filter((event) => event.type === 'warning').map((event) => (event as { message: string }).message).join('\n')).not.toContain('cannot be shown');
    expect(readFileSync(join(root, 'agents/manager/logs/activity.jsonl'), 'utf8')).toContain('000001-janitor-001');
    expect(checkInvariants(root)).toEqual([]);
  });
});
