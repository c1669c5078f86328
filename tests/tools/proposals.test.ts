import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { acquireLock } from '../../src/engine/record/lock.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { runBuiltinTool } from '../../src/tools/builtin-tools.js';
import { addAgentToChart, removeAgentFromChart } from '../../src/tools/proposals/chart-edit.js';
import { lemming } from '../helpers/cli.js';
import { proposeHire as proposeHireAs } from '../helpers/propose-hire.js';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import { defaultOrg, ofType, read, runEngine, write } from '../helpers/temp-org.js';

const CHART = `# Who talks to whom.
agents:
  human:
    reports_to: null
    send_to: [manager]   # the person
    read_from: ["*"]
  manager:
    reports_to: human
    send_to: [human, hr]
    read_from: ["*"]
  hr:
    reports_to: manager
    send_to: [manager]
    read_from: [manager]
`;

describe('chart edits', () => {
  test('adding an agent keeps comments and order, and links it with its manager both ways', () => {
    const after = addAgentToChart(CHART, { name: 'coder_02', reportsTo: 'hr', sendTo: ['hr'], readFrom: ['hr'] });
    // yaml keeps comments but writes one space before them.
    expect(after).toBe(
      CHART.replace('[manager]   # the person', '[manager] # the person').replace('  hr:\n    reports_to: manager\n    send_to: [manager]\n    read_from: [manager]\n', '  hr:\n    reports_to: manager\n    send_to: [manager, coder_02]\n    read_from: [manager, coder_02]\n') +
        '  coder_02:\n    reports_to: hr\n    send_to: [hr]\n    read_from: [hr]\n',
    );
    // A manager reading from "*" is not given a second entry; adding twice changes nothing.
    const underManager = addAgentToChart(CHART, { name: 'ops', reportsTo: 'manager', sendTo: ['manager'], readFrom: ['manager'] });
    expect(underManager).toContain('read_from: ["*"]\n  hr:');
    expect(underManager).toContain('send_to: [human, hr, ops]');
    expect(addAgentToChart(underManager, { name: 'ops', reportsTo: 'manager', sendTo: [], readFrom: [] })).toBe(underManager);
  });

  test('removing an agent takes it out of everyone\'s lists and keeps the rest', () => {
    const after = removeAgentFromChart(CHART, 'hr');
    expect(after).toContain('# Who talks to whom.');
    expect(after).toContain('send_to: [human]');
    expect(after).not.toContain('hr');
  });
});

function proposeHire(root: string, credits = 0.1): string {
  write(root, 'agents/hr/resume.md', '---\ntitle: HR\nmodel: offline\ncredits: 0.25\ntools: [send_message, hire_agent]\n---\nHire.\n');
  return proposeHireAs(root, { proposer: 'hr', name: 'coder_02', reportsTo: 'planner', credits });
}

