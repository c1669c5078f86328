import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ProviderRequest, ToolCall } from '../../src/providers/provider.js';
import { lemming } from '../helpers/cli.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultOrg, humanSends, ofType, read, runEngine, write } from '../helpers/temp-org.js';

const withProvider = (provider: ScriptedProvider) => ({ providerFactory: () => provider });
const stepOf = (request: ProviderRequest): number => (request.messages.length + 1) / 2;
const call = (name: string, args: unknown, id = `call_${name}`): ToolCall => ({ id, name, arguments: args });

/** Command tools for the org: Python on stdin, a word count given its arguments as variables, an idempotent formatter. */
const COMMAND_TOOLS = `
command_tools:
  run_python:
    description: Run a Python program and see what it prints.
    parameters:
      type: object
      properties:
        code: { type: string, description: The program }
      required: [code]
      additionalProperties: false
    command: [python3, -c, "import json, sys; exec(json.load(sys.stdin)['code'])"]
  count_words:
    description: Count the words of a file in the workspace.
    parameters:
      type: object
      properties:
        path: { type: string }
        min_length: { type: integer, minimum: 1 }
      required: [path]
    command: [sh, -c, 'tr -s " " "\\n" < "$TOOL_PATH" | awk -v min="\${TOOL_MIN_LENGTH:-1}" "length(\\$0) >= min" | wc -l']
    arguments: env
    idempotent: true
`;

/** The coder of the default org, granted `tools`, with the org's command tools declared and a task waiting. */
function coderOrg(tools: string, orgExtra = COMMAND_TOOLS): string {
  const root = defaultOrg();
  write(root, 'org/org.yaml', `${read(root, 'org/org.yaml')}${orgExtra}`);
  write(root, 'agents/coder_01/resume.md', `---\ntitle: Coder\nmodel: offline\ncredits: 1\ntools: ${tools}\n---\nCode.\n`);
  write(
    root,
    'org/chart.yaml',
    read(root, 'org/chart.yaml')
      .replace('    send_to: [manager]\n    read_from: ["*"]', '    send_to: [manager, coder_01]\n    read_from: ["*"]')
      .replace('    send_to: [planner]\n    read_from: [planner]', '    send_to: [planner, human]\n    read_from: [planner, human]'),
  );
  humanSends(root, 'coder_01', 'Please check the numbers.');
  return root;
}

/** A model that makes `calls` in its first step and then reports to the human; what each step was given is kept. */
function scripted(calls: ToolCall[]): ScriptedProvider {
  return new ScriptedProvider((request) => {
    if (request.agent !== 'coder_01') return {};
    if (stepOf(request) === 1) return { toolCalls: calls };
    return { toolCalls: [sendCall('human', 'Checked.', { subject: 'Numbers' })] };
  });
}

/** What the coder's second step was shown of each tool's result. */
function shownResults(provider: ScriptedProvider): string {
  return provider.requests.filter((request) => request.agent === 'coder_01')[1]?.messages.at(-1)?.content ?? '';
}

