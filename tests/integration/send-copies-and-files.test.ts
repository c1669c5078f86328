import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Output } from '../../src/cli/cli-context.js';
import { sendCommand } from '../../src/cli/commands/send.js';
import { lemming } from '../helpers/cli.js';
import { CHANGE_LOG_FILE } from '../../src/org/changes/change-log.js';
import { countFsWork } from '../helpers/fs-work.js';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import { defaultOrg, inboxOf, listOutbox, read, runEngine, tempDir, write } from '../helpers/temp-org.js';

function captured(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (line: string) => lines.push(line), err: (line: string) => lines.push(`err: ${line}`) } as Output & { lines: string[] };
}

/** The default org where the human may write to the manager, the planner and hr; hr reads only from the manager, so a copy to hr is refused at its end. */
function orgForCopies(): string {
  const root = defaultOrg();
  write(root, 'org/chart.yaml', read(root, 'org/chart.yaml').replace('send_to: [manager]\n    read_from: ["*"]', 'send_to: [manager, planner, hr]\n    read_from: ["*"]').replace('read_from: [manager, coder_01]', 'read_from: [manager, coder_01, human]'));
  return root;
}

describe('lemming send --cc and --to', () => {
  test('--cc makes one file with the copies, read by each at the next turn', async () => {
    const root = orgForCopies();
    const output = captured();
    await sendCommand(root, 'manager', ['Plan', 'the', 'release'], { cc: 'planner', subject: 'Plan' }, output);
    expect(listOutbox(root, 'human')).toEqual(['000000-001-manager+1.md']);
    expect(read(root, 'agents/human/outbox/000000-001-manager+1.md')).toMatch(/^to: manager\ncc: \[planner\]\n/m);
    expect(output.lines[0]).toBe('sent 000000-human-001 to manager, cc planner: agents/human/outbox/000000-001-manager+1.md');
    const provider = new ScriptedProvider(() => ({}));
    await runEngine(root, { maxTurns: 1 }, { providerFactory: () => provider });
    expect(provider.requests.map((request) => [request.agent, inboxOf(request).map((item) => item.id)])).toEqual([
      ['manager', ['000000-human-001']],
      ['planner', ['000000-human-001']],
    ]);
  });

  test('--to a,b is one message to both, every word text; a refused copy holds the whole message back, saying which end refused', async () => {
    const root = orgForCopies();
    await sendCommand(root, 'Plan', ['it'], { to: 'manager,planner' }, captured());
    expect(listOutbox(root, 'human')).toEqual(['000000-001-manager+1.md']);
    expect(read(root, 'agents/human/outbox/000000-001-manager+1.md')).toMatch(/^to: \[manager, planner\]\n[^]*\nPlan it\n$/m);
    await expect(sendCommand(root, 'manager', ['hello'], { cc: 'planner,hr' }, captured())).rejects.toThrow(
      'not sent: hr does not read from human (chart.yaml: agents.hr.read_from); the message went to no one (it reaches all its names or none)',
    );
    await expect(sendCommand(root, 'hello', [], { to: 'manager', where: ['department=sales'] }, captured())).rejects.toMatchObject({ exitCode: 2 });
    const many = Array.from({ length: 65 }, (_, index) => `agent_${index}`).join(',');
    await expect(sendCommand(root, 'manager', ['hello'], { cc: many }, captured())).rejects.toThrow(/names 66 people in to and cc; a message reaches at most 64/);
    expect(listOutbox(root, 'human')).toEqual(['000000-001-manager+1.md']);
  });
});