describe('hiring with the human\'s approval, through the built CLI', () => {
  test('a proposal waits in org/proposals; approve writes the resume, edits the chart and moves the budget once', () => {
    const root = defaultOrg();
    const id = proposeHire(root);
    expect(id).toBe('000004-hr-001');
    expect(read(root, `org/proposals/${id}.md`)).toContain('hr proposes to hire coder_02 (Second engineer), reporting to planner, 0.1 credits from hr.');
    expect(existsSync(join(root, 'agents/coder_02'))).toBe(false);

    const waiting = lemming(root, ['approvals']);
    expect(waiting.status).toBe(0);
    expect(waiting.stdout).toContain(`${id}  hr proposes to hire coder_02 (Second engineer)`);

    const approved = lemming(root, ['approve', id]);
    expect(approved.stderr).toBe('');
    expect(approved.stdout).toContain(`approved ${id}: hire coder_02`);
    expect(read(root, 'agents/coder_02/resume.md')).toBe('---\ntitle: Second engineer\nmodel: offline\ncredits: 0\ntools:\n  - send_message\n  - remember\n---\nWrite tests.\n');
    expect(read(root, 'org/chart.yaml')).toContain('  coder_02:\n    reports_to: planner\n    send_to: [planner]\n    read_from: [planner]\n');
    expect(lemming(root, ['validate']).status).toBe(0);
    const status = JSON.parse(lemming(root, ['status', '--json']).stdout) as { agents: Array<{ name: string; balance: number }> };
    expect(status.agents.find((agent) => agent.name === 'coder_02')?.balance).toBeCloseTo(0.1);
    expect(status.agents.find((agent) => agent.name === 'hr')?.balance).toBeCloseTo(0.15);

    // Approving again is a no-op that says so: no second transfer.
    expect(lemming(root, ['approve', id]).stdout).toContain(`${id} was already done`);
    const transfers = readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8').trim().split('\n');
    expect(transfers).toHaveLength(2);
    expect(lemming(root, ['approvals']).stdout).toContain('nothing waits for your approval');
    expect(lemming(root, ['approvals', '--all']).stdout).toContain(`${id} [done]`);
  });

  test('reject records the reason and changes nothing else; a decided proposal cannot be flipped', () => {
    const root = defaultOrg();
    const id = proposeHire(root);
    const rejected = lemming(root, ['reject', id, '--reason', 'no budget this quarter']);
    expect(rejected.stdout).toContain(`rejected ${id}`);
    expect(read(root, `org/proposals/${id}.md`)).toContain('reason: no budget this quarter');
    expect(existsSync(join(root, 'agents/coder_02'))).toBe(false);
    const flip = lemming(root, ['approve', id]);
    expect(flip.status).toBe(1);
    expect(flip.stderr).toContain(`${id} was already rejected`);
    expect(lemming(root, ['approve', 'nope']).stderr).toContain('is not a proposal id');
  });

  test('hire_agent refuses a budget larger than the proposer has, and names that are taken', () => {
    const root = defaultOrg();
    write(root, 'agents/hr/resume.md', '---\ntitle: HR\nmodel: offline\ncredits: 0.25\ntools: [hire_agent]\n---\nHire.\n');
    const { org } = loadOrg(root);
    const hr = org.agents.get('hr');
    if (!hr) throw new Error('hr');
    const context = { root, org, agent: hr, turn: 1, sequence: 1, at: '2026-11-22T10:00:00.000Z', balance: 0.25, delivered: () => false };
    const greedy = runBuiltinTool('hire_agent', { name: 'x', title: 'X', instructions: '', reports_to: 'hr', credits: 5 }, context).result;
    expect(greedy).toMatchObject({ isError: true, content: expect.stringContaining('more than the 0.2500 you have') });
    const taken = runBuiltinTool('hire_agent', { name: 'planner', title: 'X', instructions: '', reports_to: 'hr', credits: 0 }, context).result;
    expect(taken.content).toContain('already an agent named planner');
    // A budget is held to the rule of a resume's credits: a hire's resume past it would not load.
    for (const [credits, why] of [[2_000_000, "credits must be at most 1000000 for a new agent's budget"], [0.1234567891, 'credits have at most 9 decimals']] as const) {
      const rich = runBuiltinTool('hire_agent', { name: 'x', title: 'X', instructions: '', reports_to: 'hr', credits }, { ...context, balance: 3_000_000 }).result;
      expect(rich).toMatchObject({ isError: true, content: expect.stringContaining(why) });
    }
    expect(existsSync(join(root, 'org/proposals'))).toBe(false);
  });

  test('add-agent writes the resume and both chart edges in one command', () => {
    const root = defaultOrg();
    const added = lemming(root, ['add-agent', 'tester', '--title', 'Tester', '--reports-to', 'planner', '--credits', '0.3', '--tools', 'send_message,read_file']);
    expect(added.stdout).toContain('added tester (Tester), reporting to planner');
    expect(read(root, 'agents/tester/resume.md')).toContain('credits: 0.3\ntools:\n  - send_message\n  - read_file\n');
    const chart = read(root, 'org/chart.yaml');
    expect(chart).toContain('# Who reports to whom');
    expect(chart).toContain('  planner:\n    reports_to: manager\n    send_to: [manager, coder_01, tester]\n    read_from: [manager, coder_01, tester]\n');
    expect(lemming(root, ['validate']).status).toBe(0);
    const again = lemming(root, ['add-agent', 'tester', '--title', 'Tester', '--reports-to', 'planner']);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('there is already an agent named tester');
    expect(lemming(root, ['add-agent', 'x', '--title', 'X', '--reports-to', 'nobody']).stderr).toContain('reports_to names "nobody"');
  });

  test('add-agent with a misspelt manager or tool says each once, with the name meant and the valid ones, and writes nothing', () => {
    const root = defaultOrg();
    const chart = read(root, 'org/chart.yaml');
    const manager = lemming(root, ['add-agent', 'tester', '--title', 'Tester', '--reports-to', 'planer']);
    expect(manager.status).toBe(2);
    expect(manager.stderr).toBe('lemming: cannot add tester: reports_to names "planer", which is not an agent of this org; did you mean planner? The agents: coder_01, hr, human, janitor, manager, planner\n');
    const tool = lemming(root, ['add-agent', 'tester', '--title', 'Tester', '--reports-to', 'planner', '--tools', 'send_mesage,remember']);
    expect(tool.status).toBe(2);
    expect(tool.stderr).toMatch(/^lemming: cannot add tester: tools: names the tool "send_mesage", which is not a tool: it must be one of send_message, remember, read_file, .*\n$/);
    expect(existsSync(join(root, 'agents/tester'))).toBe(false);
    expect(read(root, 'org/chart.yaml')).toBe(chart);
  });
});

