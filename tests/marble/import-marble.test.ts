import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { agentNameFrom, isValidAgentName } from '../../src/org/names.js';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { tempDir } from '../helpers/org-files.js';

/*
 * Rows written here in MultiAgentBench's own format (multiagentbench/<scenario>/<scenario>_main.jsonl
 * of github.com/MultiagentBench/MARBLE): no data set is shipped.
 */

const RESEARCH = {
  scenario: 'research',
  task_id: 1,
  agents: [
    { agent_id: 'agent1', profile: 'I am a researcher who studies federated learning. I care about privacy.', type: 'BaseAgent' },
    { agent_id: 'agent2', profile: 'I am a researcher in statistics and causal inference.', type: 'BaseAgent' },
    { agent_id: 'agent3', profile: 'I am a researcher of distributed systems.', type: 'BaseAgent' },
  ],
  coordinate_mode: '',
  engine_planner: { initial_progress: 'Starting the collaborative research idea generation based on the provided Introduction.' },
  environment: { max_iterations: '', name: '', type: '' },
  llm: '',
  memory: { type: '' },
  metrics: { diversity_of_perspectives: true, engagement_level: true, evaluate_llm: '', relevance: true },
  output: { file_path: '', format: 'jsonl' },
  relationships: [
    ['agent1', 'agent2', 'collaborate with'],
    ['agent1', 'agent3', 'collaborate with'],
  ],
  task: {
    content: '\n            Dear Research Team,\n\n            You are collaborating to generate a new research idea on personalised federated learning.\n',
    output_format: 'You should answer the task in the following format:\n                **[Question 1] - What is the problem?**\n\n                **[Question 2] - Why is it interesting and important?**\n',
  },
};

const CODING = {
  scenario: 'coding',
  task_id: 7,
  coordinate_mode: 'star',
  relationships: [
    ['agent1', 'agent2', 'collaborates with'],
    ['agent2', 'agent1', 'collaborates with'],
  ],
  llm: '',
  environment: { type: '', name: '', workspace_dir: 'workspace', max_iterations: '' },
  task: { content: 'Software Development Task:\n\nPlease write a software system called CulturalExchangeHub.\n', output_format: 'The final deliverable should include:\nsolution.py\n' },
  agents: [
    { type: 'CodingAgent', agent_id: 'agent1', profile: 'I am a Senior Software Developer specialized in Python development.' },
    { type: 'CodingAgent', agent_id: 'agent2', profile: 'I am a code reviewer who revises code.' },
  ],
  memory: { type: '' },
  metrics: { evaluate_llm: '', code_quality: true, test_coverage: true, collaboration_effectiveness: true },
  engine_planner: { initial_progress: 'Starting the software development project with team coordination.' },
  output: { format: 'jsonl', file_path: '' },
};

const TREE = {
  ...RESEARCH,
  task_id: 2,
  coordinate_mode: 'tree',
  agents: [...RESEARCH.agents, { agent_id: 'agent4', profile: 'I am a researcher of optimisation.', type: 'BaseAgent' }],
  relationships: [
    ['agent1', 'agent2', 'parent'],
    ['agent1', 'agent3', 'parent'],
    ['agent2', 'agent4', 'parent'],
    ['agent3', 'agent4', 'collaborate with'],
  ],
};

const CHAIN = { ...RESEARCH, task_id: 3, coordinate_mode: 'chain', relationships: [] };

function jsonl(rows: unknown[]): string {
  return rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n');
}

interface Entry {
  reports_to: string | null;
  send_to: string[];
  read_from: string[];
}
function chartOf(root: string): Record<string, Entry> {
  return (parse(readFileSync(join(root, 'org/chart.yaml'), 'utf8')) as { agents: Record<string, Entry> }).agents;
}

