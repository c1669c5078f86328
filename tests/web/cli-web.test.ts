import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { interruptAndWait, lemming, lemmingAsync, startLemming } from '../helpers/cli.js';
import { defaultOrg, humanSends, runEngine, write } from '../helpers/temp-org.js';
import { watchOutput } from '../helpers/watched-process.js';
import { readEvents } from './web-server.js';

/**
 * A wait for the first match of a pattern in all a child has printed so far or prints later, giving
 * the match: the watched process's own wait (helpers/watched-process.ts), so a wording that no
 * longer matches fails after PATIENCE_MS with what was printed, not as the test's timeout.
 */
function watchPrinted(child: ReturnType<typeof startLemming>): (pattern: RegExp) => Promise<string> {
  const watched = watchOutput(child);
  return async (pattern) => {
    await watched.waitFor(pattern);
    return pattern.exec(watched.output())?.[0] ?? '';
  };
}

/** How many message files the outboxes hold. */
function messageFiles(root: string): number {
  return readdirSync(join(root, 'agents')).reduce((count, agent) => {
    try {
      return count + readdirSync(join(root, 'agents', agent, 'outbox')).filter((name) => name.endsWith('.md')).length;
    } catch {
      return count;
    }
  }, 0);
}

describe('lemming search, thread and trace', () => {
  test('search finds a message by its words, with filters; exit 1 when nothing matches', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Please measure the giraffe enclosure', 'Giraffes');
    await runEngine(root);
    const found = lemming(root, ['search', 'giraffe', '--from', 'human']);
    expect(found.status).toBe(0);
    expect(found.stdout).toContain('[turn 0] 000000-human-001 human -> manager: Giraffes  (agents/human/outbox/000000-001-manager.md)');
    // An agent's message says what the call that wrote it cost.
    expect(lemming(root, ['search', 'giraffe', '--from', 'manager']).stdout).toMatch(/\] 000001-manager-001 manager -> planner: Giraffes · [\d,]+ tokens · 0\.\d{4} credits {2}\(agents\/manager\/outbox\/000001-001-planner\.md\)/);
    const json = JSON.parse(lemming(root, ['search', 'giraffe', '--json']).stdout) as { hits: Array<{ id: string }> };
    expect(json.hits.length).toBeGreaterThan(1);
    const none = lemming(root, ['search', 'hippopotamus']);
    expect(none.status).toBe(1);
    expect(none.stdout).toContain('no message matches "hippopotamus"');
    const bad = lemming(root, ['search', 'giraffe', '--turn-from', 'x']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("option '--turn-from <n>' argument 'x' is invalid. expected a turn number, 0 or more, for example 7");
  });

  test('thread prints the conversation indented by reply depth and marks the message asked for', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Write the release notes');
    await runEngine(root);
    const reply = readdirSync(join(root, 'agents/manager/outbox')).find((name) => name.endsWith('-human.md')) ?? '';
    const id = `${reply.slice(0, 6)}-manager-001`;
    const thread = lemming(root, ['thread', id]);
    expect(thread.status).toBe(0);
    const lines = thread.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^\[turn 0\] 000000-human-001 human -> manager/);
    expect(lines.at(-1)).toMatch(new RegExp(`^\\s+\\[turn \\d+\\] ${id} manager -> human: .*<-$`));
    const missing = lemming(root, ['thread', '000123-nobody-001']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no message has the id "000123-nobody-001"');
  });

  test('trace prints the prompt the model was shown and its answer; only the last `engine.traces.keep` turns are kept', async () => {
    const root = defaultOrg();
    const orgFile = join(root, 'org/org.yaml');
    writeFileSync(orgFile, readFileSync(orgFile, 'utf8').replace(/^ {2}traces: \{ keep: 50 \}/m, '  traces: { keep: 1 }'));
    humanSends(root, 'manager', 'Write the release notes');
    await runEngine(root);
    // One trace file; beside it, parts/ holds what traces share (the closing instructions, the tools offered), once.
    const traces = readdirSync(join(root, 'agents/manager/logs/traces')).filter((name) => name.endsWith('.json'));
    expect(traces).toHaveLength(1);
    expect(readdirSync(join(root, 'agents/manager/logs/traces/parts')).map((name) => name.replace(/^[0-9a-f]{32}/, '<digest>')).sort()).toEqual(['<digest>.json', '<digest>.txt']);
    const turn = Number(traces[0]?.slice(0, 6));
    expect(turn).toBeGreaterThan(1);
    const trace = lemming(root, ['trace', 'manager']);
    expect(trace.status).toBe(0);
    expect(trace.stdout).toContain(`== manager, turn ${turn}, offline (offline-1)`);
    expect(trace.stdout).toContain('-- system\nYou are manager, Engineering manager');
    expect(trace.stdout).toMatch(/-- user\n[\s\S]*<message id="/);
    expect(trace.stdout).toMatch(/tool call send_message \{"to":"human"/);
    // A turn named that holds no trace names nothing (exit 2); an agent never called has nothing to show (exit 1).
    const old = lemming(root, ['trace', 'manager', '--turn', '1']);
    expect(old.status).toBe(2);
    expect(old.stderr).toContain(`manager has no call trace for turn 1 (kept: turns ${turn}; org.yaml engine.traces.keep sets how many)`);
    const never = lemming(root, ['trace', 'human']);
    expect({ status: never.status, stderr: never.stderr }).toEqual({ status: 1, stderr: 'lemming: human has no call trace (kept: none yet; org.yaml engine.traces.keep sets how many)\n' });
  });

  test('with tools, trace prints each step: what the model saw new (its inbox, then its calls and the results) and its answer then', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Hiring: please hire another coder for the release', 'Hiring: hire a coder');
    await runEngine(root);
    const trace = lemming(root, ['trace', 'hr', '--turn', '2']);
    expect(trace.status).toBe(0);
    const steps = trace.stdout.split(/^== step /m).slice(1);
    expect(steps.map((step) => step.slice(0, 6))).toEqual(['1 of 3', '2 of 3', '3 of 3']);
    expect(steps[0]).toMatch(/the model saw the system prompt and\n-- user\n[^]*<message id="000001-manager-001"[^]*-- answer at step 1/);
    expect(steps[0]).toMatch(/-- answer at step 1 .*\ntool call list_agents \{\}/);
    // Step 2 shows the list_agents result the model was given, then the hire it proposed.
    expect(steps[1]).toMatch(/-- assistant\n\[called list_agents \{\}\]\n-- user\n<tool_result name="list_agents"[^>]*>\n- coder_01: Software engineer/);
    expect(steps[1]).toMatch(/-- answer at step 2 .*\ntool call hire_agent \{"name":"coder_02"/);
    expect(steps[2]).toContain('<tool_result name="hire_agent"');
    expect(steps[2]).toMatch(/tool call send_message \{"to":"manager"/);
    const json = JSON.parse(lemming(root, ['trace', 'hr', '--turn', '2', '--json']).stdout) as { steps: Array<{ step: number; messages: number }>; request: { messages: unknown[] } };
    expect(json.steps.map((step) => step.messages)).toEqual([1, 3, 5]);
    expect(json.request.messages).toHaveLength(5);
  });
});

describe('lemming serve', () => {
  test('prints a loopback URL with a token; the token opens it and nothing else does', async () => {
    const root = defaultOrg();
    const child = startLemming(root, ['serve', '--port', '0']);
    const printed = watchPrinted(child);
    try {
      const url = await printed(/http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/);
      const base = url.slice(0, url.indexOf('/?'));
      expect((await fetch(`${base}/api/status`)).status).toBe(401);
      const opened = await fetch(url, { redirect: 'manual' });
      expect(opened.status).toBe(302);
      const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      expect((await fetch(`${base}/api/status`, { headers: { cookie } })).status).toBe(200);
    } finally {
      await interruptAndWait(child);
    }
  });

  test('while `lemming run` works in another process, an event stream client gets every message as it is written, the reply to the human included', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Write the release notes for 1.2', 'Release notes');
    await runEngine(root);
    const child = startLemming(root, ['serve', '--port', '0']);
    try {
      const url = await watchPrinted(child)(/http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/);
      const base = url.slice(0, url.indexOf('/?'));
      const headers = { authorization: `Bearer ${decodeURIComponent(url.slice(url.indexOf('token=') + 'token='.length))}` };
      const stream = await fetch(`${base}/api/events`, { headers });
      const mail = (events: Array<{ event: string; data: unknown }>) => events.filter((event) => event.event === 'mail').map((event) => (event.data as { message: { from: string; to: string; subject?: string; turn: number } }).message);
      const before = messageFiles(root);
      // Until the reply, and an event for every message file written by then: a message of the reply's own turn may come
      // down after it (the order within a turn is the watch's), and stopping at the reply left it out.
      const reading = readEvents(
        stream,
        (events) => mail(events).some((message) => message.from === 'manager' && message.to === 'human' && message.subject === 'Re: Changelog') && mail(events).length >= messageFiles(root) - before,
      );
      const sent = await fetch(`${base}/api/send`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ to: 'manager', subject: 'Changelog', body: 'Please also write the changelog for 1.2.' }) });
      expect(sent.status).toBe(201);
      const run = await lemmingAsync(root, ['run', '--plain']);
      expect(run.status).toBe(0);
      // Every message the run wrote came down the stream, once, the reply to the human among them. In the order the watch
      // found the files, which is not always their turns' with the engine in another process: in fresh clones' suites
      // coder_01's report came after the reply of its turn, and a message of turn 8 after those of turns 9 and 10.
      const came = mail(await reading);
      const seen = came.map((message) => `${message.from}->${message.to}`);
      expect(seen[0]).toBe('human->manager');
      expect(seen).toContain('manager->human');
      expect(new Set(came.map((message) => `${message.turn} ${message.from}->${message.to} ${message.subject ?? ''}`)).size).toBe(came.length);
      expect(seen).toHaveLength(messageFiles(root) - before);
    } finally {
      await interruptAndWait(child);
    }
  });

  test('run --serve runs the org and serves it from the same process; the page stays up after the run until Ctrl-C', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Write the release notes');
    const child = startLemming(root, ['run', '--serve', '--port', '0', '--plain']);
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const printed = watchPrinted(child);
    try {
      const url = await printed(/http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/);
      await printed(/the org is idle: waiting for mail; the dashboard stays up/);
      const base = url.slice(0, url.indexOf('/?'));
      const token = decodeURIComponent(url.slice(url.indexOf('token=') + 'token='.length));
      const status = (await (await fetch(`${base}/api/status`, { headers: { authorization: `Bearer ${token}` } })).json()) as { turn: number; running?: unknown };
      expect(status.turn).toBeGreaterThan(1);
      const replies = (await (await fetch(`${base}/api/messages?to=human`, { headers: { authorization: `Bearer ${token}` } })).json()) as { total: number };
      expect(replies.total).toBe(1);
    } finally {
      await interruptAndWait(child);
    }
    expect(await exited).toBe(0);
  });

  // Before: the second printed `dashboard: http://127.0.0.1:…/?token=…`, an address with no engine behind it, then was refused.
  test('a second run --serve on an org already served is refused (exit 3) before it prints an address', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Write the release notes');
    const first = startLemming(root, ['run', '--serve', '--port', '0', '--plain']);
    const exited = new Promise<number | null>((resolve) => first.on('close', (code) => resolve(code)));
    const printed = watchPrinted(first);
    try {
      await printed(/the org is idle: waiting for mail; the dashboard stays up/);
      for (const mode of ['--plain', '--json']) {
        const second = await lemmingAsync(root, ['run', '--serve', '--port', '0', mode]);
        expect(second.status).toBe(3);
        expect(second.stderr).toContain('another engine is working on this org');
        expect(second.stdout + second.stderr).not.toMatch(/token=|dashboard/);
      }
    } finally {
      await interruptAndWait(first);
    }
    expect(await exited).toBe(0);
  });

  test('run --serve stays after the org goes idle: mail from `lemming send`, the page and a file dropped by hand each wake it, and the page says what is true', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Write the release notes', 'Release notes');
    const child = startLemming(root, ['run', '--serve', '--port', '0', '--plain']);
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const printed = watchPrinted(child);
    try {
      const url = await printed(/http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/);
      const base = url.slice(0, url.indexOf('/?'));
      const token = decodeURIComponent(url.slice(url.indexOf('token=') + 'token='.length));
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const status = async () => (await (await fetch(`${base}/api/status`, { headers })).json()) as { turn: number; served?: string };
      await printed(/\[turn 5\] manager -> human: Re: Release notes[\s\S]*the org is idle: waiting for mail/);
      expect(await status()).toMatchObject({ turn: 5, served: 'waiting' });

      // `lemming send` from another process, made after the org went idle, wakes the run.
      expect(lemming(root, ['send', 'manager', 'Also the changelog, please.', '--subject', 'Changelog']).status).toBe(0);
      await printed(/manager -> human: Re: Changelog[\s\S]*the org is idle: waiting for mail/);

      // A send from the page says the engine here delivers it now, and it does.
      const sent = await fetch(`${base}/api/send`, { method: 'POST', headers, body: JSON.stringify({ to: 'manager', subject: 'Docs', body: 'And the docs.' }) });
      expect(sent.status).toBe(201);
      expect(((await sent.json()) as { delivery: string }).delivery).toBe('the engine here was waiting for mail: it starts the turn that delivers it now');
      await printed(/manager -> human: Re: Docs[\s\S]*the org is idle: waiting for mail/);

      // A file dropped into the human's outbox by hand wakes it too.
      write(root, 'agents/human/outbox/note.md', '---\nto: manager\nsubject: Dropped\n---\nA note dropped in by hand.\n');
      await printed(/manager -> human: Re: Dropped[\s\S]*the org is idle: waiting for mail/);
      expect((await status()).served).toBe('waiting');
    } finally {
      await interruptAndWait(child);
    }
    expect(await exited).toBe(0);
    // Outside a run, a send from the page says no engine will deliver it yet.
    const served = startLemming(root, ['serve', '--port', '0']);
    try {
      const url = await watchPrinted(served)(/http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/);
      const base = url.slice(0, url.indexOf('/?'));
      const token = decodeURIComponent(url.slice(url.indexOf('token=') + 'token='.length));
      const sent = await fetch(`${base}/api/send`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ to: 'manager', body: 'Anyone?' }) });
      expect(((await sent.json()) as { delivery: string }).delivery).toBe('no engine is running: `lemming run` (or `lemming run --serve`) delivers it at its next turn');
    } finally {
      await interruptAndWait(served);
    }
  });

  test('run --serve --json keeps standard output one JSON object a line: the address first, then the run\'s events; the lines for a person go to standard error', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Write the release notes');
    const child = startLemming(root, ['run', '--serve', '--port', '0', '--json']);
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const printed = watchPrinted(child);
    let stdout = '';
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    try {
      await printed(/"type":"run-finished"/);
      const lines = stdout.trimEnd().split('\n');
      const events = lines.map((line) => JSON.parse(line) as { type: string; url?: string });
      expect(events[0]?.type).toBe('dashboard');
      expect(events[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+$/);
      expect(events[1]?.type).toBe('run-started');
      // run-finished and the run-waiting after it may arrive in one chunk
      expect(events.map((event) => event.type).filter((type) => type !== 'run-waiting').at(-1)).toBe('run-finished');
      await printed(/"type":"run-waiting","turn":\d+,"state":"waiting"/);
      const page = await fetch(events[0]?.url ?? '', { redirect: 'manual' });
      expect(page.status).toBe(302);
      await printed(/the org is idle: waiting for mail; the dashboard stays up/);
      expect(stderr).toContain('the org is idle: waiting for mail; the dashboard stays up');
      expect(stderr).toContain(`dashboard: ${events[0]?.url ?? ''}`);
    } finally {
      await interruptAndWait(child);
    }
    expect(await exited).toBe(0);
  });

  test('another address needs LEMMING_TOKEN from the environment (exit 2, nothing served)', () => {
    const root = defaultOrg();
    const refused = lemming(root, ['serve', '--host', '0.0.0.0', '--port', '0'], { LEMMING_TOKEN: '' });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('serving on 0.0.0.0 lets other machines reach the org: set LEMMING_TOKEN');
    const weak = lemming(root, ['serve', '--port', '0'], { LEMMING_TOKEN: 'short' });
    expect(weak.status).toBe(2);
    expect(weak.stderr).toContain('LEMMING_TOKEN has 5 character(s): a token needs 16 or more characters and no spaces');
  });
});
