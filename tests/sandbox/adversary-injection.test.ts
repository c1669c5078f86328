import { describe, expect, test } from 'vitest';
import { OrgLoader } from '../../src/org/load-org.js';
import { adversaryOrg } from '../helpers/adversary-org.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultOrg, humanSends, listOutbox, read, runEngine, write } from '../helpers/temp-org.js';

/**
 * The adversary suite, option injection: bubblewrap's options travel NUL-separated on a descriptor,
 * so a NUL inside any name, value or argument would end it and start options of the caller's own
 * (`--bind / /hostroot`: the host's root, read-write). Every path a model's bytes take into the
 * sandbox is tried with that payload, against the real bwrap.
 */
const PAYLOAD = 'a\u0000--bind\u0000/\u0000/hostroot';

describe.skipIf(SANDBOX_PROBLEM !== undefined)('adversary: no bubblewrap option can be injected through a NUL', () => {
  test('a command tool with `arguments: env` given a NUL in an argument is refused, with a result the model reads; no /hostroot appears', async () => {
    const { tool } = adversaryOrg();
    const ran = await tool('echo_env', { text: PAYLOAD });
    expect(ran.result.isError).toBe(true);
    expect(ran.result.content).toBe('echo_env: refused: the variable TOOL_TEXT holds a NUL character, which no command can be given; send the text without it');
    expect(ran.result.content).not.toMatch(/\bbin\b|\betc\b|\busr\b/);
    expect(ran.command).toBeUndefined();
  });

  test('in a turn, the refusal is the result the model reads, and the turn goes on to its message', async () => {
    const { root } = adversaryOrg();
    write(root, 'agents/coder_01/resume.md', '---\ntitle: Coder\nmodel: offline\ncredits: 1\ntools: [send_message, echo_env]\n---\nCode.\n');
    write(root, 'org/chart.yaml', read(root, 'org/chart.yaml').replace('    send_to: [planner]\n    read_from: [planner]', '    send_to: [planner, human]\n    read_from: [planner, human]'));
    write(root, 'org/chart.yaml', read(root, 'org/chart.yaml').replace('    send_to: [manager]\n    read_from: ["*"]', '    send_to: [manager, coder_01]\n    read_from: ["*"]'));
    humanSends(root, 'coder_01', 'Echo this.');
    const provider = new ScriptedProvider((request) => {
      if (request.agent !== 'coder_01') return {};
      if (request.messages.length === 1) return { toolCalls: [{ id: 'call_echo', name: 'echo_env', arguments: { text: PAYLOAD } }] };
      return { toolCalls: [sendCall('human', 'Done.', { subject: 'Echo' })] };
    });
    await runEngine(root, { maxTurns: 1 }, { providerFactory: () => provider });
    const shown = provider.requests.filter((request) => request.agent === 'coder_01')[1]?.messages.at(-1)?.content ?? '';
    expect(shown).toContain('echo_env: refused: the variable TOOL_TEXT holds a NUL character');
    expect(listOutbox(root, 'coder_01')).toHaveLength(1);
  });

  test('the same tool without the NUL runs, and sees no /hostroot', async () => {
    const { tool } = adversaryOrg();
    const ran = await tool('echo_env', { text: 'a --bind / /hostroot' });
    expect(ran.command?.exit).toBe(0);
    expect(ran.result.content).toContain('[a --bind / /hostroot]');
    expect(ran.result.content).toMatch(/ls: cannot access '\/hostroot': No such file or directory/);
  });

  test('run_command with a NUL in its command line is refused', async () => {
    const { run } = adversaryOrg();
    const ran = await run(`echo ${PAYLOAD}; ls /hostroot`);
    expect(ran.result.isError).toBe(true);
    expect(ran.result.content).toMatch(/^run_command: (refused: )?the command line holds a NUL character/);
    expect(ran.command).toBeUndefined();
  });

  test('a NUL on standard input is data on a pipe, never an option: run_command and the stdin form of a command tool are given it as it is', async () => {
    const { run, tool } = adversaryOrg();
    const direct = await run('tr "\\000" "@"; echo; ls /hostroot 2>&1; true', PAYLOAD);
    expect(direct.command?.exit).toBe(0);
    expect(direct.result.content).toContain('a@--bind@/@/hostroot\n');
    expect(direct.result.content).toContain("ls: cannot access '/hostroot': No such file or directory");
    const viaTool = await tool('echo_stdin', { text: PAYLOAD });
    expect(viaTool.result.content).toContain('{"text":"a\\u0000--bind\\u0000/\\u0000/hostroot"}');
    expect(viaTool.result.content).toContain("ls: cannot access '/hostroot': No such file or directory");
  });
});

describe('adversary: org.yaml cannot carry a NUL into a command either', () => {
  test('a command tool whose command holds a NUL is a problem of org.yaml, naming the field', () => {
    const root = defaultOrg();
    write(root, 'org/org.yaml', `${read(root, 'org/org.yaml')}\ncommand_tools:\n  evil:\n    description: Evil.\n    command: [sh, "-c\\0--bind\\0/\\0/hostroot", "true"]\n`);
    const { problems } = new OrgLoader(root).load();
    const problem = problems.find((found) => found.field?.startsWith('command_tools.evil.command'));
    expect(problem).toMatchObject({ file: 'org/org.yaml', field: 'command_tools.evil.command.1', severity: 'error' });
    expect(problem?.message).toMatch(/NUL/);
  });
});