describe('lemming import-marble: MultiAgentBench task rows as orgs', () => {
  test('each coordination mode becomes its chart, profiles become resumes and the task the human\'s first message', () => {
    const dir = tempDir('lemming-marble-');
    // A blank line between rows, as a file joined by hand may have: lines keep their numbers.
    writeFileSync(join(dir, 'tasks.jsonl'), `${jsonl([RESEARCH, CODING])}\n\n${jsonl([TREE, CHAIN])}\n`);
    const orgs = join(dir, 'orgs');
    const result = lemming(orgs, ['import-marble', join(dir, 'tasks.jsonl'), '--all']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('line 1: MARBLE research task 1 (graph, 3 agent(s))');
    expect(result.stdout).toContain('line 2: MARBLE coding task 7 (star, 2 agent(s))');
    expect(result.stdout).toContain('line 4: MARBLE research task 2 (tree, 4 agent(s))');
    expect(result.stdout).toContain('line 5: MARBLE research task 3 (chain, 3 agent(s))');
    expect(readdirSync(orgs).sort()).toEqual(['marble-coding-7', 'marble-research-1', 'marble-research-2', 'marble-research-3']);

    // graph (MARBLE's default for ""): everyone reports to the coordinator; each relationship an edge both ways.
    const research = join(orgs, 'marble-research-1');
    const graph = chartOf(research);
    expect(graph.coordinator).toEqual({ reports_to: 'human', send_to: ['human', 'agent1', 'agent2', 'agent3'], read_from: ['human', 'agent1', 'agent2', 'agent3'] });
    expect(graph.agent1).toEqual({ reports_to: 'coordinator', send_to: ['coordinator', 'agent2', 'agent3'], read_from: ['coordinator', 'agent2', 'agent3'] });
    expect(graph.agent2?.send_to).toEqual(['coordinator', 'agent1']);
    expect(graph.agent3?.send_to).toEqual(['coordinator', 'agent1']);
    expect(graph.human).toEqual({ reports_to: null, send_to: ['coordinator'], read_from: ['*'] });
    // star: the coordinator is the only channel.
    const star = chartOf(join(orgs, 'marble-coding-7'));
    expect(star.agent1).toEqual({ reports_to: 'coordinator', send_to: ['coordinator'], read_from: ['coordinator'] });
    // tree: "parent" [parent, child] makes the child report to the parent; the rest are edges.
    const tree = chartOf(join(orgs, 'marble-research-2'));
    expect(tree.agent1?.reports_to).toBe('coordinator');
    expect(tree.agent2?.reports_to).toBe('agent1');
    expect(tree.agent3?.reports_to).toBe('agent1');
    expect(tree.agent4?.reports_to).toBe('agent2');
    expect(tree.agent4?.send_to).toEqual(['agent2', 'agent3']);
    expect(tree.coordinator?.send_to).toEqual(['human', 'agent1']);
    // chain: the row's order, each to the one before.
    const chain = chartOf(join(orgs, 'marble-research-3'));
    expect([chain.agent1?.reports_to, chain.agent2?.reports_to, chain.agent3?.reports_to]).toEqual(['coordinator', 'agent1', 'agent2']);

    // The profile is the resume's instructions, its first sentence the title; coding agents get the file tools.
    const resume = readFileSync(join(research, 'agents/agent1/resume.md'), 'utf8');
    expect(resume).toContain('title: "Researcher: I am a researcher who studies federated learning."');
    expect(resume).toContain('I am a researcher who studies federated learning. I care about privacy.');
    expect(resume).toContain('Your relationships in MARBLE: agent1 collaborate with agent2; agent1 collaborate with agent3.');
    expect(readFileSync(join(orgs, 'marble-coding-7/agents/agent1/resume.md'), 'utf8')).toMatch(/tools: \[ send_message, remember, read_file, write_file, list_files \]\nshared_workspace: write/);
    expect(readFileSync(join(research, 'agents/coordinator/resume.md'), 'utf8')).toContain('Starting the collaborative research idea generation');
    // The task, waiting for the coordinator as the human's first message.
    const sent = readdirSync(join(research, 'agents/human/outbox'));
    expect(sent).toHaveLength(1);
    const message = readFileSync(join(research, 'agents/human/outbox', sent[0] as string), 'utf8');
    expect(message).toMatch(/^to: coordinator$/m);
    expect(message).toContain('Dear Research Team,');
    expect(message).toContain('**[Question 1] - What is the problem?**');
    expect(lemming(research, ['validate']).status).toBe(0);

    // The experiment file: the row's mode first, then the others that give another chart; scored by the output format, the deliverables and MARBLE's metrics.
    const experiment = parse(readFileSync(join(research, 'marble-experiment.yaml'), 'utf8')) as { name: string; variants: Array<{ name: string }>; judge: { rubric: string[] }; checks?: unknown[]; messages: Array<{ to: string }> };
    expect(experiment.name).toBe('marble-research-1');
    expect(experiment.variants.map((variant) => variant.name)).toEqual(['graph', 'star', 'chain']);
    expect(experiment.judge.rubric).toEqual(['What is the problem?', 'Why is it interesting and important?', 'diversity of perspectives', 'engagement level', 'relevance']);
    expect(experiment.checks).toBeUndefined();
    const coding = parse(readFileSync(join(orgs, 'marble-coding-7/marble-experiment.yaml'), 'utf8')) as { checks: Array<{ name: string; run: string }>; variants: Array<{ name: string }> };
    expect(coding.checks).toEqual([{ name: 'has-solution-py', run: `find "$SHARED" -path '*/workspace/*' -name 'solution.py' -type f | grep -q .` }]);
    expect(coding.variants.map((variant) => variant.name)).toEqual(['star', 'graph', 'chain']);
  });

  test('an imported row runs to idle on the offline model, and the human gets the team\'s answer', { timeout: 60_000 }, () => {
    const dir = tempDir('lemming-marble-');
    writeFileSync(join(dir, 'research.jsonl'), `${jsonl([RESEARCH])}\n`);
    const root = join(dir, 'org');
    expect(lemming(root, ['import-marble', join(dir, 'research.jsonl')]).status).toBe(0);
    const run = lemming(root, ['run']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/the org is idle/);
    // The coordinator split the task between the three researchers and answered with their reports.
    for (const agent of ['agent1', 'agent2', 'agent3']) expect(readdirSync(join(root, 'agents', agent, 'outbox')).some((name) => name.endsWith('-coordinator.md'))).toBe(true);
    const inbox = lemming(root, ['inbox']);
    expect(inbox.stdout).toMatch(/from coordinator .*Re: MARBLE research task 1/);
    expect(inbox.stdout).toContain('From agent1:');
  });

  test('its experiment file runs the coordination modes as variants: scored, compared, and the organisation measured', { timeout: 240_000 }, async () => {
    const dir = tempDir('lemming-marble-');
    writeFileSync(join(dir, 'coding.jsonl'), `${jsonl([CODING])}\n`);
    const root = join(dir, 'org');
    expect(lemming(root, ['import-marble', join(dir, 'coding.jsonl')]).status).toBe(0);
    // Fewer repeats than the file's three: the file is the user's to edit, and the test counts work, not time.
    writeFileSync(join(root, 'marble-experiment.yaml'), readFileSync(join(root, 'marble-experiment.yaml'), 'utf8').replace(/^repeats: 3$/m, 'repeats: 2'));
    const result = await lemmingAsync(root, ['experiment', join(root, 'marble-experiment.yaml')]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('6 run(s) complete');
    const report = JSON.parse(readFileSync(join(root, 'experiments/marble-coding-7/report.json'), 'utf8')) as {
      statistics: { baseline: string; metrics: Array<{ key: string; variants: Record<string, { n: number }> }> };
      network: { variants: Array<{ variant: string; messagesPerEdge: Record<string, number> }> };
      runs: Array<{ run: string; ended: string; humanAnswer: unknown; outcome: { checks: Array<{ name: string }>; judge: { score: number; scale: number } } }>;
    };
    expect(report.statistics.baseline).toBe('star');
    expect(report.runs.map((run) => run.run)).toEqual(['star-r1', 'star-r2', 'graph-r1', 'graph-r2', 'chain-r1', 'chain-r2']);
    for (const run of report.runs) {
      expect(run.ended).toBe('idle');
      expect(run.humanAnswer).not.toBeNull();
      expect(run.outcome.checks.map((check) => check.name)).toEqual(['has-solution-py']);
      expect(run.outcome.judge.scale).toBe(10);
    }
    expect(report.statistics.metrics.find((metric) => metric.key === 'score')?.variants.chain?.n).toBe(2);
    // The chain hands the task from agent1 to agent2, which no star run does.
    const byVariant = Object.fromEntries(report.network.variants.map((variant) => [variant.variant, variant.messagesPerEdge]));
    expect(byVariant.chain?.['agent1 → agent2']).toBeGreaterThan(0);
    expect(byVariant.star?.['agent1 → agent2'] ?? 0).toBe(0);
  });

  test('a malformed row is refused with its line and field, and nothing is written', () => {
    const dir = tempDir('lemming-marble-');
    const { content: _dropped, ...noContent } = RESEARCH.task;
    const rows = [
      RESEARCH,
      '{"scenario": "research", "task_id": 2, "agents": [',
      { ...RESEARCH, task_id: 3, task: noContent },
      { ...RESEARCH, task_id: 4, relationships: [['agent1', 'agent9', 'collaborate with']] },
      { ...RESEARCH, task_id: 5, coordinate_mode: 'ring' },
      { ...RESEARCH, task_id: 6, agents: [{ agent_id: 'agent1', profile: 'x' }, { agent_id: 'agent1', profile: 'y' }], relationships: [] },
      { ...RESEARCH, task_id: 7, relationships: [['agent1', 'agent2']] },
    ];
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, `${jsonl(rows)}\n`);
    const root = join(dir, 'out');
    const result = lemming(root, ['import-marble', file, '--all']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${file}:2: is not JSON`);
    expect(result.stderr).toContain(`${file}:3: task.content:`);
    expect(result.stderr).toContain(`${file}:4: relationships[0][1]: "agent9" is not an agent of this row; use one of agent1, agent2, agent3`);
    expect(result.stderr).toContain(`${file}:5: coordinate_mode: is not a MARBLE coordination mode; use one of star, graph, tree, chain`);
    expect(result.stderr).toContain(`${file}:6: agents[1].agent_id: "agent1" is used twice`);
    expect(result.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7: relationships\\[0\\]`));
    expect(existsSync(root)).toBe(false);
    // One good row picked by its line imports; a file of several rows without --row or --all says how to choose.
    expect(lemming(root, ['import-marble', file, '--row', '1']).status).toBe(0);
    const several = lemming(join(dir, 'other'), ['import-marble', file]);
    expect(several.status).toBe(2);
    expect(several.stderr).toContain('holds 7 rows; pass --row N (the line of one, from 1) or --all');
    expect(lemming(join(dir, 'other'), ['import-marble', file, '--row', '1', '--all']).stderr).toContain('--row and --all: pass one of them');
    expect(lemming(root, ['import-marble', file, '--row', '1']).stderr).toContain('is not empty; import-marble writes a new org');
    expect(lemming(join(dir, 'other'), ['import-marble', file, '--row', '3']).stderr).toContain(`${file}:3: task.content:`);
  });

  test('agent ids that are not safe names are renamed by the name rule, said, and the chart follows', () => {
    const dir = tempDir('lemming-marble-');
    const ids = ['../../etc/passwd', 'Agent One', 'human', 'coordinator', '__proto__', 'lemming', 'constructor', '7th', 'agent one'];
    const row = {
      ...RESEARCH,
      agents: ids.map((id) => ({ agent_id: id, profile: `I am ${id}.`, type: 'BaseAgent' })),
      relationships: [
        ['../../etc/passwd', 'Agent One', 'collaborate with'],
        ['human', '__proto__', 'collaborate with'],
      ],
    };
    writeFileSync(join(dir, 'hostile.jsonl'), `${JSON.stringify(row)}\n`);
    const root = join(dir, 'org');
    const result = lemming(root, ['import-marble', join(dir, 'hostile.jsonl')]);
    expect(result.status, result.stderr).toBe(0);
    const expected: Record<string, string> = {
      '../../etc/passwd': 'etc_passwd',
      'Agent One': 'agent_one',
      human: 'human_2',
      coordinator: 'coordinator_2',
      __proto__: 'proto',
      lemming: 'lemming_2',
      '7th': 'agent_7th',
      'agent one': 'agent_one_2',
    };
    for (const [id, name] of Object.entries(expected)) expect(result.stdout).toContain(`renamed agent ${JSON.stringify(id)} to ${name}`);
    // `constructor` is a valid agent name: kept as it is.
    expect(result.stdout).not.toContain('"constructor"');
    expect(readdirSync(join(root, 'agents')).sort()).toEqual(['agent_7th', 'agent_one', 'agent_one_2', 'constructor', 'coordinator', 'coordinator_2', 'etc_passwd', 'human', 'human_2', 'lemming_2', 'proto'].sort());
    expect(existsSync(join(dir, 'etc'))).toBe(false);
    const chart = chartOf(root);
    expect(chart.etc_passwd?.send_to).toEqual(['coordinator', 'agent_one']);
    expect(chart.human_2?.send_to).toEqual(['coordinator', 'proto']);
    // The person is still the one human; MARBLE's "human" is an agent like the others.
    expect(chart.human).toEqual({ reports_to: null, send_to: ['coordinator'], read_from: ['*'] });
    expect(readFileSync(join(root, 'agents/etc_passwd/resume.md'), 'utf8')).toContain('(MARBLE\'s id for you: "../../etc/passwd")');
    expect(lemming(root, ['validate']).status).toBe(0);

    // A scenario and task id are the row's words too: a newline in them adds no key to the files they are written in.
    const words = { ...RESEARCH, scenario: 'constructor\nname: evil', task_id: '1\nengine: { max_turns: 1 }' };
    writeFileSync(join(dir, 'words.jsonl'), `${JSON.stringify(words)}\n`);
    const other = join(dir, 'words');
    const imported = lemming(other, ['import-marble', join(dir, 'words.jsonl')]);
    expect(imported.status, imported.stderr).toBe(0);
    const settings = parse(readFileSync(join(other, 'org/org.yaml'), 'utf8')) as { name: string; engine: { max_turns: number } };
    expect(settings).toMatchObject({ name: 'marble-constructor-name-evil-1-engine-max-turns-1', engine: { max_turns: 30 } });
    const experiment = parse(readFileSync(join(other, 'marble-experiment.yaml'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(experiment)).toEqual(['name', 'turns', 'repeats', 'seed', 'variability', 'messages', 'judge', 'variants']);
    expect(readFileSync(join(other, 'agents/agent1/resume.md'), 'utf8')).toContain('title: "Team member: I am a researcher who studies federated learning."');
    expect(lemming(other, ['validate']).status).toBe(0);
  });

  test('agentNameFrom: whatever is written, a valid name not yet taken', () => {
    const taken = new Set(['human', 'lemming']);
    for (const written of ['', '---', '../..', 'ÉLODIE', 'a'.repeat(100), 'human', 'x/y\\z', '\u0000', '💥', 'Agent_01']) {
      const name = agentNameFrom(written, taken);
      expect(isValidAgentName(name), `${JSON.stringify(written)} → ${name}`).toBe(true);
      expect(taken.has(name)).toBe(false);
      taken.add(name);
    }
    expect(agentNameFrom('ÉLODIE', new Set())).toBe('elodie');
    expect(agentNameFrom('a'.repeat(100), new Set(['a'.repeat(64)]))).toBe(`${'a'.repeat(62)}_2`);
  });
});