describe('lemming send --file', () => {
  test('a file front matter says to, cc, subject and priority; a bad field is refused with the file, the field and a valid value, and nothing is sent', async () => {
    const root = orgForCopies();
    const dir = tempDir();
    writeFileSync(join(dir, 'plan.md'), '---\nto: manager\ncc: [planner]\nsubject: The plan\npriority: high\n---\nPlease plan the release.\n');
    writeFileSync(join(dir, 'asap.md'), '---\nto: manager\npriority: asap\n---\nNow.\n');
    writeFileSync(join(dir, 'typo.md'), '---\nto: manager\nsubjet: Hi\n---\nHello.\n');
    await expect(sendCommand(root, undefined, [], { file: [join(dir, 'plan.md'), join(dir, 'asap.md'), join(dir, 'typo.md')] }, captured())).rejects.toThrow(
      `not sent: 2 of the 3 files are not messages to send:\n${join(dir, 'asap.md')}:3: has an invalid front matter field priority: must be one of low, normal, high, urgent, for example \`priority: high\`\n${join(dir, 'typo.md')}:3: has a field "subjet" that a message to send does not take; its fields are to, cc, subject, priority, reply_to`,
    );
    await expect(sendCommand(root, 'manager', [], { file: [join(dir, 'plan.md')] }, captured())).rejects.toThrow(/^--file takes the recipients, subject and priority from each file's front matter; leave out a recipient or text$/);
    expect(listOutbox(root, 'human')).toEqual([]);
    const output = captured();
    await sendCommand(root, undefined, [], { file: [join(dir, 'plan.md')] }, output);
    expect(output.lines[0]).toBe('sent 000000-human-001 to manager, cc planner: agents/human/outbox/000000-001-manager+1.md');
    expect(read(root, 'agents/human/outbox/000000-001-manager+1.md')).toMatch(/^to: manager\ncc: \[planner\]\n[^]*subject: The plan\npriority: high\n---\nPlease plan the release\.\n$/m);
  });

  test('a folder of 30 messages is sent in one load of the org, three listings of the outbox and one note to the engine; one refused name and none is sent', async () => {
    const root = orgForCopies();
    const dir = join(tempDir(), 'messages');
    mkdirSync(dir);
    for (let index = 1; index <= 30; index += 1) writeFileSync(join(dir, `${String(index).padStart(2, '0')}.md`), `---\nto: ${index % 2 === 0 ? 'manager' : 'planner'}\nsubject: Task ${index}\n---\nDo task ${index}.\n`);
    writeFileSync(join(dir, 'late.md'), '---\nto: hr\n---\nhr does not read the human.\n');
    await expect(sendCommand(root, undefined, [], { file: [dir] }, captured())).rejects.toThrow(`not sent: ${join(dir, 'late.md')}: hr does not read from human (chart.yaml: agents.hr.read_from)`);
    expect(listOutbox(root, 'human')).toEqual([]);
    write(dir, 'late.md', '---\nto: manager\ncc: [planner]\n---\nFor both.\n');
    const output = captured();
    const work = await countFsWork(async () => {
      await sendCommand(root, undefined, [], { file: [dir] }, output);
    });
    expect(listOutbox(root, 'human')).toHaveLength(31);
    expect(output.lines.at(-2)).toBe('31 messages sent, from 31 file(s)');
    // One load of the org (the agents folder listed once), three listings of the outbox (to remove the claims and temporaries a
    // killed send left, to number the messages, then to see no other writer took one of those numbers meanwhile:
    // mailbox/sequence-claims.ts), the engine told once.
    expect(work.listed.filter((folder) => folder.endsWith('/agents'))).toHaveLength(1);
    expect(work.listed.filter((folder) => folder.endsWith('/outbox'))).toHaveLength(3);
    // The engine told once: the change log opened once, to append the human's one line (org/changes/change-log.ts).
    expect(work.opened.filter((path) => path.endsWith(CHANGE_LOG_FILE))).toHaveLength(1);
  });
});

describe('lemming send --file - and its help, on the built CLI', () => {
  test('--file - reads one message from standard input; --help says --to, --cc and --file', () => {
    const root = orgForCopies();
    const sent = lemming(root, ['send', '--file', '-'], {}, '---\nto: [manager, planner]\nsubject: From a pipe\n---\nPiped.\n');
    expect(sent.stderr).toBe('');
    expect(sent.stdout.split('\n')[0]).toBe('sent 000000-human-001 to manager, planner: agents/human/outbox/000000-001-manager+1.md');
    const help = lemming(root, ['send', '--help']).stdout;
    for (const option of ['--to <names>', '--cc <names>', '--file <path>']) expect(help).toContain(option);
  });
});