describe.skipIf(SANDBOX_PROBLEM !== undefined)('commands in a turn', () => {
  test('run_command: its result (exit code, output, time) goes back to the model; the step line and the log keep exit and sizes', async () => {
    const root = coderOrg('[send_message, run_command]');
    write(root, 'agents/coder_01/workspace/numbers.txt', '3\n4\n5\n');
    const provider = scripted([call('run_command', { command: 'awk "{ s += \\$1 } END { print s }" numbers.txt; echo oops >&2; exit 3' })]);
    const events = await runEngine(root, { maxTurns: 1 }, withProvider(provider));
    const shown = shownResults(provider);
    expect(shown).toMatch(/<tool_result name="run_command" call="call_run_command">\n".*": exit code 3, ran \d+\.\d\d s\n\(limits: 60 s, 1,048,576 bytes of stdout and of stderr, 1024 MiB of memory, 256 processes, 1024 MiB per file, 256 MiB in \/tmp and \/dev\/shm, 1024 MiB of disk and 100,000 files in the workspace\)\n--- stdout \(3 bytes\) ---\n12\n--- end of stdout ---\n--- stderr \(5 bytes\) ---\noops\n--- end of stderr ---\n<\/tool_result>/);
    const step = ofType(events, 'agent-step').find((event) => event.agent === 'coder_01' && event.step === 1);
    expect(step?.tools[0]).toMatchObject({ name: 'run_command', command: { exit: 3, stdoutBytes: 3, stderrBytes: 5 } });
    const log = read(root, 'agents/coder_01/logs/activity.jsonl');
    expect(log).toContain('"command":{"exit":3,"stdoutBytes":3,"stderrBytes":5}');
    const printed = lemming(root, ['logs', 'coder_01']).stdout;
    expect(printed).toContain('run_command');
  });

  test('a secret the org names is cut from a command\'s output before the model, the journal or the trace see it', async () => {
    const root = coderOrg('[send_message, run_command]');
    write(root, '.env', 'OPENAI_API_KEY=sk-cmd-secret-value-0123456789\n');
    // A person left the key in a workspace file; the command prints it.
    write(root, 'agents/coder_01/workspace/notes.txt', 'key=sk-cmd-secret-value-0123456789\n');
    const provider = scripted([call('run_command', { command: 'cat notes.txt' })]);
    await runEngine(root, { maxTurns: 1 }, withProvider(provider));
    expect(shownResults(provider)).toContain('key=[secret OPENAI_API_KEY]');
    const traces = join(root, 'agents/coder_01/logs/traces');
    for (const file of readdirSync(traces).filter((name) => name.endsWith('.json'))) expect(readFileSync(join(traces, file), 'utf8')).not.toContain('sk-cmd-secret');
  });

  test('an org\'s command tool: offered with its schema, its arguments on stdin as JSON or as TOOL_* variables, never in a shell line', async () => {
    const root = coderOrg('[send_message, run_python, count_words]');
    write(root, 'agents/coder_01/workspace/essay.txt', 'a bb ccc dddd; rm -rf /workspace\n');
    const provider = scripted([
      call('run_python', { code: 'print(6 * 7)' }, 'c1'),
      call('count_words', { path: 'essay.txt', min_length: 3 }, 'c2'),
      call('count_words', { path: '$(touch pwned) essay.txt' }, 'c3'),
    ]);
    await runEngine(root, { maxTurns: 1 }, withProvider(provider));
    const first = provider.requests.find((request) => request.agent === 'coder_01');
    expect(first?.tools.find((tool) => tool.name === 'run_python')).toEqual({
      name: 'run_python',
      description: 'Run a Python program and see what it prints.',
      parameters: { type: 'object', properties: { code: { type: 'string', description: 'The program' } }, required: ['code'], additionalProperties: false },
    });
    const shown = shownResults(provider);
    expect(shown).toMatch(/<tool_result name="run_python" call="c1">\nrun_python: exit code 0[\s\S]*?\n42\n/);
    expect(shown).toMatch(/<tool_result name="count_words" call="c2">\ncount_words: exit code 0[\s\S]*?\n4\n/);
    // A name with a shell in it is only a name: no file is made, and the command says there is no such file.
    expect(shown).toMatch(/<tool_result name="count_words" call="c3">\ncount_words: exit code 0[\s\S]*?No such file/);
    expect(existsSync(join(root, 'agents/coder_01/workspace/pwned'))).toBe(false);
    expect(read(root, 'agents/coder_01/workspace/essay.txt')).toContain('rm -rf');
  });

  test('arguments that do not match a command tool\'s schema are refused with each reason, and nothing runs', async () => {
    const root = coderOrg('[send_message, run_python, count_words]');
    const provider = scripted([call('run_python', { code: 42, extra: true }, 'c1'), call('count_words', { min_length: 0 }, 'c2')]);
    const events = await runEngine(root, { maxTurns: 1 }, withProvider(provider));
    const shown = shownResults(provider);
    expect(shown).toContain('<tool_result name="run_python" call="c1" error="true">\nrun_python: the arguments do not match its schema: the arguments must NOT have additional properties; /code must be string\n</tool_result>');
    expect(shown).toContain("count_words: the arguments do not match its schema: the arguments must have required property 'path'; /min_length must be &gt;= 1");
    expect(ofType(events, 'agent-step')[0]?.tools.every((tool) => tool.command === undefined)).toBe(true);
  });

  test('needs_approval holds run_command and a command tool as proposals; approving runs them in the proposer\'s sandbox', async () => {
    const root = coderOrg('[send_message, run_command, run_python]', `${COMMAND_TOOLS}needs_approval: [run_command, run_python]\n`);
    const provider = scripted([call('run_command', { command: 'echo approved > approved.txt' }, 'c1'), call('run_python', { code: 'print(1)' }, 'c2')]);
    await runEngine(root, { maxTurns: 1 }, withProvider(provider));
    expect(shownResults(provider)).toContain('proposal 000001-coder_01-001 is waiting for the human');
    expect(existsSync(join(root, 'agents/coder_01/workspace/approved.txt'))).toBe(false);
    const approved = lemming(root, ['approve', '000001-coder_01-001']);
    expect(approved.status).toBe(0);
    expect(read(root, 'agents/coder_01/workspace/approved.txt')).toBe('approved\n');
    expect(read(root, 'org/proposals/000001-coder_01-001.md')).toMatch(/status: done[\s\S]*exit code 0/);
  });

  test('calculate and fetch_url in a turn: calculate needs nothing, fetch_url with an empty allow-list refuses and validate says so', async () => {
    const root = coderOrg('[send_message, calculate, fetch_url]');
    const provider = scripted([call('calculate', { expression: '(3 + 4) * 6' }, 'c1'), call('fetch_url', { url: 'https://example.com/' }, 'c2')]);
    await runEngine(root, { maxTurns: 1 }, withProvider(provider));
    const shown = shownResults(provider);
    expect(shown).toContain('<tool_result name="calculate" call="c1">\n(3 + 4) * 6 = 42\n</tool_result>');
    expect(shown).toContain('fetch_url: refused: example.com is not on the list of hosts this agent may fetch (nothing is allowed: org.yaml web.allow is empty)');
    expect(lemming(root, ['validate']).stdout).toContain('warning: org/org.yaml: web.allow: lists no host, so every fetch_url of coder_01 is refused; a valid value looks like `allow: [docs.python.org]`');
  });
});

