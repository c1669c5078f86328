import { closeSync, openSync, readdirSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import { defaultFaultOrg, eventsOf, inboxOf, requestsOf, runScripted, writeFile } from './fault-org.js';
import { checkInvariants } from './invariants.js';

const MB = 1024 * 1024;
const BIG_SUBJECT = 'agents/manager/outbox/000000-001-planner.md';
const BIG_REPLY_TO = 'agents/manager/outbox/000000-002-planner.md';
const BIG_NAMES = 'agents/manager/outbox/000000-003-planner.md';
const BIG_FILE = 'agents/manager/outbox/000000-004-planner.md';
const BIG_RECIPIENT = 'agents/manager/outbox/000000-005-planner.md';

/** Every file under a folder with its size, biggest first. */
function sizes(root: string, folder: string): Array<[string, number]> {
  const found: Array<[string, number]> = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) found.push([path.slice(root.length + 1), statSync(path).size]);
    }
  };
  walk(join(root, folder));
  return found.sort((left, right) => right[1] - left[1]);
}

/** A 1 GB file that is text for its first 5 MB and a hole after (it takes no disk). */
function writeHugeFile(root: string, file: string): void {
  writeFile(root, file, `---\nto: planner\nsubject: Huge\n---\n`);
  const descriptor = openSync(join(root, file), 'a');
  const line = Buffer.from(`${'All work and no play. '.repeat(20)}\n`);
  for (let written = 0; written < 5 * MB; written += line.length) writeSync(descriptor, line);
  closeSync(descriptor);
  truncateSync(join(root, file), 1024 * MB);
}

describe('a message file dropped by hand with fields far past any cap', () => {
  test('subject cut and said so, identifying fields dropped, a huge file read only up to its cap; prompts, state and logs stay small', async () => {
    const root = defaultFaultOrg();
    writeFile(root, BIG_SUBJECT, `---\nto: planner\nsubject: ${'Plan '.repeat(600_000)}\n---\nThe task.\n`);
    writeFile(root, BIG_REPLY_TO, `---\nto: planner\nsubject: Answer\nreply_to: ${'x'.repeat(MB)}\n---\nThe answer.\n`);
    writeFile(root, BIG_NAMES, `---\nid: ${'i'.repeat(MB / 2)}\nfrom: ${'f'.repeat(MB / 2)}\nto: planner\nmodel: ${'m'.repeat(MB / 2)}\ncreated: "${'c'.repeat(MB / 2)}"\n---\nNames.\n`);
    writeFile(root, BIG_RECIPIENT, `---\nto: ${'p'.repeat(MB)}\n---\nTo nobody.\n`);
    writeHugeFile(root, BIG_FILE);
    const provider = new ScriptedProvider((request: ProviderRequest) => {
      if (request.agent === 'planner' && request.turn === 1) return { toolCalls: [{ id: 'read_huge', name: 'read_message', arguments: { id: '000000-manager-004' } }] };
      return {};
    });
    const events = await runScripted(root, provider);

    // The planner is shown four messages, each with its fields capped.
    const planner = requestsOf(provider, 'planner')[0];
    const inbox = inboxOf(planner);
    expect(inbox.map((item) => item.id)).toEqual(['000000-manager-001', '000000-manager-002', '000000-manager-003', '000000-manager-004']);
    const subject = inbox[0]?.subject ?? '';
    expect(subject.length).toBeLessThanOrEqual(200);
    expect(subject).toMatch(/^Plan Plan .* \[lemming: 2999\d{3} more characters cut\]$/);
    expect(inbox[1]).toMatchObject({ subject: 'Answer', body: 'The answer.' });
    expect(inbox[1]?.replyTo).toBeUndefined();
    expect(JSON.stringify(planner).length).toBeLessThan(200_000);

    // read_message gives the huge file's body as far as any message goes, and says why it stops.
    const read = requestsOf(provider, 'planner')[1]?.messages.at(-1)?.content ?? '';
    expect(read.length).toBeLessThan(25_000);
    expect(read).toContain('All work and no play.');
    expect(read).toMatch(/more characters were cut; messages are capped at 20000 characters \(org\.yaml engine\.max_body_chars\)\]/);
    expect(read).toContain('[lemming: this file is larger than 4194304 bytes; the rest was not read]');

    // Each cut or dropped field is a warning naming the file; the file with no recipient it could have is skipped.
    const warnings = eventsOf(events, 'warning').map((event) => `${event.file}: ${event.message}`);
    const file = (name: string) => `agents/manager/outbox/${name}: `;
    expect(warnings).toContain(`${file(BIG_SUBJECT.slice(-21))}its \`subject:\` is 2999999 characters; it was cut to 200 (subjects are capped at 200 characters)`);
    expect(warnings).toContain(`${file(BIG_REPLY_TO.slice(-21))}its \`reply_to:\` is 1048576 characters, more than an id can be (at most 120); it was dropped`);
    expect(warnings).toContain(`${file(BIG_NAMES.slice(-21))}its \`id:\` is 524288 characters, more than an id can be (at most 120); it was ignored (a message's id comes from its file name)`);
    expect(warnings).toContain(`${file(BIG_NAMES.slice(-21))}its \`model:\` is 524288 characters, more than a model name can be (at most 120); it was dropped`);
    expect(warnings).toContain(`${file(BIG_NAMES.slice(-21))}its \`created:\` is 524288 characters, more than a time can be (at most 120); it was dropped`);
    expect(warnings).toContain(`${file(BIG_NAMES.slice(-21))}claims to be from "${'f'.repeat(57)}..." but sits in manager's outbox, so it is from manager`);
    expect(warnings).toContainEqual(expect.stringMatching(/^agents\/manager\/outbox\/000000-004-planner\.md: its body is \d+ characters; it was cut to 20000 \(org\.yaml engine\.max_body_chars\)$/));
    expect(warnings).toContainEqual(
      expect.stringMatching(/^agents\/manager\/outbox\/000000-005-planner\.md: has a `to:` of 1048576 characters; a recipient is an agent name of at most 64 characters, for example `to: planner`; this message was skipped/),
    );
    expect(warnings.every((warning) => warning.length < 1_000)).toBe(true);

    // The engine's state, journal and logs hold none of the megabytes; a call's trace holds its prompts, which the context caps.
    // (The history, which new orgs keep, records the org's files as they are, these included.)
    expect(sizes(root, 'org/state').filter(([file]) => !file.startsWith('org/state/history.git/'))[0]?.[1]).toBeLessThan(64 * 1024);
    for (const agent of ['manager', 'planner']) {
      expect(sizes(root, `agents/${agent}/logs`).filter(([file]) => file.endsWith('activity.jsonl'))[0]?.[1] ?? 0).toBeLessThan(64 * 1024);
      expect(sizes(root, `agents/${agent}/logs`)[0]?.[1] ?? 0).toBeLessThan(512 * 1024);
    }
    expect(JSON.stringify(events).length).toBeLessThan(200_000);
    // The checker reads every file whole: the huge file goes back to the 5 MB of text it held.
    truncateSync(join(root, BIG_FILE), 5 * MB);
    expect(checkInvariants(root, { requests: provider.requests, handDropped: [BIG_SUBJECT, BIG_REPLY_TO, BIG_NAMES, BIG_FILE], broken: [BIG_RECIPIENT] })).toEqual([]);
  });
});
