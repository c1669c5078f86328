import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { defaultOrg, read, write } from '../helpers/temp-org.js';

/** A proposal file as a person could write it into org/proposals/ by hand. */
function proposalFile(id: string, fields: string): string {
  return `---\nid: ${id}\nstatus: pending\nturn: 2\ncreated: 2026-11-29T00:00:00.000Z\n${fields}\n---\nWritten by hand.\n`;
}

/**
 * Proposals are files anyone with the folder can write: what `lemming approvals` lists and
 * `lemming approve` carries out is held to what the org is, not to what the file claims.
 */
describe('a proposal written by hand', () => {
  test('a retirement of an agent the org never had cannot be approved, and approving it moves nothing and says so', () => {
    const root = defaultOrg();
    write(root, 'org/proposals/000002-manager-001.md', proposalFile('000002-manager-001', 'kind: retire\nproposed_by: manager\nretire: { name: ghost, reason: gone }'));
    const ledger = (): string => (existsSync(join(root, 'org/state/ledger.jsonl')) ? read(root, 'org/state/ledger.jsonl') : '');
    const before = ledger();
    expect(lemming(root, ['approvals']).stdout).toContain('000002-manager-001  manager proposes to retire ghost: gone; the credits ghost holds when it is retired go to manager (0.0000 now); cannot be approved: ghost is not an agent of this org; the agents: coder_01, hr, human, janitor, manager, planner');
    const approved = lemming(root, ['approve', '000002-manager-001']);
    // Before: `approved 000002-manager-001: retire ghost: gone; its 0.0000 credits went to manager; ghost leaves at the next turn; its folder is in agents/.retired/`, exit 0.
    expect(approved.stdout).not.toContain('went to manager');
    expect(approved.stderr).toContain('000002-manager-001 cannot be carried out: ghost is not an agent of this org');
    expect(approved.status).toBe(1);
    expect(ledger()).toBe(before);
    expect(read(root, 'org/proposals/000002-manager-001.md')).not.toContain('status: done');
  });

  test("a retirement whose name is a path moves no folder of the org's (or outside it)", () => {
    const root = defaultOrg();
    write(root, 'workspace/notes.md', 'the shared notes\n');
    write(root, 'org/proposals/000002-manager-001.md', proposalFile('000002-manager-001', 'kind: retire\nproposed_by: manager\nretire: { name: "../workspace", reason: tidy }'));
    expect(lemming(root, ['approvals']).stdout).toContain('cannot be approved: name "../workspace" is not a valid agent name; an agent name is 1-64 characters');
    const approved = lemming(root, ['approve', '000002-manager-001']);
    expect(approved.stderr).toContain('name "../workspace" is not a valid agent name');
    expect(approved.status).toBe(1);
    // Before: the shared workspace was moved to agents/workspace-000002-manager-001 and the approval said it had been retired.
    expect(read(root, 'workspace/notes.md')).toBe('the shared notes\n');
    expect(readdirSync(join(root, 'agents')).sort()).toEqual(['coder_01', 'hr', 'human', 'janitor', 'manager', 'planner']);
  });

  test("retiring a manager hands its reports to the manager's own manager: the chart names nobody who is gone", () => {
    const root = defaultOrg();
    write(root, 'org/proposals/000000-hr-001.md', proposalFile('000000-hr-001', 'kind: retire\nproposed_by: hr\nretire: { name: manager, reason: restructuring }'));
    expect(lemming(root, ['approve', '000000-hr-001']).status).toBe(0);
    // Before: planner, hr and janitor still reported to manager, and every command after warned
    // `org/chart.yaml:9: agents.planner.reports_to: names "manager", which is not an agent of this org; ignored until you edit the chart`.
    const validated = lemming(root, ['validate']);
    expect(`${validated.stdout}${validated.stderr}`).not.toContain('not an agent of this org');
    expect(validated.status).toBe(0);
    const chart = read(root, 'org/chart.yaml');
    for (const report of ['planner', 'hr', 'janitor']) expect(chart).toContain(`  ${report}:\n    reports_to: human\n`);
    expect(chart).toContain('  coder_01:\n    reports_to: planner\n');
  });

  test("a proposal whose id is not its file's name is a problem of that file, named with the id it should have; nothing is written under the other id", () => {
    const root = defaultOrg();
    write(root, 'org/proposals/000002-hr-005.md', proposalFile('000002-hr-099', 'kind: retire\nproposed_by: hr\nretire: { name: janitor, reason: idle }'));
    const listed = lemming(root, ['approvals']);
    expect(`${listed.stdout}${listed.stderr}`).toContain('org/proposals/000002-hr-005.md: id is "000002-hr-099", but a proposal\'s id is its file\'s name; for example id: 000002-hr-005');
    const approved = lemming(root, ['approve', '000002-hr-005']);
    // Before: `approved 000002-hr-005: … it has been carried out (pending)`, exit 0, and org/proposals/000002-hr-099.md written beside it.
    expect(approved.stderr).toContain('org/proposals/000002-hr-005.md: id is "000002-hr-099"');
    expect(approved.status).not.toBe(0);
    expect(existsSync(join(root, 'org/proposals/000002-hr-099.md'))).toBe(false);
    expect(existsSync(join(root, 'agents/janitor/resume.md'))).toBe(true);
  });

  test('a hire or a retirement that does not say what it asks for is listed as one that cannot be approved', () => {
    const root = defaultOrg();
    write(root, 'org/proposals/000002-manager-001.md', proposalFile('000002-manager-001', 'kind: retire\nproposed_by: manager'));
    write(root, 'org/proposals/000002-hr-001.md', proposalFile('000002-hr-001', 'kind: hire\nproposed_by: hr'));
    const listed = lemming(root, ['approvals']).stdout;
    // Before: `manager proposes to retire` and `hr proposes to hire`, with nothing said against them.
    expect(listed).toContain('000002-manager-001  manager proposes to retire; cannot be approved: it names no agent to retire; a retirement has retire: { name: janitor, reason: "…" }');
    expect(listed).toContain('000002-hr-001  hr proposes to hire; cannot be approved: it is a hire without details; a hire has hire: { name: coder_02, title: "…", … }');
  });

  test('a hire that leaves fields out is listed with what is missing, by field, in the list, the chat and the proposal', () => {
    const root = defaultOrg();
    write(root, 'org/proposals/000002-hr-001.md', proposalFile('000002-hr-001', 'kind: hire\nproposed_by: hr\nhire:\n  name: coder_09'));
    const listed = lemming(root, ['approvals']).stdout;
    // Before: `hr proposes to hire coder_09 (undefined), reporting to undefined, undefined credits from hr; cannot be approved: … reports_to names "undefined" … model "undefined" …`.
    expect(listed).toContain('000002-hr-001  hr proposes to hire coder_09 (title missing), reports_to missing, credits missing from hr; cannot be approved: ');
    expect(listed).toContain('reports_to is missing; give the agent it reports to, for example reports_to: manager');
    expect(listed).toContain('model is missing; give one of org/org.yaml models (known: offline,');
    expect(listed).not.toContain('undefined');
    const chat = lemming(root, ['chat', '--plain'], {}, '/approvals\n/quit\n');
    expect(chat.stdout).toContain('hr proposes to hire coder_09 (title missing), reports_to missing, credits missing from hr');
    expect(chat.stdout).not.toContain('undefined');
    const approved = lemming(root, ['approve', '000002-hr-001']);
    expect(approved.status).toBe(1);
    expect(approved.stderr).toContain('reports_to is missing');
    expect(approved.stderr).not.toContain('undefined');
  });
});