describe('retirements and tool calls that wait for approval', () => {
  test('a tool listed in needs_approval becomes a proposal; approving runs it as the proposer', async () => {
    const root = defaultOrg();
    write(root, 'org/org.yaml', `${read(root, 'org/org.yaml')}\nneeds_approval: [write_file]\n`);
    const { org } = loadOrg(root);
    const coder = org.agents.get('coder_01');
    if (!coder) throw new Error('coder_01');
    const { ToolRunner } = await import('../../src/tools/tool-runner.js');
    const runner = new ToolRunner(root, () => org);
    const held = await runner.run({ id: 'c1', name: 'write_file', arguments: { path: 'deploy.sh', content: 'echo deploy' } }, { org, agent: coder, turn: 5, sequence: 2, at: '2026-11-22T10:00:00.000Z', balance: 0.5, delivered: () => false });
    expect(held.result.content).toContain("proposal 000005-coder_01-002 is waiting for the human's approval");
    expect(existsSync(join(root, 'agents/coder_01/workspace/deploy.sh'))).toBe(false);
    expect(lemming(root, ['approvals']).stdout).toContain('000005-coder_01-002  coder_01 proposes to call write_file {"path":"deploy.sh","content":"echo deploy"}');
    expect(lemming(root, ['approve', '000005-coder_01-002']).stdout).toContain('result: wrote 11 bytes to deploy.sh');
    expect(read(root, 'agents/coder_01/workspace/deploy.sh')).toBe('echo deploy');
    expect(read(root, 'org/proposals/000005-coder_01-002.md')).toContain('status: done');
  });

  test('approving a retirement returns its credits to the proposer, takes it out of the chart and keeps its folder aside', () => {
    const root = defaultOrg();
    write(root, 'agents/manager/resume.md', '---\ntitle: Engineering manager\nmodel: offline\ncredits: 0.5\ntools: [send_message, retire_agent]\n---\nManage.\n');
    const { org } = loadOrg(root);
    const manager = org.agents.get('manager');
    if (!manager) throw new Error('manager');
    const proposed = runBuiltinTool('retire_agent', { name: 'janitor', reason: 'the workspace tidies itself' }, { root, org, agent: manager, turn: 2, sequence: 1, at: '2026-11-22T10:00:00.000Z', balance: 0.5, delivered: () => false });
    expect(proposed.proposal).toBe('000002-manager-001');
    expect(lemming(root, ['approve', '000002-manager-001']).stdout).toContain('retire janitor: the workspace tidies itself; its 0.1000 credits went to manager; janitor leaves at the next turn');
    expect(read(root, 'org/chart.yaml')).not.toContain('janitor');
    expect(existsSync(join(root, 'agents/janitor'))).toBe(false);
    expect(read(root, 'agents/.retired/janitor-000002-manager-001/resume.md')).toContain('Janitor');
    const status = JSON.parse(lemming(root, ['status', '--json']).stdout) as { agents: Array<{ name: string; balance: number }> };
    expect(status.agents.find((agent) => agent.name === 'manager')?.balance).toBeCloseTo(0.6);
    expect(status.agents.some((agent) => agent.name === 'janitor')).toBe(false);
    expect(lemming(root, ['validate']).status).toBe(0);
  });

  test('a retirement says where its credits go and how many: the list, an approval a running engine carries out, its event, the proposer\'s notice, the list afterwards', async () => {
    const root = defaultOrg();
    write(root, 'agents/manager/resume.md', '---\ntitle: Engineering manager\nmodel: offline\ncredits: 1\ntools: [send_message, retire_agent]\n---\nManage.\n');
    write(root, 'agents/janitor/resume.md', '---\ntitle: Janitor\nmodel: offline\ncredits: 50\n---\nTidy.\n');
    const { org } = loadOrg(root);
    const manager = org.agents.get('manager');
    if (!manager) throw new Error('manager');
    const proposed = runBuiltinTool('retire_agent', { name: 'janitor', reason: 'idle, tidy up' }, { root, org, agent: manager, turn: 2, sequence: 1, at: '2026-11-22T10:00:00.000Z', balance: 1, delivered: () => false });
    expect(proposed.proposal).toBe('000002-manager-001');
    expect(lemming(root, ['approvals']).stdout).toContain('000002-manager-001  manager proposes to retire janitor: idle, tidy up; the credits janitor holds when it is retired go to manager (50.00 now)');

    // A run holds the lock: the approval is recorded, and the engine's next turn carries it out.
    const lock = acquireLock(root, 'run');
    const approved = lemming(root, ['approve', '000002-manager-001']);
    lock.release();
    expect(approved.stdout).toContain('the credits janitor holds when it is retired go to manager (50.00 now)');

    const provider = new ScriptedProvider(() => ({}));
    const events = await runEngine(root, { maxTurns: 1 }, { providerFactory: () => provider });
    expect(ofType(events, 'proposal-carried-out')[0]?.summary).toBe('retire janitor: idle, tidy up; its 50.00 credits went to manager; janitor leaves from this turn; its folder is in agents/.retired/');
    const told = provider.requests.find((request) => request.agent === 'manager')?.messages[0]?.content ?? '';
    expect(told).toContain('janitor has left the org; its 50.00 credits moved to your budget');
    const status = JSON.parse(lemming(root, ['status', '--json']).stdout) as { agents: Array<{ name: string; balance: number }> };
    // 1 + 50, less what the manager's turn cost.
    expect(status.agents.find((agent) => agent.name === 'manager')?.balance).toBeCloseTo(51, 1);
    expect(lemming(root, ['approvals', '--all']).stdout).toContain('000002-manager-001 [done]  manager proposes to retire janitor: idle, tidy up; its 50.00 credits went to manager');
  });
});

