import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { HAS_SCRIPT, TerminalSession } from './helpers/pty.js';
import { REPO, tempOrg } from './helpers/temp-org.js';

const CLI = join(REPO, 'dist', 'cli', 'main.js');
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function freshOrg(): string {
  const org = tempOrg();
  cleanups.push(org.remove);
  return org.root;
}

describe.skipIf(!HAS_SCRIPT)('lemming chat --drive in a terminal', () => {
  test('a message to the manager drives the org until the manager replies, on screen', async () => {
    const root = freshOrg();
    const screen = new TerminalSession(['chat', '--drive', '--root', root]);
    cleanups.push(() => screen.kill());
    await screen.waitFor('No messages yet');
    await screen.waitFor('manager ›');
    screen.press('Please plan the first release');
    await screen.waitFor('manager › Please plan the first release');
    let mark = screen.mark();
    screen.press('\r');
    await screen.waitFor('manager wrote to you after', mark);
    await screen.waitFor('"Please plan the first release" is done', mark);
    const shown = screen.text().slice(mark);
    expect(shown).toContain('── manager (writing to) ──');
    expect(shown).toContain('[turn 0] you: Please plan the first release');
    // Shown whole, the reply is read at once: its ● may be gone before ink draws a frame with it
    // (frames within ink's throttle are drawn as one), so the mark is not asserted here but the
    // file is, below. The ● of a message that arrives is chat-screen.test.tsx's.
    expect(shown).toMatch(/[● ] \[turn \d+\] manager: Re: Please plan the first release ↩ your "Please plan the first release"/);
    expect(shown).toContain('"Please plan the first release" is done');

    mark = screen.mark();
    screen.press('/quit');
    await screen.waitFor('/quit', mark);
    screen.press('\r');
    expect(await screen.exited).toBe(0);
    // The reply was on screen whole, so its file was marked read, as /read would have.
    expect(lemming(root, ['inbox']).stdout).toContain('no unread mail');
    // The drive let go of the org's lock: a run can take it now.
    expect(lemming(root, ['run']).status).toBe(0);
  });
});

