import { render } from 'ink-testing-library';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { commandHint } from '../../src/cli/command-hint.js';
import { cleanup } from 'ink-testing-library';
import type { EngineEvent } from '../../src/engine/events.js';
import { RunGate } from '../../src/ui/run/run-gate.js';
import { formatStepTools } from '../../src/format/format.js';
import { RunScreen } from '../../src/ui/run/run-screen.js';
import { initialRunState, type AgentSnapshot } from '../../src/ui/run/run-state.js';
import { delivered, runFinished, simpleTurn, turnFinished } from './helpers/events.js';
import { emptyStats, emptyTotals } from '../../src/engine/run-totals.js';
import { totalsLines } from '../../src/ui/run/totals-lines.js';
import { noRefusals } from '../../src/format/mail-outcomes.js';
import { EventFeed } from './helpers/event-feed.js';
import { fakeWatch } from './helpers/fake-watch.js';
import { flat, frameShows, plainText, settle } from './helpers/wait.js';

const AGENTS: AgentSnapshot[] = [
  { name: 'manager', isHuman: false, balance: 0.5, budget: 0.5, unread: 0 },
  { name: 'planner', isHuman: false, balance: 0.5, budget: 0.5, unread: 0 },
  { name: 'coder_01', isHuman: false, balance: 0, budget: 0.5, unread: 2 },
  { name: 'human', isHuman: true, balance: 0, budget: 0, unread: 0 },
];

function screen(feed: EventFeed, gate = new RunGate(), extra: { onStop?: (how: 'q' | 'ctrl-c') => void; watch?: ReturnType<typeof fakeWatch> } = {}) {
  return render(
    <RunScreen
      events={feed}
      gate={gate}
      initial={initialRunState(AGENTS, 'acme', '/tmp/acme')}
      hint={commandHint('/tmp/acme')}
      onStop={extra.onStop ?? (() => undefined)}
      {...(extra.watch ? { watch: extra.watch } : {})}
    />,
  );
}

/** The row of one agent in the frame. */
function row(frame: string, agent: string): string {
  return frame.split('\n').find((line) => line.startsWith(`${agent} `)) ?? '';
}

afterEach(() => cleanup());

