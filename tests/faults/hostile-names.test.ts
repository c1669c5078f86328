import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { OrgLoader } from '../../src/org/load-org.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { nameHint, nameProblem, type NameKind } from '../../src/org/names.js';
import { readAgentTemplates } from '../../src/org/templates/agent-templates.js';
import type { ToolCall } from '../../src/providers/provider.js';
import { runBuiltinTool } from '../../src/tools/builtin-tools.js';
import { CLI, lemming } from '../helpers/cli.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { listOutbox } from '../helpers/org-files.js';
import { defaultFaultOrg, eventsOf, humanSends, readText, runScripted, writeFile } from './fault-org.js';
import { checkInvariants } from './invariants.js';

/**
 * Every name JavaScript gives each object (Object.prototype's and, for names that key records
 * of functions, Function.prototype's), as an agent, a model key, a tool, an MCP server and a
 * template: each is refused by the one name rule (org/names.ts) with the reason, or works fully.
 * An agent named `constructor` once crashed every run of its org.
 */
const PROTOTYPE_NAMES = [...new Set([...Object.getOwnPropertyNames(Object.prototype), ...Object.getOwnPropertyNames(Function.prototype)])].sort();
const KINDS: NameKind[] = ['agent', 'model', 'mcp-server', 'command-tool', 'template'];

/** The names of a kind the rule takes: each of these must work fully. */
function accepted(kind: NameKind): string[] {
  return PROTOTYPE_NAMES.filter((name) => nameProblem(kind, name) === undefined);
}

/** The ledger's sums for one agent, read from the file on its own (not through lemming's totals). */
function ledgerSums(root: string, agent: string): { given: number; spent: number; charges: number } {
  const sums = { given: 0, spent: 0, charges: 0 };
  for (const line of readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const entry = JSON.parse(line) as { type: string; agent: string; credits: number };
    if (entry.agent !== agent) continue;
    if (entry.type === 'charge') {
      sums.spent += entry.credits;
      sums.charges += 1;
    } else sums.given += entry.credits;
  }
  return sums;
}

describe('the name rule', () => {
  test('names of Object.prototype and Function.prototype are either refused with what a valid name looks like, or taken; __proto__ never is', () => {
    expect(PROTOTYPE_NAMES).toContain('constructor');
    expect(PROTOTYPE_NAMES).toContain('__proto__');
    for (const kind of KINDS) {
      for (const name of PROTOTYPE_NAMES) {
        const problem = nameProblem(kind, name);
        if (problem !== undefined) expect(problem).toMatch(/^is not a valid .+; .+ \(for example .+\)$/);
      }
      expect(nameProblem(kind, '__proto__')).toBeDefined();
      // Lower case ones pass every kind's rule: the records keyed by them must hold up.
      expect(accepted(kind)).toEqual(expect.arrayContaining(['apply', 'bind', 'call', 'constructor', 'length', 'name']));
    }
    expect(accepted('model')).toEqual(expect.arrayContaining(['hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf']));
  });
});

