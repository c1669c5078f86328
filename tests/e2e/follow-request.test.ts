import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { tempDir } from '../helpers/org-files.js';

interface ThreadJson {
  id: string;
  messages: Array<{ id: string; from: string; to: string; turn: number; created: string; depth: number; replyTo?: string; credits?: number; tokens?: number }>;
}

interface RequestsJson {
  requests: Array<{
    id: string;
    to: string;
    subject?: string;
    state: 'answered' | 'open' | 'stuck';
    answer?: { id: string; from: string; turn: number };
    handedTo: string[];
    waitingOn: Array<{ agent: string; since: number; message: string; stuck?: string }>;
    messages: number;
    credits: number;
  }>;
}

/** `npm start`'s org, run to idle from a folder of its own: the demo seeds the human's first request. */
function demo(): string {
  const root = tempDir();
  const run = lemming(root, ['demo']);
  expect(run.status).toBe(0);
  return root;
}

describe('a request followed from the human through every hand-off and report to the answer', () => {
  test('`thread --json` from the answer climbs to the request and holds every hand-off and report, each with who, when and what it cost', () => {
    const root = demo();
    const inbox = JSON.parse(lemming(root, ['inbox', '--all', '--json']).stdout) as { messages: Array<{ id: string; from: string }> };
    const answer = inbox.messages.at(-1);
    expect(answer?.from).toBe('manager');
    const thread = JSON.parse(lemming(root, ['thread', answer?.id ?? '', '--json']).stdout) as ThreadJson;
    const path = thread.messages.map((message) => `${message.from}->${message.to}`);
    // The request, the hand-offs down (to the planner, and to hr and the janitor for the parts the task names), the reports back up, and the answer: one tree.
    expect(path).toEqual(['human->manager', 'manager->planner', 'planner->coder_01', 'coder_01->planner', 'planner->manager', 'manager->hr', 'hr->manager', 'manager->janitor', 'janitor->manager', 'manager->human']);
    const [request, ...rest] = thread.messages;
    expect(request?.depth).toBe(0);
    expect(request?.replyTo).toBeUndefined();
    for (const message of rest) {
      expect(message.replyTo).toBeDefined();
      expect(thread.messages.some((other) => other.id === message.replyTo)).toBe(true);
      expect(message.credits).toBeGreaterThan(0);
      expect(message.tokens).toBeGreaterThan(0);
      expect(message.created).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    // The hand-off carries the request's thread, and the report the hand-off's.
    const handOff = thread.messages.find((message) => message.from === 'manager' && message.to === 'planner');
    expect(handOff?.replyTo).toBe(request?.id);
    const report = thread.messages.find((message) => message.from === 'coder_01');
    expect(report?.replyTo).toBe(thread.messages.find((message) => message.from === 'planner' && message.to === 'coder_01')?.id);

    // The same tree from any message of it.
    const fromMiddle = JSON.parse(lemming(root, ['thread', handOff?.id ?? '', '--json']).stdout) as ThreadJson;
    expect(fromMiddle.messages.map((message) => message.id)).toEqual(thread.messages.map((message) => message.id));
    // And as text, indented by reply, with who, when and what it cost.
    const text = lemming(root, ['thread', request?.id ?? '']).stdout.split('\n');
    expect(text[0]).toMatch(/^\[turn 0\] \S+-human-001 human -> manager: Plan the first release/);
    expect(text[1]).toMatch(/^ {2}\[turn 1\] 000001-manager-001 manager -> planner: Plan the first release .*· 0\.\d{4} credits/);
    expect(text.at(-2)).toMatch(/manager -> human: Re: Plan the first release/);
  });

  test('`lemming requests` lists the request as answered, by whom and in which turn, with what it cost; `--json` for scripts', () => {
    const root = demo();
    const listed = lemming(root, ['requests']);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/000000-human-001 .*Plan the first release/);
    expect(listed.stdout).toMatch(/answered by manager in turn 5/);
    expect(listed.stdout).toMatch(/via planner, coder_01, hr, janitor/);
    const json = JSON.parse(lemming(root, ['requests', '--json']).stdout) as RequestsJson;
    expect(json.requests).toHaveLength(1);
    const [request] = json.requests;
    expect(request).toMatchObject({ id: '000000-human-001', to: 'manager', state: 'answered', answer: { from: 'manager', turn: 5 }, handedTo: ['manager', 'planner', 'coder_01', 'hr', 'janitor'], waitingOn: [], messages: 10 });
    expect(request?.credits).toBeGreaterThan(0);
  });

  test('an open request says whom it waits on and since which turn; one held with an agent out of credits is stuck', () => {
    const root = tempDir();
    lemming(root, ['bootstrap']);
    lemming(root, ['send', 'manager', 'Please write the changelog for 1.2 and have it checked.', '--subject', 'Changelog']);
    expect(lemming(root, ['run', '--turns', '2']).status).toBe(0);
    const open = (JSON.parse(lemming(root, ['requests', '--json']).stdout) as RequestsJson).requests[0];
    expect(open).toMatchObject({ state: 'open', waitingOn: [{ agent: 'coder_01', since: 2 }] });
    expect(lemming(root, ['requests']).stdout).toMatch(/waiting on coder_01 since turn 2/);

    // coder_01's budget spent: the request is stuck with it, and says why.
    const path = join(root, 'agents/coder_01/resume.md');
    writeFileSync(path, readFileSync(path, 'utf8').replace('credits: 0.5', 'credits: 0'));
    const stuck = (JSON.parse(lemming(root, ['requests', '--json']).stdout) as RequestsJson).requests[0];
    expect(stuck?.state).toBe('stuck');
    expect(stuck?.waitingOn[0]?.stuck).toMatch(/out of credits/);
  });
});
