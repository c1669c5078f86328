import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { HandBuiltOrg, troubledOrg } from '../helpers/hand-built-org.js';

/** What `lemming analyze --json` prints, as far as these tests read it. */
interface AnalysisJson {
  turn: number;
  agents: Array<{ agent: string; reports: string[]; messagesIn: number; messagesOut: number; turnsActive: number; credits: number }>;
  edges: { used: Array<{ from: string; to: string; messages: number; forms: Record<string, number>; onChart: boolean }>; unused: Array<{ from: string; to: string }> };
  requests: Array<{ id: string; path: string[]; hops: number; turns: number; credits: number; heldLongest?: { agent: string; turns: number } }>;
  unanswered: Array<{ id: string; to: string; openTurns: number; waitingOn: Array<{ agent: string; since: number }> }>;
  bottlenecks: Array<{ agent: string; longestWait: number; message: string; turnsWithMailWaiting: number; stillWaiting: number; held: Record<string, number> }>;
  heldWithMail: Array<{ agent: string }>;
  failures: { pingPongs: Array<{ agents: string[]; messages: number; fromTurn: number; toTurn: number }>; repeatedMessages: unknown[]; silentMembers: unknown[]; escalationStorms: unknown[] };
}

describe('lemming analyze on a hand-built org', () => {
  test('--json finds exactly the ping-pong, the bottleneck and the unanswered request, and nothing else', () => {
    const org = troubledOrg();
    const run = lemming(org.root, ['analyze', '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const analysis = JSON.parse(run.stdout) as AnalysisJson;
    expect(analysis.turn).toBe(10);
    expect(analysis.failures.pingPongs).toEqual([{ agents: ['coder_01', 'planner'], messages: 5, fromTurn: 2, toTurn: 6, ids: expect.any(Array) }]);
    expect(analysis.bottlenecks).toEqual([{ agent: 'hr', longestWait: 2, message: '000001-manager-002', turnsWithMailWaiting: 2, stillWaiting: 0, held: {} }]);
    // hr was called while its mail waited: its wait is its own.
    expect(analysis.heldWithMail).toEqual([]);
    expect(analysis.unanswered).toEqual([{ id: '000008-human-001', to: 'manager', turn: 8, subject: 'Also add a', openTurns: 2, waitingOn: [{ agent: 'planner', since: 9, message: '000009-manager-002' }] }]);
    expect(analysis.failures.repeatedMessages).toEqual([]);
    expect(analysis.failures.silentMembers).toEqual([]);
    expect(analysis.failures.escalationStorms).toEqual([]);

    // The answered request's path goes through everyone who worked on it, the ping-pong included.
    expect(analysis.requests).toHaveLength(1);
    const [login] = analysis.requests;
    expect(login?.path).toEqual(['human', 'manager', 'planner', 'coder_01', 'planner', 'coder_01', 'planner', 'coder_01', 'planner', 'manager', 'human']);
    expect(login?.hops).toBe(10);
    expect(login?.turns).toBe(9);
    // Every call of its thread up to the answer, once: the message files' usage (there is no ledger).
    expect(login?.credits).toBeCloseTo(0.01 + 0.02 * 5 + 0.005 + 0.03 + 0.02 + 0.01, 10);
    expect(login?.heldLongest).toEqual({ agent: 'manager', turns: 1 });

    // Load and edges: who carried the work, and the edges nobody used.
    const load = new Map(analysis.agents.map((agent) => [agent.agent, agent]));
    expect(load.get('manager')).toMatchObject({ reports: ['hr', 'janitor', 'planner'], messagesIn: 4, messagesOut: 4, turnsActive: 3 });
    expect(load.get('planner')).toMatchObject({ reports: ['coder_01'], messagesIn: 5, messagesOut: 4 });
    expect(load.get('janitor')).toMatchObject({ messagesIn: 0, messagesOut: 0, turnsActive: 0, credits: 0 });
    expect(analysis.edges.used.slice(0, 2)).toEqual([
      { from: 'coder_01', to: 'planner', messages: 3, forms: { direct: 3, to: 0, cc: 0, list: 0, meeting: 0 }, onChart: true },
      { from: 'planner', to: 'coder_01', messages: 3, forms: { direct: 3, to: 0, cc: 0, list: 0, meeting: 0 }, onChart: true },
    ]);
    expect(analysis.edges.unused).toEqual([
      { from: 'janitor', to: 'manager' },
      { from: 'manager', to: 'janitor' },
    ]);
  });

  test('without --json, the findings come first, in words a person reads', () => {
    const org = troubledOrg();
    const run = lemming(org.root, ['analyze']);
    expect(run.status).toBe(0);
    const findings = run.stdout.slice(run.stdout.indexOf('## Findings'), run.stdout.indexOf('## Load per agent'));
    expect(findings).toContain('**Unanswered request** 000008-human-001 to manager');
    expect(findings).toContain('waiting on planner since turn 9');
    expect(findings).toContain('**Bottleneck** hr: mail waited up to 2 turn(s) unread');
    expect(findings).toContain('**Ping-pong** coder_01 ⇄ planner: 5 messages back and forth in turns 2–6');
    expect(findings.match(/^- /gm)).toHaveLength(3);
    expect(run.stdout).toContain('| 000000-human-001 | human → manager → planner → coder_01');
  });

  test('repeated bodies, a member who never answers and an escalation storm are found where they are', () => {
    const org = new HandBuiltOrg();
    const ask = org.send(0, 'human', 'manager', 'Is the release on track?');
    org.called(1, 'manager', [ask]);
    // The manager asks the same thing in turns 1 and 3; hr never writes back.
    const status = org.send(1, 'manager', 'hr', 'Send me the hiring status.');
    org.called(2, 'hr', [status]);
    org.send(3, 'manager', 'hr', 'Send me  the hiring status.');
    // Three urgent messages up the chart reach the manager in turns 4 and 5.
    org.send(4, 'planner', 'manager', 'Urgent: the build is broken.', { priority: 'urgent' });
    org.send(4, 'janitor', 'manager', 'Urgent: the disk is full.', { priority: 'urgent' });
    org.send(5, 'planner', 'manager', 'High: the tests fail too.', { priority: 'high' });
    org.finished(6);
    const analysis = JSON.parse(lemming(org.root, ['analyze', '--json']).stdout) as AnalysisJson;
    expect(analysis.failures.repeatedMessages).toEqual([{ from: 'manager', to: ['hr'], count: 2, turns: [1, 3], ids: ['000001-manager-001', '000003-manager-001'], preview: 'Send me the hiring status.' }]);
    expect(analysis.failures.silentMembers).toEqual([{ agent: 'hr', received: 2, since: 2 }]);
    expect(analysis.failures.escalationStorms).toEqual([{ to: 'manager', messages: 3, fromTurn: 4, toTurn: 5, from: ['janitor', 'planner'] }]);
    expect(analysis.unanswered.map((request) => request.id)).toEqual(['000000-human-001']);
  });
});