describe('deciding in chat', () => {
  test('/approvals lists what waits; /approve carries it out; /reject without an id says how', () => {
    const root = defaultOrg();
    const id = proposeHire(root);
    const chat = lemming(root, ['chat', '--plain'], {}, `/approvals\n/reject\n/approve ${id}\n/approvals\n`);
    expect(chat.status).toBe(0);
    expect(chat.stdout).toContain(`${id}  hr proposes to hire coder_02 (Second engineer), reporting to planner, 0.1 credits from hr`);
    expect(chat.stdout).toContain('say which proposal: /reject <id> (/approvals lists them)');
    expect(chat.stdout).toContain(`approved ${id}: hire coder_02`);
    expect(chat.stdout).toContain('nothing waits for your approval');
    expect(read(root, 'agents/coder_02/resume.md')).toContain('title: Second engineer');
  });
});

describe('listing proposals', () => {
  test('a proposal file edited by hand is read again, also when it no longer parses', async () => {
    const { listProposals, PROPOSALS_DIRECTORY } = await import('../../src/tools/proposals/proposal-store.js');
    const root = defaultOrg();
    const id = proposeHireAs(root, { proposer: 'hr', name: 'coder_02', reportsTo: 'planner', credits: 0.1 });
    const file = `${PROPOSALS_DIRECTORY}/${id}.md`;
    expect(listProposals(root).proposals.map((proposal) => proposal.status)).toEqual(['pending']);
    // Listed again with nothing changed: the same proposal (from the parse kept for the file).
    expect(listProposals(root).proposals[0]?.id).toBe(id);
    write(root, file, read(root, file).replace('status: pending', 'status: rejected\nreason: not now'));
    const edited = listProposals(root).proposals[0];
    expect(edited?.status).toBe('rejected');
    expect(edited?.reason).toBe('not now');
    write(root, file, 'no front matter here\n');
    expect(listProposals(root).proposals).toEqual([]);
    expect(listProposals(root).problems[0]).toContain(file);
  });
});
