import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, test } from 'vitest';
import { commandHint } from '../../src/cli/command-hint.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { RunGate } from '../../src/ui/run/run-gate.js';
import { RunScreen } from '../../src/ui/run/run-screen.js';
import { initialRunState, type AgentSnapshot } from '../../src/ui/run/run-state.js';
import { delivered, turnFinished } from './helpers/events.js';
import { EventFeed } from './helpers/event-feed.js';
import { frameShows } from './helpers/wait.js';

/** 2,000 people and the human, as `lemming populate` names them. */
const AGENTS: AgentSnapshot[] = [
  ...Array.from({ length: 2_000 }, (_, index): AgentSnapshot => ({ name: `agent_${String(index + 1).padStart(5, '0')}`, isHuman: false, balance: 0.2, budget: 0.2, unread: 0 })),
  { name: 'human', isHuman: true, balance: 0, budget: 0, unread: 0 },
];

afterEach(() => cleanup());

/** A turn in which `count` agents from `first` work: most send one message; one waits long for a model with a long name. */
function busyTurn(turn: number, first: number, count: number): EngineEvent[] {
  const names = AGENTS.slice(first, first + count).map((agent) => agent.name);
  const events: EngineEvent[] = [{ type: 'turn-started', turn, agents: names, recovering: false }];
  for (const agent of names) events.push({ type: 'agent-called', turn, agent, model: 'offline', reason: 'mail', inbox: 1, deferred: 0 });
  const [waiting, ...rest] = names;
  events.push({ type: 'agent-waiting', turn, agent: waiting as string, model: 'gpt-4o-mini-2024-07-18', seconds: 120 } as EngineEvent);
  for (const agent of rest) events.push(delivered(turn, agent, 'human', `note ${turn}`), { type: 'agent-done', turn, agent, sent: 1, refused: 0 });
  return events;
}

describe('the run screen of a 2,000-person org', () => {
  test('the header says the turn in progress and the last finished, and a long state stays out of the credit bar', async () => {
    const feed = new EventFeed();
    const { lastFrame, frames, stdout } = render(<RunScreen events={feed} gate={new RunGate()} initial={initialRunState(AGENTS, 'panel', '/tmp/panel')} hint={commandHint('/tmp/panel')} onStop={() => undefined} />);
    // An org at turn 52 that runs on: twelve turns finish, the thirteenth is under way.
    feed.push({ type: 'run-started', root: '/tmp/panel', org: 'panel', turn: 52, resumed: false });
    // The whole run at once, as an engine whose turns never wait on the network yields it: no timer gets a turn in between.
    for (let turn = 53; turn <= 64; turn += 1) feed.push(...busyTurn(turn, (turn * 29) % 1_900, 6), turnFinished(turn));
    feed.push(...busyTurn(65, 100, 6));
    const frame = await frameShows(lastFrame, /Turn 65 /);
    expect(frame).not.toMatch(/Turn 52\b/);
    expect(frame).toMatch(/Turn 65 \S+ 5\/6 agent\(s\) done/);
    // Each finished turn was drawn as it finished, not only the first and the last: the screen keeps up with the run.
    const drawn = new Set(frames.flatMap((each) => [...each.matchAll(/Turn (\d+) /g)].map((match) => Number(match[1]))));
    for (const turn of [53, 54, 60, 64]) expect(drawn.has(turn), `turn ${turn} drawn`).toBe(true);
    // The live area fits the terminal (ink-testing-library's is 100 columns; a pipe is taken as 40 rows): no frame scrolls its header away.
    const live = frame.split('\n');
    const headerAt = live.findIndex((line) => line.startsWith('lemming run · panel'));
    expect(live.length - headerAt).toBeLessThanOrEqual(40);
    // The state column is as wide as its longest text, cut short: a space always stands before the credit bar.
    const waitingRow = live.find((line) => line.startsWith('agent_00101 ')) ?? '';
    expect(waitingRow).toMatch(/^agent_00101 {2}waiting 120 s for gpt-4o-mini[^█░]* [█░]{10} 0\.2000 \/ 0\.2000 credits$/);
    const sentRow = live.find((line) => line.startsWith('agent_00102 ')) ?? '';
    expect(sentRow.indexOf('█')).toBe(waitingRow.indexOf('█'));
    expect(stdout.columns).toBe(100);
  });
});