describe('agents named like a prototype property', () => {
  test('hired from a template of their own name through a proposal approved with the CLI, each runs, is charged, and status, top-up and inspect show its money; money is conserved', () => {
    const names = accepted('agent');
    // Agent names and template names share a rule: each hire starts from a template of its own name.
    expect(accepted('template')).toEqual(names);
    const root = defaultFaultOrg();
    for (const name of names) writeFile(root, `org/templates/${name}.md`, `---\ntitle: Writer named ${name}\ncredits: 0.25\n---\nAnswer the person.\n`);
    writeFile(root, 'agents/manager/resume.md', '---\ntitle: Engineering manager\nmodel: offline\ncredits: 5\n---\nManage.\n');
    const { org } = loadOrg(root);
    const manager = org.agents.get('manager');
    if (!manager) throw new Error('no manager');
    const ids = names.map((name, index) => {
      const outcome = runBuiltinTool(
        'hire_agent',
        { name, template: name, reports_to: 'human', credits: 0.25 },
        { root, org, agent: manager, turn: 4, sequence: index + 1, at: '2026-11-22T10:00:00.000Z', balance: 5, delivered: () => false },
      );
      expect(outcome.result.isError, `${name}: ${outcome.result.content}`).toBeFalsy();
      return outcome.proposal as string;
    });
    for (const [index, id] of ids.entries()) {
      const approved = lemming(root, ['approve', id]);
      expect(approved.stderr).toBe('');
      expect(approved.stdout).toContain(`hire ${names[index]} (Writer named ${names[index]}), from the template ${names[index]}, reporting to human, 0.25 credits from manager`);
    }
    // The first turn carries the hires out; the person's mail reaches them from the next.
    expect(lemming(root, ['run', '--plain', '--turns', '1']).status).toBe(0);
    for (const name of names) humanSends(root, name, `Hello ${name}, please say hello back.`);
    const run = lemming(root, ['run', '--plain']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    const status = lemming(root, ['status']);
    expect(status.status).toBe(0);
    for (const name of names) {
      expect(run.stdout).toContain(`${name} -> human: Re: Hello ${name}`);
      expect(readText(root, `agents/${name}/resume.md`)).toContain(`title: Writer named ${name}`);
      const sums = ledgerSums(root, name);
      expect(sums.given, name).toBe(0.25);
      expect(sums.charges, name).toBeGreaterThan(0);
      const left = 0.25 - sums.spent;
      expect(status.stdout).toMatch(new RegExp(`^${name} +offline +${left.toFixed(4)} / 0\\.2500 `, 'm'));
      const toppedUp = lemming(root, ['top-up', name, '1']);
      expect(toppedUp.stdout.trim()).toBe(`topped up ${name} by 1.0000 credits; ${(left + 1).toFixed(4)} left`);
      const inspect = lemming(root, ['inspect', name]);
      expect(inspect.stdout).toContain(`credits     ${(left + 1).toFixed(4)} left of 0.0000 budget + 1.2500 top-ups (${sums.spent.toFixed(4)} spent)`);
    }
    expect(checkInvariants(root)).toEqual([]);
  }, 180_000);
});

/** `__proto__` as a key, each way YAML (and JSON, which YAML reads) can write it; `<<` is a merge key in YAML 1.1 and a plain key here. */
const PROTO_SPELLINGS: Array<{ how: string; key: string; entry: (value: string) => string }> = [
  { how: 'plain', key: '__proto__', entry: (value) => `  __proto__: ${value}` },
  { how: 'double-quoted', key: '__proto__', entry: (value) => `  "__proto__": ${value}` },
  { how: 'single-quoted', key: '__proto__', entry: (value) => `  '__proto__': ${value}` },
  { how: 'escaped', key: '__proto__', entry: (value) => `  "\\u005f_proto__": ${value}` },
  { how: 'merge key', key: '<<', entry: (value) => `  <<: {"__proto__": ${value}}` },
];

/** Each record of the org's files keyed by a name, and an entry that would be valid under a valid name. */
const PLACES: Array<{ kind: NameKind; file: 'org/org.yaml' | 'org/chart.yaml'; section: string; value: string }> = [
  { kind: 'model', file: 'org/org.yaml', section: 'models', value: '{"provider": "offline", "model": "offline-1", "input_price": 1, "output_price": 1, "context_window": 32000}' },
  { kind: 'mcp-server', file: 'org/org.yaml', section: 'mcp_servers', value: '{"command": "node"}' },
  { kind: 'command-tool', file: 'org/org.yaml', section: 'command_tools', value: '{"description": "Echo", "command": ["echo"]}' },
  { kind: 'agent', file: 'org/chart.yaml', section: 'agents', value: '{"reports_to": null}' },
];

const OFFLINE = '  offline: {provider: offline, model: offline-1, input_price: 2.5, output_price: 10, context_window: 32000}';

describe('__proto__, however it is written', () => {
  test('as a model key, an MCP server, a command tool or an agent of the chart, it is refused by the name rule with the reason', () => {
    const root = defaultFaultOrg();
    const chart = readText(root, 'org/chart.yaml');
    for (const place of PLACES) {
      for (const spelling of PROTO_SPELLINGS) {
        const entry = spelling.entry(place.value);
        if (place.file === 'org/org.yaml') {
          const models = place.section === 'models' ? `models:\n${OFFLINE}\n${entry}\n` : `models:\n${OFFLINE}\n${place.section}:\n${entry}\n`;
          writeFile(root, 'org/org.yaml', `name: names\n${models}`);
          writeFile(root, 'org/chart.yaml', chart);
        } else {
          writeFile(root, 'org/org.yaml', `name: names\nmodels:\n${OFFLINE}\n`);
          writeFile(root, 'org/chart.yaml', chart.replace(/^agents:\n/m, `agents:\n${entry}\n`));
        }
        // A broken file is refused; the org may go on with the file's last valid version as a stand-in.
        const { org, problems } = new OrgLoader(root).load();
        const what = `${place.section} with ${spelling.how} ${spelling.key}`;
        if (org) for (const record of [org.models, org.mcpServers, org.commandTools]) expect(Object.keys(record), what).not.toContain(spelling.key);
        expect(org?.agents.has(spelling.key) ?? false, what).toBe(false);
        const refusal = problems.find((problem) => problem.field === `${place.section}.${spelling.key}`);
        expect(refusal, `${what}: ${JSON.stringify(problems)}`).toMatchObject({ file: place.file, severity: 'error', message: nameProblem(place.kind, spelling.key) });
        expect(refusal?.message).toContain('for example');
      }
    }
  });

  test('as an agent folder, a template file or a hire (the model writes JSON, escapes included), it is refused with the reason', () => {
    const root = defaultFaultOrg();
    writeFile(root, 'agents/__proto__/resume.md', '---\ntitle: Ghost\nmodel: offline\ncredits: 1\n---\nBoo.\n');
    writeFile(root, 'org/templates/__proto__.md', '---\ntitle: Ghost\ncredits: 0.1\n---\nBoo.\n');
    const { org, problems } = new OrgLoader(root).load();
    expect(problems).toContainEqual(expect.objectContaining({ file: 'agents/__proto__/', severity: 'warning', message: expect.stringContaining(nameHint('agent')) }));
    expect(org?.agents.has('__proto__')).toBe(false);
    expect(readAgentTemplates(root).problems).toContainEqual(expect.objectContaining({ file: 'org/templates/__proto__.md', message: expect.stringContaining(nameHint('template')) }));
    const manager = org?.agents.get('manager');
    if (!org || !manager) throw new Error('the default org did not load');
    const context = { root, org, agent: manager, turn: 4, sequence: 1, at: '2026-11-22T10:00:00.000Z', balance: 0.5, delivered: () => false };
    for (const text of ['{"name": "__proto__"}', '{"name": "\\u005f_proto__"}']) {
      const args = { ...(JSON.parse(text) as object), title: 'Ghost', instructions: 'Boo.', reports_to: 'manager', credits: 0.1 };
      const outcome = runBuiltinTool('hire_agent', args, context);
      expect(outcome.result.isError).toBe(true);
      expect(outcome.result.content).toContain(`"__proto__" ${nameProblem('agent', '__proto__')}`);
    }
    const templated = runBuiltinTool('hire_agent', { name: 'ghost', template: '__proto__', reports_to: 'manager', credits: 0.1 }, context);
    expect(templated.result.isError).toBe(true);
    expect(templated.result.content).toContain('template "__proto__" cannot be used');
    expect(readText(root, 'org/chart.yaml')).not.toContain('__proto__');
  });
});

describe('a name nothing declares', () => {
  test('a model, an MCP server or a command tool named like a prototype property but not in org.yaml is refused, naming the file and field', () => {
    const root = defaultFaultOrg();
    writeFile(root, 'agents/planner/resume.md', '---\ntitle: Planner\nmodel: [offline, constructor]\ncredits: 1\ntools: [send_message, toString/*, valueOf/x, constructor]\n---\nPlan.\n');
    const { problems } = new OrgLoader(root).load();
    const messages = problems.filter((problem) => problem.file === 'agents/planner/resume.md').map((problem) => `${problem.field}: ${problem.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^model: names the model "constructor", which is not in org\/org.yaml models/),
        expect.stringMatching(/^tools\.1: grants "toString\/\*", but org\/org.yaml mcp_servers has no server "toString"/),
        expect.stringMatching(/^tools\.2: grants "valueOf\/x", but org\/org.yaml mcp_servers has no server "valueOf"/),
        expect.stringMatching(/^tools\.3: names the tool "constructor", which is not a tool/),
      ]),
    );
  });
});

describe('model keys, command tools and MCP servers named like a prototype property', () => {
  test('each model key prices its own calls, each command tool and MCP server runs for the agent granted it, and status shows each key; money is conserved', async () => {
    const keys = accepted('model');
    const servers = accepted('mcp-server');
    const tools = accepted('command-tool');
    expect(servers).toEqual(keys);
    const root = defaultFaultOrg();
    const users = keys.map((_, index) => `user_${String(index + 1).padStart(2, '0')}`);
    const lines = ['name: names', 'engine: { sandbox: { isolation: none } }', 'models:', OFFLINE];
    // A price of its own for each key: a charge at another entry's prices would show.
    keys.forEach((key, index) => lines.push(`  ${key}: {provider: offline, model: offline-1, input_price: ${index + 1}, output_price: 10, context_window: 32000}`));
    lines.push('mcp_servers:');
    for (const server of servers) lines.push(`  ${server}: {command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(CLI)}, example-tools], timeout_ms: 30000}`);
    lines.push('command_tools:');
    for (const tool of tools) lines.push(`  ${tool}: {description: Say which tool ran, command: [sh, -c, "echo ran ${tool}"]}`);
    writeFile(root, 'org/org.yaml', `${lines.join('\n')}\n`);
    const chart = ['agents:', `  human: { reports_to: null, send_to: [${users.join(', ')}], read_from: [${users.join(', ')}] }`];
    users.forEach((user, index) => {
      chart.push(`  ${user}: { reports_to: human, send_to: [human], read_from: [human] }`);
      const granted = ['send_message', `${servers[index]}/*`, ...(tools[index] ? [tools[index]] : [])];
      writeFile(root, `agents/${user}/resume.md`, `---\ntitle: User\nmodel: ${keys[index]}\ncredits: 1\ntools: [${granted.join(', ')}]\n---\nWork.\n`);
    });
    writeFile(root, 'org/chart.yaml', `${chart.join('\n')}\n`);
    for (const user of users) humanSends(root, user, 'Count the words of "one two", then report.');

    const provider = new ScriptedProvider((request) => {
      const index = users.indexOf(request.agent);
      if (index < 0) return {};
      const calls: ToolCall[] = [{ id: 'call_mcp', name: `${servers[index]}__word_count`, arguments: { text: 'one two' } }];
      if (tools[index]) calls.push({ id: 'call_tool', name: tools[index] as string, arguments: {} });
      // The first step calls the tools; the second reports what they returned.
      if (request.messages.length === 1) return { toolCalls: calls };
      return { toolCalls: [sendCall('human', `results: ${JSON.stringify(request.messages.slice(1).map((message) => message.content))}`)] };
    });
    const events = await runScripted(root, provider);
    expect(eventsOf(events, 'agent-error')).toEqual([]);

    const status = lemming(root, ['status']);
    for (const [index, user] of users.entries()) {
      const key = keys[index] as string;
      const sent = listOutbox(root, user).map((file) => readText(root, `agents/${user}/outbox/${file}`)).join('\n');
      expect(sent, user).toContain('2 word(s)');
      if (tools[index]) expect(sent, user).toContain(`ran ${tools[index]}`);
      const charges = readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8')
        .split('\n')
        .filter((line) => line.includes(`"agent":"${user}"`))
        .map((line) => JSON.parse(line) as { model: string; input_tokens: number; output_tokens: number; credits: number });
      expect(charges.length, user).toBe(1);
      const charge = charges[0];
      expect(charge?.model).toBe(key);
      // Two steps of 100 tokens in and 10 out, at this key's own prices.
      expect(charge?.credits).toBeCloseTo(((charge?.input_tokens ?? 0) * (index + 1) + (charge?.output_tokens ?? 0) * 10) / 1e6, 12);
      expect(status.stdout).toMatch(new RegExp(`^${user} +${key} +${(1 - (charge?.credits ?? 0)).toFixed(4)} / 1\\.0000 `, 'm'));
    }
    expect(checkInvariants(root, { requests: provider.requests })).toEqual([]);
  }, 180_000);
});