describe('where commands cannot run, or are not isolated', () => {
  test('without bwrap, run_command is not offered: the model is told why, and validate and run say in one line what to install', async () => {
    const root = coderOrg('[send_message, run_command, run_python]');
    const previous = process.env.LEMMING_BWRAP;
    process.env.LEMMING_BWRAP = '/nonexistent/bwrap';
    try {
      const provider = scripted([call('run_command', { command: 'true' })]);
      const events = await runEngine(root, { maxTurns: 1 }, withProvider(provider));
      const first = provider.requests.find((request) => request.agent === 'coder_01');
      expect(first?.tools.map((tool) => tool.name)).toEqual(['send_message']);
      expect(first?.messages[0]?.content).toContain("(lemming: bwrap is not installed, so run_command and the org's command tools are not offered; install bubblewrap");
      expect(ofType(events, 'agent-note').filter((event) => event.agent === 'coder_01').map((event) => event.message)).toContainEqual(expect.stringMatching(/^bwrap is not installed, so run_command and the org's command tools are not offered; install bubblewrap/));
      // Called all the same, it is refused with the same line.
      expect(shownResults(provider)).toContain('run_command: bwrap is not installed');
      const validate = lemming(root, ['validate'], { LEMMING_BWRAP: '/nonexistent/bwrap' });
      expect(validate.status).toBe(0);
      expect(validate.stdout.split('\n').filter((line) => line.includes('bwrap'))).toEqual([expect.stringMatching(/^warning: org\/org\.yaml: engine\.sandbox: bwrap is not installed.*install bubblewrap \(apt-get install bubblewrap, dnf install bubblewrap\) \(granted to coder_01\)$/)]);
      expect(lemming(root, ['send', 'coder_01', 'Once more, please.']).status).toBe(0);
      const run = lemming(root, ['run', '--plain', '--turns', '1'], { LEMMING_BWRAP: '/nonexistent/bwrap' });
      expect(run.stdout.split('\n').filter((line) => line.includes('not installed'))).toEqual([expect.stringMatching(/^\[turn 2\] coder_01: bwrap is not installed, so run_command and the org's command tools are not offered; install bubblewrap/)]);
    } finally {
      if (previous === undefined) delete process.env.LEMMING_BWRAP;
      else process.env.LEMMING_BWRAP = previous;
    }
  });

  test('isolation: none is an explicit opt-out that every run warns about', () => {
    const root = coderOrg('[send_message, run_command]', '');
    write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace(/^engine:\n/m, 'engine:\n  sandbox: { isolation: none }\n'));
    for (let run = 0; run < 2; run += 1) {
      const ran = lemming(root, ['run', '--plain', '--turns', '1']);
      expect(ran.stdout).toMatch(/warning: org\/org\.yaml: engine\.sandbox\.isolation is none: commands run unisolated/);
    }
    expect(lemming(root, ['validate']).stdout).toContain('warning: org/org.yaml: engine.sandbox.isolation: is none: commands run unisolated');
  });

  test('a command tool with a schema that is not one, or a built-in\'s name, is refused on load naming the file and field', () => {
    const root = coderOrg('[send_message, run_python]');
    write(root, 'org/org.yaml', `${read(root, 'org/org.yaml').replace(COMMAND_TOOLS, '')}
command_tools:
  run_python:
    description: Python
    parameters: { type: object, properties: { code: { type: strng } } }
    command: [python3]
  read_file:
    description: Mine
    command: [cat]
  bad:
    description: No command
    command: "python3 -c 1"
`);
    const validate = lemming(root, ['validate']);
    expect(validate.status).toBe(1);
    expect(validate.stdout).toContain('command_tools.bad.command');
    expect(validate.stdout).toContain('command: [python3, -c,');
    write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace(/  bad:\n.*\n.*\n/, ''));
    const again = lemming(root, ['validate']).stdout;
    expect(again).toMatch(/org\/org\.yaml:\d+: command_tools\.run_python\.parameters: is not a valid JSON Schema: .*\/code\/type must be equal to one of the allowed values/);
    expect(again).toMatch(/command_tools\.read_file: is the name of a built-in tool; give the command tool another name, like my_read_file/);
  });

  test('a hire gets no command, command tool or web tool that its proposer does not have', async () => {
    const root = coderOrg('[send_message, run_python]');
    const { checkHireScope } = await import('../../src/tools/proposals/new-agent.js');
    const { OrgLoader } = await import('../../src/org/load-org.js');
    const org = new OrgLoader(root).load().org;
    const hire = (tools: string[]) => ({ name: 'helper', title: 'Helper', instructions: 'Help.', reports_to: 'manager', model: 'offline', credits: 0, send_to: ['manager'], read_from: ['manager'], tools });
    expect(checkHireScope(org, 'hr', hire(['send_message', 'run_command', 'fetch_url', 'run_python'])).join('\n')).toMatch(/tools: "run_command" is not in hr's own tools[\s\S]*"fetch_url"[\s\S]*"run_python"/);
    expect(checkHireScope(org, 'coder_01', hire(['send_message', 'run_python', 'calculate']))).toEqual([]);
  });

  test('lemming tools lists the built-ins, the org\'s command tools and who has each, and whether commands can run here', () => {
    const root = coderOrg('[send_message, run_python, count_words]');
    const listed = lemming(root, ['tools']);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('command tools (org/org.yaml command_tools):');
    expect(listed.stdout).toMatch(/run_python +Run a Python program and see what it prints\.\n +\(runs \["python3","-c",.*\] with the arguments on stdin as JSON; granted to: coder_01\)/);
    expect(listed.stdout).toMatch(/count_words .*\n +\(runs .* with the arguments on TOOL_\* variables, idempotent; granted to: coder_01\)/);
    expect(listed.stdout).toMatch(/^commands on this machine: /m);
    const json = JSON.parse(lemming(root, ['tools', '--json']).stdout) as { tools: Array<{ name: string; kind: string; granted: string[] }> };
    expect(json.tools.find((tool) => tool.name === 'count_words')).toMatchObject({ kind: 'command', granted: ['coder_01'] });
  });
});
