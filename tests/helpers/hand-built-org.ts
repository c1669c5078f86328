import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultOrg, write } from './temp-org.js';

const pad = (turn: number): string => String(turn).padStart(6, '0');

/** A hand-built org: the default chart, and message files and activity logs written here, one turn at a time. */
export class HandBuiltOrg {
  readonly root = defaultOrg();
  private readonly seq = new Map<string, number>();

  /** Write `from`'s message to `to` in `turn`, as the engine names it; returns its id. */
  send(turn: number, from: string, to: string, body: string, extra: { replyTo?: string; priority?: string; credits?: number } = {}): string {
    const key = `${turn} ${from}`;
    const seq = (this.seq.get(key) ?? 0) + 1;
    this.seq.set(key, seq);
    const id = `${pad(turn)}-${from}-${String(seq).padStart(3, '0')}`;
    const front = [`id: ${id}`, `from: ${from}`, `to: ${to}`, `turn: ${turn}`, 'created: 2026-11-24T10:00:00.000Z', `subject: ${JSON.stringify(body.split(' ').slice(0, 3).join(' '))}`, `priority: ${extra.priority ?? 'normal'}`];
    if (extra.replyTo) front.push(`reply_to: ${extra.replyTo}`);
    if (extra.credits !== undefined) front.push(`usage: { input_tokens: 100, output_tokens: 20, credits: ${extra.credits} }`);
    write(this.root, `agents/${from}/outbox/${pad(turn)}-${String(seq).padStart(3, '0')}-${to}.md`, `---\n${front.join('\n')}\n---\n${body}\n`);
    return id;
  }

  /** Log that `agent` was called in `turn` and shown `ids`; `wrote` logs a write_file step (it made a file). */
  called(turn: number, agent: string, ids: string[], wrote = false): void {
    const at = '2026-11-24T10:00:00.000Z';
    const lines = [{ turn, at, event: 'called', model: 'offline', shown: ids.length }, { turn, at, event: 'read', ids }];
    if (wrote) lines.push({ turn, at, event: 'step', step: 1, tools: [{ name: 'write_file', args: '{"path":"work/login.html"}' }] } as never);
    mkdirSync(join(this.root, `agents/${agent}/logs`), { recursive: true });
    writeFileSync(join(this.root, `agents/${agent}/logs/activity.jsonl`), lines.map((line) => JSON.stringify(line)).join('\n') + '\n', { flag: 'a' });
  }

  /** Log that `agent`, with mail waiting, was not called in `turn`: its credits would not pay for the call, as the engine logs it. */
  outOfCredits(turn: number, agent: string): void {
    const line = { turn, at: '2026-11-24T10:00:00.000Z', event: 'skipped', reason: 'out-of-credits', balance: 0, waiting: 1, told: false };
    mkdirSync(join(this.root, `agents/${agent}/logs`), { recursive: true });
    writeFileSync(join(this.root, `agents/${agent}/logs/activity.jsonl`), JSON.stringify(line) + '\n', { flag: 'a' });
  }

  /** The engine's state says `turn` finished. */
  finished(turn: number): void {
    write(this.root, 'org/state/engine.json', JSON.stringify({ version: 2, turn, members: [], takenBytes: 0, pending: [], activity: {}, errors: {}, outOfCredits: [], humanNotices: [] }));
  }
}

/**
 * A request answered after a ping-pong between planner and coder_01 (five messages back and forth,
 * nothing made), with hr called and sitting on the manager's mail for two turns (a bottleneck), and a second
 * request forwarded to the planner and not answered yet. Nothing else is wrong in it.
 */
export function troubledOrg(): HandBuiltOrg {
  const org = new HandBuiltOrg();
  const login = org.send(0, 'human', 'manager', 'Build the login page for the site.');
  org.called(1, 'manager', [login]);
  const plan = org.send(1, 'manager', 'planner', 'Plan the login page, please.', { replyTo: login, credits: 0.01 });
  const designer = org.send(1, 'manager', 'hr', 'Find us a designer for the login page.', { replyTo: login, credits: 0.01 });
  org.called(2, 'planner', [plan]);
  let last = org.send(2, 'planner', 'coder_01', 'Write the login form.', { replyTo: plan, credits: 0.02 });
  const bounces: Array<[number, string, string, string]> = [
    [3, 'coder_01', 'planner', 'Which framework should I use?'],
    [4, 'planner', 'coder_01', 'Which one do you prefer?'],
    [5, 'coder_01', 'planner', 'Whatever you think is best.'],
    [6, 'planner', 'coder_01', 'Pick one yourself then.'],
  ];
  for (const [turn, from, to, body] of bounces) {
    org.called(turn, from, [last]);
    last = org.send(turn, from, to, body, { replyTo: last, credits: 0.02 });
  }
  // hr is called in turns 2 and 3 and not shown the manager's mail (its context was full) until turn 4: it waited in turns 2 and 3, its own pace.
  org.called(2, 'hr', []);
  org.called(3, 'hr', []);
  org.called(4, 'hr', [designer]);
  const hired = org.send(4, 'hr', 'manager', 'A designer starts on Monday.', { replyTo: designer, credits: 0.005 });
  org.called(5, 'manager', [hired]);
  org.called(7, 'coder_01', [last], true);
  const done = org.send(7, 'coder_01', 'planner', 'The login form is in work/login.html.', { replyTo: last, credits: 0.03 });
  org.called(8, 'planner', [done]);
  const report = org.send(8, 'planner', 'manager', 'The login page is done and tested.', { replyTo: done, credits: 0.02 });
  const logout = org.send(8, 'human', 'manager', 'Also add a logout button.');
  org.called(9, 'manager', [report, logout]);
  org.send(9, 'manager', 'human', 'The login page is finished.', { replyTo: login, credits: 0.01 });
  const forwarded = org.send(9, 'manager', 'planner', 'Add a logout button next to the login form.', { replyTo: logout, credits: 0.01 });
  org.called(10, 'planner', [forwarded]);
  org.finished(10);
  return org;
}
