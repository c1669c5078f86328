import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, test } from 'vitest';
import { commandHint } from '../../src/cli/command-hint.js';
import type { Proposal } from '../../src/tools/proposals/proposal.js';
import { RunGate } from '../../src/ui/run/run-gate.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { agentSnapshot } from '../../src/ui/run/run-app.js';
import { RunScreen } from '../../src/ui/run/run-screen.js';
import { initialRunState, type AgentSnapshot } from '../../src/ui/run/run-state.js';
import { delivered, runFinished, turnFinished } from './helpers/events.js';
import { EventFeed } from './helpers/event-feed.js';
import { fakeWatch } from './helpers/fake-watch.js';
import { flat, frameShows } from './helpers/wait.js';
import { defaultOrg, humanSends, write } from '../helpers/temp-org.js';

const AGENTS: AgentSnapshot[] = [
  { name: 'manager', isHuman: false, balance: 0.5, budget: 0.5, unread: 0 },
  { name: 'planner', isHuman: false, balance: 0.5, budget: 0.5, unread: 0 },
  { name: 'human', isHuman: true, balance: 0, budget: 0, unread: 0 },
];

const HIRE: Proposal = {
  id: '000002-hr-002',
  kind: 'hire',
  status: 'pending',
  proposed_by: 'hr',
  turn: 2,
  created: '2026-01-01T00:00:00.000Z',
  hire: { name: 'writer_01', title: 'Writer', instructions: 'Write.', reports_to: 'manager', model: 'offline', credits: 0.05, send_to: ['manager'], read_from: ['manager'], tools: [] },
};

function row(frame: string, agent: string): string {
  return frame.split('\n').find((line) => line.startsWith(`${agent} `)) ?? '';
}

afterEach(() => cleanup());

describe('the run screen says what waits', () => {
  test('mail written while no turn runs (a person in chat, a paused run) shows as "has mail", not idle', async () => {
    const feed = new EventFeed();
    const watch = fakeWatch();
    let unread = 0;
    const snapshot = () => AGENTS.map((agent) => (agent.name === 'planner' ? { ...agent, unread } : agent));
    const gate = new RunGate({ paused: true });
    const { lastFrame } = render(<RunScreen events={feed} gate={gate} initial={initialRunState(AGENTS, 'acme', '/tmp/acme')} snapshot={snapshot} watch={watch} hint={commandHint('/tmp/acme')} onStop={() => undefined} />);
    feed.push({ type: 'run-started', root: '/tmp/acme', org: 'acme', turn: 2, resumed: false });
    let frame = await frameShows(lastFrame, 'paused after turn 2');
    expect(row(frame, 'planner')).toContain('idle');
    unread = 1;
    watch.emit({ kind: 'mail', file: 'agents/human/outbox/000002-001-planner.md' });
    frame = await frameShows(lastFrame, /planner\s+has mail \(1\)/);
    expect(row(frame, 'manager')).toContain('idle');
  });

  test('mail delivered after its recipient ran shows as "has mail" when the run ends', async () => {
    const feed = new EventFeed();
    const { lastFrame } = render(<RunScreen events={feed} gate={new RunGate()} initial={initialRunState(AGENTS, 'acme', '/tmp/acme')} hint={commandHint('/tmp/acme')} onStop={() => undefined} />);
    feed.push(
      { type: 'run-started', root: '/tmp/acme', org: 'acme', turn: 0, resumed: false },
      { type: 'turn-started', turn: 1, agents: ['manager', 'planner'], recovering: false },
      { type: 'agent-called', turn: 1, agent: 'planner', model: 'offline', reason: 'mail', inbox: 1, deferred: 0 },
      { type: 'agent-done', turn: 1, agent: 'planner', sent: 0, refused: 0 },
      { type: 'agent-called', turn: 1, agent: 'manager', model: 'offline', reason: 'mail', inbox: 1, deferred: 0 },
      delivered(1, 'manager', 'planner', 'Plan it'),
      { type: 'agent-done', turn: 1, agent: 'manager', sent: 1, refused: 0 },
      turnFinished(1),
      runFinished(1, 'turn-cap'),
    );
    const frame = await frameShows(lastFrame, 'Finished at turn 1');
    expect(row(frame, 'planner')).toMatch(/has mail \(1\)/);
  });

  test('a proposal waiting for the person is shown with the commands that decide it', async () => {
    const feed = new EventFeed();
    const { lastFrame } = render(
      <RunScreen events={feed} gate={new RunGate()} initial={initialRunState(AGENTS, 'acme', '/tmp/acme')} decisions={() => [HIRE]} hint={commandHint('/tmp/acme')} onStop={() => undefined} />,
    );
    feed.push({ type: 'run-started', root: '/tmp/acme', org: 'acme', turn: 2, resumed: false }, runFinished(0, 'idle'));
    const frame = flat(await frameShows(lastFrame, 'waits for your decision'));
    expect(frame).toContain('1 proposal waits for your decision:');
    expect(frame).toContain('000002-hr-002: hr proposes to hire writer_01 (Writer), reporting to manager, 0.05 credits from hr');
    // As command-hint.ts writes it from the test's folder: `npx lemming` in the clone, or `lemming` when on PATH.
    expect(frame).toMatch(/`(npx )?lemming approve 000002-hr-002 --root \/tmp\/acme`/);
  });

  test('mail written before the run (`lemming send`, a file dropped in an outbox) shows as "has mail" from the first frame, before any turn takes it in', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Plan the release');
    // Agent-to-agent mail seeded by hand; and a message the chart refuses (coder_01 may not write to hr): hr gets nothing, coder_01 the notice of it.
    write(root, 'agents/manager/outbox/000000-001-planner.md', '---\nto: planner\nsubject: Seeded\n---\nPlan it.\n');
    write(root, 'agents/coder_01/outbox/000000-001-hr.md', '---\nto: hr\nsubject: Refused\n---\nHire someone.\n');
    const { org } = loadOrg(root);
    const gate = new RunGate({ paused: true });
    const { lastFrame } = render(<RunScreen events={new EventFeed()} gate={gate} initial={initialRunState(agentSnapshot(org), org.name, root)} hint={commandHint(root)} onStop={() => undefined} />);
    const frame = await frameShows(lastFrame, /manager\s+has mail \(1\)/);
    expect(row(frame, 'planner')).toMatch(/has mail \(1\)/);
    expect(row(frame, 'hr')).toContain('idle');
    expect(row(frame, 'coder_01')).toMatch(/has mail \(1\)/);
  });
});
