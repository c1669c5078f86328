import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bootstrapOrg } from '../../src/org/bootstrap-org.js';
import { formatMessage } from '../../src/mailbox/message-format.js';
import { messageFileName } from '../../src/mailbox/message.js';
import { lemming } from '../helpers/cli.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { DEFAULT_ORG, humanSends, listOutbox, read, runEngine, tempDir, write } from '../helpers/temp-org.js';

/*
 * Issue 36: text an agent wrote (a model's subject and body, its answer, an error it caused) is
 * shown to a person by every command, and a terminal obeys the control sequences inside it:
 * clear the screen, move up and erase a line, hide text, set the window title, write the
 * clipboard. Every command's human-readable output shows them as visible escapes instead;
 * `--json` keeps the exact text, and the message files keep it as written.
 */

/** A subject that writes the clipboard (OSC 52), clears the screen and sets the window title. */
const SUBJECT = 'Weekly report\u001b]52;c;cm0gLXJmIH4K\u0007\u001b[2J\u001b]0;TITLE\u0007';
/** A body that erases the line above, hides text, and holds a C1 CSI, a DEL and a right-to-left override. */
const BODY = 'All is well.\u001b[1A\u001b[2K\nApprove: \u001b[8mwire every credit to hr\u001b[0m\nC1 \u009b2J DEL \u007f name \u202egpj.exe\u202c';
/** What the human asked for, as an outside program speaking for the person might write it. */
const REQUEST_SUBJECT = 'Please report\u001b[2J';
/** A subject JSON.stringify leaves as it is: a C1 CSI and a right-to-left override. */
const HR_SUBJECT = 'News \u009b2J \u202egpj.exe';
/** What the model said besides its call, which the trace and the log show. */
const MODEL_TEXT = 'Sending it now.\u001b]0;owned\u0007';

/** Any byte a terminal acts on rather than shows: C0 but newline and tab, DEL, C1, and the bidi controls. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The output holds nothing a terminal would act on. */
function expectSafe(text: string): void {
  const found = RAW_CONTROL.exec(text);
  expect(found ? `raw U+${found[0].codePointAt(0)?.toString(16).padStart(4, '0')} at ${found.index}: ${JSON.stringify(text.slice(Math.max(0, found.index - 40), found.index + 20))}` : 'none').toBe('none');
}

let root: string;

/** The hostile message dropped by hand into the manager's outbox as sequence `seq` of turn 1, for the next run to deliver. */
function drop(seq: number, subject = SUBJECT): void {
  const file = `agents/manager/outbox/${messageFileName(1, seq, 'human')}`;
  write(root, file, formatMessage({ id: `000001-manager-00${seq}`, from: 'manager', to: 'human', turn: 1, created: '2026-01-01T00:00:00.000Z', subject, priority: 'normal', body: BODY }));
}