describe('lemming chat without a terminal', () => {
  test('reads lines from standard input: --drive sends, runs turns, and prints the reply', () => {
    const root = freshOrg();
    const input = ['Please plan the first release', '/to coder_01', '/status', ''].join('\n');
    const result = spawnSync('node', [CLI, 'chat', '--drive', '--root', root], { input, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('chat as human in lemming-default (turn 0), writing to manager');
    expect(result.stdout).toContain('sent to manager: agents/human/outbox/000000-001-manager.md');
    expect(result.stdout).toMatch(/manager wrote to you after \d+ turns/);
    expect(result.stdout).toMatch(/● \[turn \d+\] manager → you \(reply to 000000-human-001\): Re: Please plan the first release/);
    expect(result.stdout).toContain('cannot write to coder_01: human may not send to coder_01 (chart.yaml: agents.human.send_to). You can write to: manager.');
    expect(result.stdout).toMatch(/lemming-default at turn \d+/);
    // Printed in full, so marked read, as `lemming inbox` does.
    expect(lemming(root, ['inbox']).stdout).toContain('no unread mail');
  });

  test('--to naming no agent, or one the chart keeps from the human, says whom the human may write to (exit 2)', () => {
    const root = freshOrg();
    const nobody = spawnSync('node', [CLI, 'chat', '--drive', '--root', root, '--to', 'zzz'], { input: '', encoding: 'utf8' });
    expect(nobody.status).toBe(2);
    expect(nobody.stderr).toContain('cannot write to zzz: there is no agent named zzz. You can write to: manager.');
    const barred = spawnSync('node', [CLI, 'chat', '--drive', '--root', root, '--to', 'coder_01'], { input: '', encoding: 'utf8' });
    expect(barred.status).toBe(2);
    expect(barred.stderr).toContain('cannot write to coder_01: human may not send to coder_01 (chart.yaml: agents.human.send_to). You can write to: manager.');
  });

  test('works while the org files have errors: the problems first, then the chat; /reply threads, plain text does not', () => {
    const root = freshOrg();
    expect(lemming(root, ['validate']).status).toBe(0);
    const chart = readFileSync(join(root, 'org', 'chart.yaml'), 'utf8');
    writeFileSync(join(root, 'org', 'chart.yaml'), chart.replace('send_to: [manager, coder_01]', 'send_to: [manager, coder_01'));
    writeFileSync(
      join(root, 'agents', 'manager', 'outbox', '000001-001-human.md'),
      '---\nid: 000001-manager-001\nfrom: manager\nto: human\nturn: 1\ncreated: 2026-01-01T00:00:00.000Z\nsubject: Which format?\n---\nMarkdown or HTML?\n',
    );
    const input = ['/status', '/reply Markdown', 'And add a changelog', ''].join('\n');
    const result = spawnSync('node', [CLI, 'chat', '--root', root], { input, encoding: 'utf8' });
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toContain('chat as human in lemming-default (turn 0), writing to manager');
    expect(lines[1]).toMatch(/^lemming: the org's files have 1 error\(s\)/);
    expect(lines[2]).toMatch(/^ {2}error: org\/chart\.yaml:\d+: is not valid YAML: the \[ opened on this line is never closed with \]/);
    expect(result.stdout).toContain('● [turn 1] manager → you: Which format?');
    expect(result.stdout).toMatch(/lemming-default at turn 0/);
    expect(result.stdout).toContain('sent to manager (a reply to 000001-manager-001): agents/human/outbox/000000-001-manager.md');
    expect(result.stdout).toContain('sent to manager: agents/human/outbox/000000-002-manager.md');
    expect(readFileSync(join(root, 'agents/human/outbox/000000-001-manager.md'), 'utf8')).toContain('reply_to: 000001-manager-001');
    expect(readFileSync(join(root, 'agents/human/outbox/000000-002-manager.md'), 'utf8')).not.toContain('reply_to');

    // --drive opens too; each drive says why no turn can run until the chart is mended.
    const driving = spawnSync('node', [CLI, 'chat', '--drive', '--root', root], { input: 'Anything else?\n', encoding: 'utf8' });
    expect(driving.status).toBe(0);
    expect(driving.stdout).toContain('sent to manager: agents/human/outbox/000000-003-manager.md');
    expect(driving.stdout).toMatch(/not driving: org\/chart\.yaml:\d+: is not valid YAML/);
  });

  // Before: the chat said only "sent to manager", and the person learnt of the cut from the message's file, if at all.
  test('a line past engine.max_body_chars is sent cut, and the chat says so as `lemming send` does', () => {
    const root = freshOrg();
    const result = spawnSync('node', [CLI, 'chat', '--root', root], { input: `${'x'.repeat(25_000)}\n`, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('sent to manager: agents/human/outbox/000000-001-manager.md');
    expect(result.stdout).toContain('the text was 25000 characters; messages are capped at 20000 (org.yaml engine.max_body_chars), so the last 5000 were cut and the message says so');
    expect(readFileSync(join(root, 'agents/human/outbox/000000-001-manager.md'), 'utf8')).toContain('[lemming: 5000 more characters were cut');
  });

  // Before: "stopping: the next `lemming run` resumes where this one stops", with no turn under way.
  test.each(['SIGINT', 'SIGTERM'] as const)('--drive stopped by %s between drives says no turn is under way, and ends (exit 0)', async (signal) => {
    const root = freshOrg();
    const chat = spawn('node', [CLI, 'chat', '--drive', '--root', root], { stdio: ['pipe', 'pipe', 'pipe'] });
    cleanups.push(() => chat.kill('SIGKILL'));
    let output = '';
    const exited = new Promise((resolve) => chat.on('exit', resolve));
    chat.stdout.on('data', (data: Buffer) => (output += data.toString('utf8')));
    chat.stderr.on('data', (data: Buffer) => (output += data.toString('utf8')));
    const until = async (text: string): Promise<void> => {
      while (!output.includes(text)) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    await until('writing to manager');
    chat.kill(signal);
    expect(await exited).toBe(0);
    expect(output).toContain('stopping: no turn is under way; the chat ends');
    expect(output).not.toContain('resumes where this one stops');
  });

  test('--drive refuses while another engine holds the org', async () => {
    const root = freshOrg();
    // A live process holding the lock: this test's own.
    writeFileSync(join(root, 'org', 'state', 'lock'), JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), token: 't', command: 'run', started: new Date().toISOString() }));
    const result = spawnSync('node', [CLI, 'chat', '--drive', '--root', root], { input: 'hello\n', encoding: 'utf8' });
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('another engine is working on this org');
  });

  test('without --drive, mail written by a run elsewhere is printed as it arrives', async () => {
    const root = freshOrg();
    const chat = spawn('node', [CLI, 'chat', '--root', root], { stdio: ['pipe', 'pipe', 'pipe'] });
    cleanups.push(() => chat.kill('SIGKILL'));
    let output = '';
    chat.stdout.on('data', (data: Buffer) => (output += data.toString('utf8')));
    const until = async (text: string): Promise<void> => {
      const deadline = Date.now() + 8000;
      while (!output.includes(text)) {
        if (Date.now() > deadline) throw new Error(`"${text}" not printed; got:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    await until('writing to manager');
    chat.stdin.write('Please write the release notes\n');
    await until('sent to manager');
    expect(lemming(root, ['run']).status).toBe(0);
    await until('manager → you');
    chat.stdin.end();
    const code = await new Promise((resolve) => chat.on('exit', resolve));
    expect(code).toBe(0);
    expect(output).toContain('"Please write the release notes" is done');
  });
});