describe('the run screen', () => {
  test("each step of an agent's turn shows in the feed: tool, arguments in short, result size or error", async () => {
    const feed = new EventFeed();
    const { lastFrame } = screen(feed);
    feed.push(
      { type: 'run-started', root: '/tmp/acme', org: 'acme', turn: 2, resumed: false },
      { type: 'turn-started', turn: 3, agents: ['coder_01'], recovering: false },
      { type: 'agent-called', turn: 3, agent: 'coder_01', model: 'offline', reason: 'mail', inbox: 1, deferred: 0 },
      {
        type: 'agent-step',
        turn: 3,
        agent: 'coder_01',
        step: 1,
        tools: [
          { name: 'write_file', args: '{"path":"work/notes.md"}', size: 24, written: 'agents/coder_01/workspace/work/notes.md' },
          { name: 'read_file', args: '{"path":"../x"}', error: '"../x" goes up with ".."; paths stay inside your workspace' },
        ],
      },
    );
    const frame = flat(await frameShows(lastFrame, 'coder_01 step 1'));
    // One line per step, cut at the terminal's width.
    expect(frame).toContain('[turn 3] coder_01 step 1: write_file {"path":"work/notes.md"} → 24 chars; read_file {"path":"../x"}');
    expect(formatStepTools([{ name: 'read_file', args: '{"path":"../x"}', error: 'goes up with ".."\nmore' }])).toBe('read_file {"path":"../x"} → error: goes up with ".."');
  });

  test('a retry shows on the agent row as it happens; a held agent and a run that ends on failing models say so', async () => {
    const feed = new EventFeed();
    const { lastFrame } = screen(feed);
    feed.push(
      { type: 'run-started', root: '/tmp/acme', org: 'acme', turn: 2, resumed: false },
      { type: 'turn-started', turn: 3, agents: ['manager'], recovering: false },
      { type: 'agent-called', turn: 3, agent: 'manager', model: 'local', reason: 'mail', inbox: 1, deferred: 0 },
      { type: 'agent-retrying', turn: 3, agent: 'manager', model: 'local', attempt: 2, attempts: 4, waitMs: 1500, cause: 'local: could not reach http://localhost:11434/v1' },
    );
    let frame = await frameShows(lastFrame, 'retry 2/4');
    expect(row(frame, 'manager')).toContain('retry 2/4 in 2 s');
    expect(flat(frame)).toContain('manager: local failed, attempt 2 of 4 in 1.5 s: local: could not reach http://localhost:11434/v1');

    feed.push(
      { type: 'agent-error', turn: 3, agent: 'manager', message: 'local: could not reach (gave up after 4 attempts)' },
      turnFinished(3),
      { type: 'turn-started', turn: 4, agents: [], recovering: false },
      { type: 'agent-held', turn: 4, agent: 'manager', model: 'local', failedTurns: 3, cause: 'local: could not reach' },
      { ...runFinished(1, 'models-failing'), failing: ['manager'] } as EngineEvent,
    );
    frame = await frameShows(lastFrame, 'Finished');
    expect(row(frame, 'manager')).toContain('model failing');
    expect(flat(frame)).toMatch(/nothing left to do but mail for agents whose models keep failing: manager \(`(npx )?lemming retry <agent>( --root \S+)?`\)/);
  });

  test('a call that waits long shows on the agent row with its model and the seconds, and the row goes back to thinking when the step comes back', async () => {
    const feed = new EventFeed();
    const { lastFrame } = screen(feed);
    feed.push(
      { type: 'run-started', root: '/tmp/acme', org: 'acme', turn: 2, resumed: false },
      { type: 'turn-started', turn: 3, agents: ['coder_01'], recovering: false },
      { type: 'agent-called', turn: 3, agent: 'coder_01', model: 'llama-local', reason: 'mail', inbox: 1, deferred: 0 },
      { type: 'agent-waiting', turn: 3, agent: 'coder_01', model: 'llama-local', seconds: 10 },
      { type: 'agent-waiting', turn: 3, agent: 'coder_01', model: 'llama-local', seconds: 40 },
    );
    let frame = await frameShows(lastFrame, 'waiting 40 s');
    expect(row(frame, 'coder_01')).toContain('waiting 40 s for llama-local');
    feed.push({ type: 'agent-step', turn: 3, agent: 'coder_01', step: 1, tools: [{ name: 'list_files', args: '{}', size: 10 }] });
    frame = await frameShows(lastFrame, 'coder_01 step 1');
    expect(row(frame, 'coder_01')).toContain('thinking');
  });

  test('the queue says on screen, as it happens, that no worker serves a model and then that one does', async () => {
    const feed = new EventFeed();
    const { lastFrame } = screen(feed);
    feed.push(
      { type: 'run-started', root: '/tmp/acme', org: 'acme', turn: 0, resumed: false },
      { type: 'turn-started', turn: 1, agents: ['manager'], recovering: false },
      { type: 'agent-called', turn: 1, agent: 'manager', model: 'fast', reason: 'mail', inbox: 1, deferred: 0 },
      {
        type: 'queue-notice',
        notice: 'unserved',
        target: { kind: 'model', name: 'fast' },
        waiting: 1,
        message: 'no worker serves model "fast": 1 call(s) wait in queue model-fast-1 on redis://127.0.0.1:6379; start one with `lemming worker --queue redis://127.0.0.1:6379 --models fast`',
      },
    );
    let frame = await frameShows(lastFrame, 'no worker serves');
    expect(flat(frame)).toContain('queue: no worker serves model "fast": 1 call(s) wait');
    feed.push({ type: 'queue-notice', notice: 'served', target: { kind: 'model', name: 'fast' }, message: 'a worker serves model "fast" now: its waiting calls go ahead' });
    frame = await frameShows(lastFrame, 'serves model "fast" now');
    expect(flat(frame)).toContain('queue: a worker serves model "fast" now: its waiting calls go ahead');
  });

  test('shows one row per agent with its state and credits, and a feed of delivered messages', async () => {
    const feed = new EventFeed();
    const { lastFrame } = screen(feed);
    feed.push(
      { type: 'run-started', root: '/tmp/acme', org: 'acme', turn: 0, resumed: false },
      { type: 'turn-started', turn: 1, agents: ['manager', 'planner'], recovering: false },
      delivered(1, 'human', 'manager', 'Plan the release'),
      { type: 'agent-called', turn: 1, agent: 'manager', model: 'offline', reason: 'mail', inbox: 1, deferred: 0 },
      { type: 'agent-called', turn: 1, agent: 'planner', model: 'offline', reason: 'schedule', inbox: 0, deferred: 0 },
    );
    let frame = await frameShows(lastFrame, 'thinking');
    expect(row(frame, 'manager')).toContain('thinking…');
    expect(row(frame, 'planner')).toContain('thinking…');
    expect(row(frame, 'coder_01')).toContain('has mail (2)');
    expect(frame).toContain('Turn 1');
    expect(frame).toContain('0/2 agent(s) done');
    expect(frame).toContain('[turn 1] human → manager: Plan the release');

    feed.push(
      delivered(1, 'manager', 'planner', 'Break the release into tasks'),
      { type: 'credits-charged', turn: 1, agent: 'manager', model: 'offline', inputTokens: 800, outputTokens: 200, credits: 0.25, balance: 0.25, estimated: true },
      { type: 'agent-done', turn: 1, agent: 'manager', sent: 1, refused: 0 },
      { type: 'message-refused', turn: 1, from: 'planner', to: 'human', reason: 'planner may not send to human (chart.yaml: agents.planner.send_to)', cause: 'chart' },
      { type: 'agent-error', turn: 1, agent: 'planner', message: 'the model timed out' },
      { type: 'agent-skipped', turn: 1, agent: 'coder_01', reason: 'out-of-credits', balance: 0 },
    );
    frame = await frameShows(lastFrame, 'the model timed out');
    expect(row(frame, 'manager')).toMatch(/sent 1\s+█████░░░░░ 0\.2500 \/ 0\.5000 credits/);
    expect(row(frame, 'planner')).toContain('error');
    expect(row(frame, 'coder_01')).toContain('out of credits');
    expect(row(frame, 'human')).toContain('you');
    expect(frame).toContain('[turn 1] manager → planner: Break the release into tasks');
    expect(frame).toContain('Refused and errors: 1 refused, 1 error(s)');
    expect(flat(frame)).toContain('refused: planner -> human: planner may not send to human (chart.yaml: agents.planner.send_to)');
    expect(frame).toContain('error: planner: the model timed out');
    expect(frame).toContain('2/2 agent(s) done');

    feed.push(turnFinished(1), runFinished(1));
    feed.end();
    frame = await frameShows(lastFrame, 'Finished at turn 1');
    expect(frame).toContain('Totals: 1 turn · 1 message (+1 from you) · 1 refused (chart 1) · 1 held (budget 1) · 1 error ·\n        1,000 tokens · 0.2500 credits');
    expect(frame).toContain('the org is idle');
  });

  test('the totals say refusals and holds by cause, compactly, and keep within the screen: parts wrap whole at their separators, nothing is cut', async () => {
    const feed = new EventFeed();
    const { lastFrame } = screen(feed);
    feed.push(
      { type: 'run-started', root: '/tmp/acme', org: 'acme', turn: 0, resumed: false },
      { type: 'turn-started', turn: 1, agents: ['manager', 'planner'], recovering: false },
      { type: 'message-refused', turn: 1, from: 'manager', to: 'coder_01', reason: 'over the cap of 2 messages per turn (engine.max_messages_per_turn in org/org.yaml)', cause: 'cap', count: 3 },
      { type: 'message-refused', turn: 1, from: 'planner', to: 'human', reason: 'planner may not send to human (chart.yaml: agents.planner.send_to)', cause: 'chart', count: 2 },
      { type: 'agent-skipped', turn: 1, agent: 'coder_01', reason: 'out-of-credits', balance: 0 },
      { type: 'credits-charged', turn: 1, agent: 'manager', model: 'offline', inputTokens: 1000, outputTokens: 500, credits: 1.25, balance: 0.25, estimated: true },
      { type: 'turn-finished', turn: 1, stats: { ...emptyStats(), called: 2, refusals: { ...noRefusals(), activation: 3 }, inputTokens: 1000, outputTokens: 500, credits: 1.25, durationMs: 3 } },
      runFinished(1),
    );
    feed.end();
    const frame = plainText(await frameShows(lastFrame, 'Finished at turn 1'));
    // It said `5 refused` and nothing of why, nor of the agents held with work.
    expect(flat(frame)).toContain('5 refused (cap 3, chart 2) · 4 held (activation 3, budget 1)');
    const totals = frame.slice(frame.indexOf('Totals: '), frame.indexOf('Finished at turn 1')).trimEnd().split('\n');
    expect(totals.join(' ').replace(/\s+/g, ' ')).toBe('Totals: 1 turn · 0 messages · 5 refused (cap 3, chart 2) · 4 held (activation 3, budget 1) · 0 errors · 1,500 tokens · 1.2500 credits');
    // ink-testing-library's screen is 100 columns: the line is wrapped at a separator, each part whole, no `…`.
    expect(totals.length).toBe(2);
    for (const line of totals) expect(line.length).toBeLessThanOrEqual(100);
    expect(frame).not.toContain('…');
  });

  test('the totals count an answer refused unread under answer, a first step\'s and a later step\'s alike; only the first is an error', async () => {
    const feed = new EventFeed();
    const { lastFrame } = screen(feed);
    const tooLarge = "flaky-openai: the server's answer was longer than 16 MiB, so lemming read no further";
    feed.push(
      { type: 'run-started', root: '/tmp/acme', org: 'acme', turn: 0, resumed: false },
      { type: 'turn-started', turn: 1, agents: ['manager', 'planner'], recovering: false },
      { type: 'agent-error', turn: 1, agent: 'manager', message: tooLarge, cause: 'answer-too-large' },
      { type: 'agent-step', turn: 1, agent: 'planner', step: 1, tools: [] },
      { type: 'agent-note', turn: 1, agent: 'planner', message: `step 2 failed (${tooLarge}); the 1 step(s) before it stand and are charged, and the last tool results were not seen`, cause: 'answer-too-large' },
      { type: 'agent-done', turn: 1, agent: 'planner', sent: 0, refused: 0 },
      { type: 'turn-finished', turn: 1, stats: { ...emptyStats(), called: 2, errors: 1, refusals: { ...noRefusals(), answer: 2 } } },
      runFinished(1),
    );
    feed.end();
    const frame = plainText(await frameShows(lastFrame, 'Finished at turn 1'));
    // It said `0 refused · 1 error` and nothing of the two agents held for their answers.
    expect(flat(frame)).toContain('0 refused · 2 held (answer 2) · 1 error');
  });

  test('on a narrower screen the totals wrap at their separators too: each line within it, each part whole', () => {
    const totals = { ...emptyTotals(), turns: 12, delivered: 1234, fromHuman: 3, refused: 5, refusals: { chart: 2, cap: 3, budget: 1, ceiling: 0, breaker: 7, intervention: 0, activation: 940, answer: 0 }, errors: 2, inputTokens: 123_456, outputTokens: 7_890, credits: 12.5 };
    for (const columns of [60, 80, 100]) {
      const lines = totalsLines(totals, columns);
      for (const line of lines) expect(line.length, `${columns} columns: ${line}`).toBeLessThanOrEqual(columns);
      expect(lines.join(' ').replace(/\s+/g, ' ')).toBe('Totals: 12 turns · 1,234 messages (+3 from you) · 5 refused (cap 3, chart 2) · 948 held (activation 940, breaker 7, budget 1) · 2 errors · 131,346 tokens · 12.50 credits');
    }
    expect(totalsLines({ ...emptyTotals(), turns: 1 }, 100)).toEqual(['Totals: 1 turn · 0 messages · 0 refused · 0 errors · 0 tokens · 0.0000 credits']);
  });

  test('p pauses after the current turn, s runs exactly one more, p goes on', async () => {
    const feed = new EventFeed();
    const gate = new RunGate();
    const { lastFrame, stdin } = screen(feed, gate);
    feed.push({ type: 'run-started', root: '/tmp/acme', org: 'acme', turn: 0, resumed: false }, ...simpleTurn(1, 'manager', 'planner', 'First').slice(0, 2));
    await frameShows(lastFrame, 'thinking');
    stdin.write('p');
    await frameShows(lastFrame, 'pausing after this turn');

    // The rest of turn 1 and all of turn 2 are ready, but the screen stops at the end of turn 1.
    feed.push(...simpleTurn(1, 'manager', 'planner', 'First').slice(2), ...simpleTurn(2, 'planner', 'manager', 'Second'));
    let frame = await frameShows(lastFrame, 'paused after turn 1');
    await settle(60);
    expect(feed.waiting).toBe(6);
    expect(plainText(lastFrame())).not.toContain('Second');
    expect(frame).toContain('p go on · s one turn · q quit');

    stdin.write('s');
    frame = await frameShows(lastFrame, 'paused after turn 2');
    expect(frame).toContain('[turn 2] planner → manager: Second');
    feed.push(...simpleTurn(3, 'manager', 'human', 'Third'), runFinished(3));
    feed.end();
    await settle(60);
    expect(plainText(lastFrame())).not.toContain('Third');

    stdin.write('p');
    frame = await frameShows(lastFrame, 'Finished at turn 3');
    expect(frame).toContain('[turn 3] manager → human: Third');
    expect(frame).toContain('Totals: 3 turns · 3 messages');
  });

  test('q and Ctrl-C ask the engine to stop, and the screen says it is stopping', async () => {
    const feed = new EventFeed();
    const gate = new RunGate({ paused: true });
    const onStop = vi.fn();
    const { lastFrame, stdin } = screen(feed, gate, { onStop: (how) => {
      onStop(how);
      gate.stop();
    } });
    feed.push({ type: 'run-started', root: '/tmp/acme', org: 'acme', turn: 0, resumed: false });
    await frameShows(lastFrame, 'paused after turn 0');
    stdin.write('q');
    await frameShows(lastFrame, 'stopping');
    stdin.write('\u0003');
    expect(onStop.mock.calls).toEqual([['q'], ['ctrl-c']]);
  });

  test('an approval the engine carried out at the start of a turn is said on the screen; one it could not, as a problem', async () => {
    const feed = new EventFeed();
    const { lastFrame } = screen(feed);
    feed.push(
      { type: 'run-started', root: '/tmp/acme', org: 'acme', turn: 0, resumed: false },
      {
        type: 'proposal-carried-out',
        turn: 3,
        id: '000002-hr-002',
        proposer: 'hr',
        summary: 'hire coder_02 (Software engineer), reporting to manager, 0.05 credits from hr; coder_02 joins from this turn',
        failed: false,
      },
      { type: 'proposal-carried-out', turn: 3, id: '000002-hr-003', proposer: 'hr', summary: '000002-hr-003 cannot be carried out: there is already an agent named tester', failed: true },
    );
    const frame = flat(await frameShows(lastFrame, 'cannot be carried out'));
    // Among the changes to the org, cut to the screen's width like the other lines there.
    expect(frame).toContain('Hand edits approved 000002-hr-002: hire coder_02 (Software engineer), reporting to manager');
    expect(frame).toContain('000002-hr-003 cannot be carried out: there is already an agent named tester (hr is told this turn)');
  });

  test('hand edits: a valid one says it takes effect next turn, a broken one names file, field and reason', async () => {
    const feed = new EventFeed();
    const watch = fakeWatch();
    const { lastFrame } = screen(feed, new RunGate(), { watch });
    feed.push({ type: 'run-started', root: '/tmp/acme', org: 'acme', turn: 0, resumed: false });
    await frameShows(lastFrame, 'watching hand edits');
    watch.emit({ kind: 'edits', notices: [{ key: 'w1', tone: 'ok', text: 'manager: resume reloaded — takes effect next turn' }] });
    await frameShows(lastFrame, 'manager: resume reloaded — takes effect next turn');
    watch.emit({
      kind: 'edits',
      notices: [
        { key: 'w2', tone: 'problem', file: 'agents/manager/resume.md', text: 'agents/manager/resume.md:4: credits: Expected number, received string — the last valid version stays in force' },
      ],
    });
    const problem: EngineEvent = {
      type: 'org-invalid',
      turn: 1,
      problems: [{ file: 'agents/manager/resume.md', line: 4, field: 'credits', message: 'Expected number, received string', severity: 'error' }],
    };
    feed.push(problem);
    const frame = await frameShows(lastFrame, 'turn 1 keeps the last valid version');
    expect(frame).toContain('Hand edits');
    expect(flat(frame)).toContain('agents/manager/resume.md:4: credits: Expected number, received string — the last valid version stays in force');
    expect(flat(frame)).toContain('turn 1 keeps the last valid version of agents/manager/resume.md: agents/manager/resume.md:4: credits: Expected number, received string');

    // Mended: the watcher says so and its problem goes; the next turn says it takes the fix, and the engine's line goes.
    watch.emit({ kind: 'edits', notices: [{ key: 'w3', tone: 'ok', file: 'agents/manager/resume.md', fixed: true, text: 'manager: resume fixed — takes effect next turn' }] });
    const mended = flat(await frameShows(lastFrame, 'manager: resume fixed — takes effect next turn'));
    expect(mended).not.toContain('received string — the last valid version stays in force');
    feed.push({ type: 'org-reloaded', turn: 2, files: ['agents/manager/resume.md'], fixed: ['agents/manager/resume.md'], joined: [], left: [] });
    const taken = flat(await frameShows(lastFrame, 'turn 2 uses the edits: agents/manager/resume.md (fixed)'));
    expect(taken).not.toContain('keeps the last valid version');
  });

  test('a large org shows its busy agents and counts the rest', async () => {
    const many: AgentSnapshot[] = Array.from({ length: 200 }, (_, index) => ({ name: `agent_${String(index).padStart(3, '0')}`, isHuman: false, balance: 1, budget: 1, unread: 0 }));
    const feed = new EventFeed();
    const { lastFrame } = render(<RunScreen events={feed} gate={new RunGate()} initial={initialRunState(many, 'big')} hint={commandHint('')} onStop={() => undefined} />);
    feed.push({ type: 'turn-started', turn: 1, agents: ['agent_150'], recovering: false }, { type: 'agent-called', turn: 1, agent: 'agent_150', model: 'offline', reason: 'mail', inbox: 1, deferred: 0 });
    const frame = await frameShows(lastFrame, 'thinking');
    expect(row(frame, 'agent_150')).toContain('thinking…');
    expect(frame).toContain('… and 199 more agent(s), idle or not shown');
    expect(frame.split('\n').length).toBeLessThan(40);
  });
});