// One org for every test of the file (tempDir's folders go after each test): the commands only read it, but for `run`.
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'lemming-terminal-'));
  bootstrapOrg(root, DEFAULT_ORG);
  humanSends(root, 'manager', 'How are we doing?', REQUEST_SUBJECT);
  // A model answers with the hostile text: the engine writes it as given, into the message file.
  // hr, asked too, meets a model that fails with the hostile text in its error.
  const provider = new ScriptedProvider((request) => {
    if (request.agent === 'hr') return new Error(`upstream says ${SUBJECT}`);
    return request.agent === 'manager' && request.turn === 1
      ? { text: MODEL_TEXT, toolCalls: [sendCall('human', BODY, { subject: SUBJECT }), sendCall('hr', 'Any news?', { subject: HR_SUBJECT })] }
      : { text: '' };
  });
  await runEngine(root, { maxTurns: 3 }, { providerFactory: () => provider, clock: () => new Date('2026-01-01T00:00:00.000Z') });
  expect(listOutbox(root, 'manager')).toEqual(['000001-001-human.md', '000001-002-hr.md']);
  // A second message dropped into the outbox, for `lemming run --plain` to deliver and print.
  drop(3);
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('text bound for a terminal', () => {
  test('the message file keeps the text exactly as the model wrote it', () => {
    const file = read(root, 'agents/manager/outbox/000001-001-human.md');
    expect(file).toContain(BODY);
  });

  test('lemming run --plain shows the subject with its control characters as visible escapes', () => {
    const run = lemming(root, ['run', '--plain']);
    expect(run.status).toBe(0);
    expectSafe(run.stdout);
    expectSafe(run.stderr);
    expect(run.stdout).toContain('manager -> human: Weekly report\\u001b]52;c;cm0gLXJmIH4K\\u0007\\u001b[2J\\u001b]0;TITLE\\u0007');
  });

  test("lemming's own colours stay on a painted line: the data is escaped, not the decoration", () => {
    drop(4);
    const run = lemming(root, ['run', '--plain'], { FORCE_COLOR: '1', NO_COLOR: '' });
    expect(run.status).toBe(0);
    const delivered = run.stdout.split('\n').find((line) => line.includes('manager -> human')) ?? '';
    // The turn dim, mail for the person cyan: lemming's SGR codes, around the escaped subject.
    expect(delivered).toMatch(/^\u001b\[2m\[turn \d+\] \u001b\[22m\u001b\[36mmanager -> human: Weekly report\\u001b\]52;c;cm0gLXJmIH4K\\u0007\\u001b\[2J\\u001b\]0;TITLE\\u0007\u001b\[39m$/);
  });

  test('lemming run --json keeps the exact text, and writes no raw control character', () => {
    // C0 is escaped by JSON.stringify already; C1 and the bidi controls are not.
    drop(5, HR_SUBJECT);
    const run = lemming(root, ['run', '--json']);
    expect(run.status).toBe(0);
    expectSafe(run.stdout);
    const events = run.stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { type: string; message?: { subject?: string } });
    expect(events.filter((event) => event.type === 'message-delivered').map((event) => event.message?.subject)).toEqual([HR_SUBJECT]);
  });

  test('lemming run --log-format json writes records that parse to the exact text, with no raw control character', () => {
    drop(6, HR_SUBJECT);
    const run = lemming(root, ['run', '--log-format', 'json']);
    expect(run.status).toBe(0);
    expectSafe(run.stderr);
    const records = run.stderr.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { event: string; message?: string });
    expect(records.find((record) => record.event === 'message-delivered')?.message).toMatch(new RegExp(`manager -> human: ${HR_SUBJECT}$`));
  });

  test("lemming inbox shows subject and body escaped; --json keeps the exact text", () => {
    const json = JSON.parse(lemming(root, ['inbox', '--all', '--json']).stdout) as { messages: Array<{ subject?: string; body: string }> };
    expect(json.messages.map((message) => message.subject)).toEqual([SUBJECT, SUBJECT, SUBJECT, HR_SUBJECT, HR_SUBJECT]);
    expect(json.messages.map((message) => message.body)).toEqual([BODY, BODY, BODY, BODY, BODY]);
    const inbox = lemming(root, ['inbox', '--all']);
    expect(inbox.status).toBe(0);
    expectSafe(inbox.stdout);
    expect(inbox.stdout).toContain('from manager (reply to 000000-human-001): Weekly report\\u001b]52;c;');
    expect(inbox.stdout).toContain('    All is well.\\u001b[1A\\u001b[2K\n');
    expect(inbox.stdout).toContain('Approve: \\u001b[8mwire every credit to hr\\u001b[0m');
    expect(inbox.stdout).toContain('C1 \\u009b2J DEL \\u007f name \\u202egpj.exe\\u202c');
  });

  test('lemming thread shows the subjects escaped; --json keeps the exact text', () => {
    const thread = lemming(root, ['thread', '000000-human-001']);
    expect(thread.status).toBe(0);
    expectSafe(thread.stdout);
    expect(thread.stdout).toContain('Please report\\u001b[2J');
    expect(thread.stdout).toContain('Weekly report\\u001b]52;c;');
    const json = JSON.parse(lemming(root, ['thread', '000000-human-001', '--json']).stdout) as { messages: Array<{ subject?: string }> };
    expect(json.messages.map((message) => message.subject)).toContain(SUBJECT);
  });

  test('lemming requests and lemming search show the subjects escaped', () => {
    const requests = lemming(root, ['requests']);
    expect(requests.status).toBe(0);
    expectSafe(requests.stdout);
    expect(requests.stdout).toContain('to manager: Please report\\u001b[2J');
    const json = JSON.parse(lemming(root, ['requests', '--json']).stdout) as { requests: Array<{ subject?: string }> };
    expect(json.requests[0]?.subject).toBe(REQUEST_SUBJECT);
    const search = lemming(root, ['search', 'report']);
    expect(search.status).toBe(0);
    expectSafe(search.stdout);
    expect(search.stdout).toContain('Weekly report\\u001b]52;c;');
  });

  test('lemming logs and lemming trace show what the model said escaped; --json keeps it exact', () => {
    const trace = lemming(root, ['trace', 'manager', '--turn', '1']);
    expect(trace.status).toBe(0);
    expectSafe(trace.stdout);
    expect(trace.stdout).toContain('Sending it now.\\u001b]0;owned\\u0007');
    const traced = JSON.parse(lemming(root, ['trace', 'manager', '--turn', '1', '--json']).stdout) as { response: { text: string } };
    expect(traced.response.text).toBe(MODEL_TEXT);
    const logs = lemming(root, ['logs', 'manager']);
    expect(logs.status).toBe(0);
    expectSafe(logs.stdout);
    const logged = lemming(root, ['logs', 'manager', '--json']);
    expectSafe(logged.stdout);
    expect(logs.stdout).toContain('subject="News \\u009b2J \\u202egpj.exe"');
    const entries = logged.stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { subject?: string });
    expect(entries.map((entry) => entry.subject)).toContain(HR_SUBJECT);
  });

  test('lemming status shows an error an agent caused escaped; --json keeps it exact', () => {
    const status = lemming(root, ['status']);
    expect(status.status).toBe(0);
    expectSafe(status.stdout);
    expect(status.stdout).toMatch(/hr .*upstream says Weekly report\\u001b\]52;c;/);
    const json = JSON.parse(lemming(root, ['status', '--json']).stdout) as { agents: Array<{ name: string; lastError?: { message: string } }> };
    expect(json.agents.find((agent) => agent.name === 'hr')?.lastError?.message).toContain(SUBJECT);
  });

  test('lemming validate quotes a bad value with its escape visible, and lemming inspect an error', () => {
    const resume = read(root, 'agents/hr/resume.md');
    write(root, 'agents/hr/resume.md', resume.replace(/^model: .*$/m, 'model: "gpt\\e]0;TITLE\\a\\e[2J\\x9b2J\\u202e"'));
    try {
      const validate = lemming(root, ['validate']);
      expect(validate.status).toBe(1);
      expectSafe(validate.stdout);
      expectSafe(validate.stderr);
      expect(validate.stdout).toContain('gpt\\u001b]0;TITLE\\u0007\\u001b[2J\\u009b2J\\u202e');
      const json = JSON.parse(lemming(root, ['validate', '--json']).stdout) as { problems: Array<{ message: string }> };
      expect(json.problems.some((problem) => problem.message.includes('\u009b2J\u202e'))).toBe(true);
      const inspect = lemming(root, ['inspect', 'hr']);
      expectSafe(inspect.stdout);
      expectSafe(inspect.stderr);
    } finally {
      write(root, 'agents/hr/resume.md', resume);
    }
  });

  test('lemming diff shows subjects and body diffs escaped; --json keeps the exact text', () => {
    // A copy in which the hostile message's first line was edited: its body diff quotes the hostile lines around it.
    const copy = join(tempDir(), 'copy');
    cpSync(root, copy, { recursive: true });
    const file = 'agents/manager/outbox/000001-001-human.md';
    write(copy, file, read(copy, file).replace('All is well.', 'All is not well.'));
    const diff = lemming(root, ['diff', root, copy]);
    expect(diff.status).toBe(1);
    expectSafe(diff.stdout);
    expectSafe(diff.stderr);
    expect(diff.stdout).toContain('  ~ [turn 1] 000001-manager-001 manager -> human: Weekly report\\u001b]52;c;cm0gLXJmIH4K\\u0007\\u001b[2J\\u001b]0;TITLE\\u0007\n');
    expect(diff.stdout).toContain('    -All is well.\\u001b[1A\\u001b[2K\n    +All is not well.\\u001b[1A\\u001b[2K\n');
    expect(diff.stdout).toContain('     C1 \\u009b2J DEL \\u007f name \\u202egpj.exe\\u202c\n');
    const json = lemming(root, ['diff', root, copy, '--json']);
    expectSafe(json.stdout);
    const changed = (JSON.parse(json.stdout) as { messages: { changed: Array<{ subject: string; bodyDiff: string[] }> } }).messages.changed;
    expect(changed.map((message) => message.subject)).toEqual([SUBJECT]);
    expect(changed[0]?.bodyDiff).toContain(' C1 \u009b2J DEL \u007f name \u202egpj.exe\u202c');
  });

  test('an agent name on the command line that holds ESC is quoted escaped in the error', () => {
    const inspect = lemming(root, ['inspect', 'gh\u001b[2J\u202eost']);
    expect(inspect.status).not.toBe(0);
    expectSafe(inspect.stderr);
    expect(inspect.stderr).toContain('\\u001b[2J\\u202eost');
  });
});
