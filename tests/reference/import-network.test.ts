import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadOrg } from '../../src/org/load-org-once.js';
import { checkEdge } from '../../src/org/permissions.js';
import { readEdgeList } from '../../src/reference/edge-list.js';
import { networkPiece } from '../../src/reference/network-piece.js';
import { lemming } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/org-files.js';
import { tempDir } from '../helpers/temp-dirs.js';

const FIXTURES = join(REPO_ROOT, 'tests', 'fixtures', 'network');
const TINY = join(FIXTURES, 'tiny-edges.txt');
const TINY_LABELS = join(FIXTURES, 'tiny-labels.txt');
const EU_CORE = join(REPO_ROOT, 'data', 'email-eu-core', 'email-Eu-core.txt');
const EU_LABELS = join(REPO_ROOT, 'data', 'email-eu-core', 'email-Eu-core-department-labels.txt');

/** The chart's entry of an agent, as its three lines read. */
function entry(root: string, agent: string): string {
  const chart = readFileSync(join(root, 'org', 'chart.yaml'), 'utf8');
  const start = chart.indexOf(`\n  ${agent}:\n`);
  return chart.slice(start + 1).split('\n').slice(0, 4).join('\n');
}

describe('lemming import-network', () => {
  test('a tiny network: an agent per person, each department a team under its lead, the chart from the departments and leads, not the edges', () => {
    const root = join(tempDir(), 'tiny');
    const run = lemming(root, ['import-network', TINY, '--labels', TINY_LABELS]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('wrote 4 agents and the human into');
    expect(run.stdout).toContain('2 department(s), each a team under its lead');
    expect(run.stdout).toContain('the data: 5 directed edges between people (1 self-loop(s) left out, 1 repeated line(s) counted once)');
    // a: 1↔2; b: 3↔4; the leads 1↔3: six edges, all but 3→1 in the data.
    expect(run.stdout).toContain('the chart permits 6 edges: everyone to everyone of their department, and the leads to each other (5 of them in the data, 1 not)');

    // Node 1 leads department a (it wrote to the most of it; 2 ties and has the higher id), node 3 leads b; the leads write to each other.
    expect(entry(root, 'agent_00001')).toBe('  agent_00001:\n    reports_to: human\n    send_to: [human, agent_00002, agent_00003]\n    read_from: [human, agent_00002, agent_00003]');
    expect(entry(root, 'agent_00002')).toBe('  agent_00002:\n    reports_to: agent_00001\n    send_to: [agent_00001]\n    read_from: [agent_00001]');
    expect(entry(root, 'agent_00003')).toBe('  agent_00003:\n    reports_to: human\n    send_to: [human, agent_00004, agent_00001]\n    read_from: [human, agent_00004, agent_00001]');
    const resume = readFileSync(join(root, 'agents', 'agent_00003', 'resume.md'), 'utf8');
    expect(resume).toContain('title: "Lead of department b: hands the department\'s work out and reports back"');
    expect(resume).toContain('persona:\n  department: b\n  node: "3"\n');
    expect(readFileSync(join(root, 'network-experiment.yaml'), 'utf8')).toContain('  - to: agent_00001\n');
    expect(lemming(root, ['validate']).status).toBe(0);

    const again = lemming(root, ['import-network', TINY, '--labels', TINY_LABELS]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('holds an org already (org/org.yaml); import-network makes a new org');
  });

  test('--chart edges: the chart is who wrote to whom in the data, and the import says a comparison with it is circular', () => {
    const root = join(tempDir(), 'tiny');
    const run = lemming(root, ['import-network', TINY, '--labels', TINY_LABELS, '--chart', 'edges']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('the chart permits 5 edges: the 5 who-wrote-to-whom of the data and 0 of the reporting lines (member and lead); a run can draw only these, so a comparison with the same data is circular');
    expect(entry(root, 'agent_00001')).toBe('  agent_00001:\n    reports_to: human\n    send_to: [human, agent_00002, agent_00003]\n    read_from: [human, agent_00002]');
    expect(entry(root, 'agent_00003')).toBe('  agent_00003:\n    reports_to: human\n    send_to: [human, agent_00004]\n    read_from: [human, agent_00004, agent_00001]');
  });

  test('--chart department: everyone may write to everyone of their department, and nobody else', () => {
    const root = join(tempDir(), 'tiny');
    const run = lemming(root, ['import-network', TINY, '--labels', TINY_LABELS, '--chart', 'department']);
    expect(run.status).toBe(0);
    expect(entry(root, 'agent_00001')).toBe('  agent_00001:\n    reports_to: human\n    send_to: [human, agent_00002]\n    read_from: [human, agent_00002]');
    expect(entry(root, 'agent_00004')).toBe('  agent_00004:\n    reports_to: agent_00003\n    send_to: [agent_00003]\n    read_from: [agent_00003]');
  });

  test('--people N: a random piece of N people (seeded) and exactly the edges among them', () => {
    const list = readEdgeList(EU_CORE);
    const people = list.nodes;
    const piece = networkPiece(list, people, 250, 1);
    expect(piece.people).toHaveLength(250);
    const kept = new Set(piece.people);
    expect(piece.list.edges).toEqual(list.edges.filter(([from, to]) => kept.has(from) && kept.has(to)));
    expect(networkPiece(list, people, 250, 1).people).toEqual(piece.people);
    expect(networkPiece(list, people, 250, 2).people).not.toEqual(piece.people);

    const root = join(tempDir(), 'tiny');
    const run = lemming(root, ['import-network', TINY, '--labels', TINY_LABELS, '--people', '3', '--seed', '2']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('wrote 3 agents and the human into');
    expect(run.stdout).toContain('  a random piece of the network: 3 of its 4 people (seed 2), and the edges among them');
  });

  test('malformed lines stop the import before anything is written, each named with a valid line', () => {
    const folder = tempDir();
    const edges = join(folder, 'bad.txt');
    writeFileSync(edges, '0 1\n0 1 2\n\n0\n');
    const run = lemming(join(folder, 'org'), ['import-network', edges]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${edges}:2: has 3 field(s); a line holds two, the sender and the recipient, separated by a space or a tab, like \`0 17\``);
    expect(run.stderr).toContain(`${edges}:4: has 1 field(s)`);

    const labels = join(folder, 'labels.txt');
    writeFileSync(labels, '0 a\n');
    const unlabelled = lemming(join(folder, 'org'), ['import-network', TINY, '--labels', labels]);
    expect(unlabelled.status).toBe(2);
    expect(unlabelled.stderr).toContain(`${labels}: has no department for node(s) 1, 2, 3, 4 of ${TINY}; add a line \`1 DEPARTMENT\` for each`);
    expect(lemming(join(folder, 'org'), ['import-network', join(folder, 'none.txt')]).stderr).toContain('none.txt: cannot read the edge list (ENOENT)');
  });

  test('email-Eu-core with --chart edges: 1,005 agents in 42 departments, and every edge of the data is an edge of the chart', () => {
    const root = join(tempDir(), 'eu');
    const run = lemming(root, ['import-network', EU_CORE, '--labels', EU_LABELS, '--chart', 'edges', '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { agents: number; departments: number; leads: number; edges: number; selfLoops: number; repeated: number };
    expect(report).toMatchObject({ agents: 1005, departments: 42, leads: 42, edges: 24929, selfLoops: 642, repeated: 0 });

    const { org } = loadOrg(root);
    const agentOf = new Map<string, string>();
    const departments = new Set<string>();
    for (const agent of org.agents.values()) {
      if (agent.isHuman) continue;
      agentOf.set(String(agent.persona?.node), agent.name);
      departments.add(String(agent.persona?.department));
    }
    expect(agentOf.size).toBe(1005);
    expect(departments.size).toBe(42);
    let checked = 0;
    for (const line of readFileSync(EU_CORE, 'utf8').split('\n')) {
      const [from, to] = line.split(' ');
      if (from === undefined || to === undefined || from === to) continue;
      expect(checkEdge(org, agentOf.get(from) as string, agentOf.get(to) as string).allowed).toBe(true);
      checked += 1;
    }
    expect(checked).toBe(24929);
  });
});
