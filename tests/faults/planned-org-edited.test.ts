import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Agent, Org } from '../../src/org/org.js';
import { restoreOrg, storeOrg, type StoredOrg } from '../../src/org/stored-org.js';
import { lemmingAsync, lemmingProcessAsync } from '../helpers/cli.js';
import { humanSends, writeFile } from './fault-org.js';
import { agentOf, answer, KEYS, startManagerScript, wireOrg, type ManagerScript } from './wire-org.js';

/**
 * A turn finished after a crash runs with the org as it was planned, kept in
 * `org/state/cache/planned-org.json`. That file is machine-local state anyone with the folder can
 * edit, and a copied org may carry it: a snapshot edited between the crash and the recovery was
 * believed as long as its id was the plan's, so an edge, an agent or a budget no file of the org
 * holds decided the recovered turn. Each edit here is made by the built CLI's own reader and writer
 * of the snapshot's shape (stored-org.ts), keeping the id, as a hostile hand would.
 */

let script: ManagerScript;
beforeAll(async () => {
  script = await startManagerScript();
});
afterAll(() => script.server.close());
/** The manager's first call sends its message to `to`: each case names the recipient its edit would let through. */
function managerSendsTo(to: string): void {
  script.calls = 0;
  script.first = (request) => answer(request, { to, body: 'Please review the release.' });
}

const PLANNED = 'org/state/cache/planned-org.json';

/** The wire org with an auditor the manager may not write to, and the human's task for the manager. */
function auditedOrg(): string {
  const root = wireOrg(script.server.url);
  appendFileSync(join(root, 'org/chart.yaml'), '  auditor: { reports_to: human, send_to: [human], read_from: ["*"] }\n');
  writeFile(root, 'agents/auditor/resume.md', '---\ntitle: Auditor\nmodel: flaky-openai\ncredits: 10\n---\nAudit what you are sent; report to the human.\n');
  writeFileSync(join(root, '.env'), Object.entries(KEYS).map(([name, value]) => `${name}=${value}\n`).join(''));
  humanSends(root, 'manager', 'Please get the release reviewed.');
  return root;
}

/** Rewrite the kept snapshot with `edit` applied to its org, under the id it had. */
function editSnapshot(root: string, edit: (org: Org) => Org): void {
  const path = join(root, PLANNED);
  const kept = JSON.parse(readFileSync(path, 'utf8')) as { id: string; org: StoredOrg };
  const edited = edit(restoreOrg(kept.org, root));
  writeFileSync(path, `{"id":${JSON.stringify(kept.id)},"org":${JSON.stringify(storeOrg(edited))}}\n`);
}

function withAgents(org: Org, agents: Agent[]): Org {
  const all = new Map(org.agents);
  for (const agent of agents) all.set(agent.name, agent);
  return { ...org, agents: new Map([...all].sort(([left], [right]) => left.localeCompare(right))) };
}

function agentOfOrg(org: Org, name: string): Agent {
  const agent = org.agents.get(name);
  if (!agent) throw new Error(`no ${name} in the snapshot`);
  return agent;
}

const EDITS: Array<{ name: string; sendsTo: string; edit: (org: Org) => Org }> = [
  {
    name: 'a send_to edge added (manager -> auditor)',
    sendsTo: 'auditor',
    edit: (org) => {
      const manager = agentOfOrg(org, 'manager');
      return withAgents(org, [{ ...manager, sendTo: new Set([...(manager.sendTo as ReadonlySet<string>), 'auditor']) }]);
    },
  },
  {
    name: 'an agent added (intruder, whom the manager may write to)',
    sendsTo: 'intruder',
    edit: (org) => {
      const manager = agentOfOrg(org, 'manager');
      const coder = agentOfOrg(org, 'coder');
      return withAgents(org, [
        { ...coder, name: 'intruder', title: 'Intruder', resumeFile: 'agents/intruder/resume.md', readFrom: '*' },
        { ...manager, sendTo: new Set([...(manager.sendTo as ReadonlySet<string>), 'intruder']) },
      ]);
    },
  },
  {
    name: 'a budget of 1e308 (and the manager may write to the auditor)',
    sendsTo: 'auditor',
    edit: (org) => {
      const manager = agentOfOrg(org, 'manager');
      return withAgents(org, [{ ...manager, credits: 1e308, sendTo: new Set([...(manager.sendTo as ReadonlySet<string>), 'auditor']) }]);
    },
  },
];

describe('a planned-org snapshot edited between a crash and the recovery', () => {
  test.each(EDITS)('$name: not believed; the turn finishes with the org as it is now, and says so', async ({ sendsTo, edit }) => {
    const root = auditedOrg();
    managerSendsTo(sendsTo);
    // The manager's answer is journaled; the process dies before it is applied.
    const killed = await lemmingProcessAsync(root, ['run', '--plain'], { LEMMING_CRASH_AT: 'after-response:1' });
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(join(root, PLANNED))).toBe(true);
    editSnapshot(root, edit);
    const before = script.server.requests.length;
    // validate says it first, naming the file, and leaves it as it is.
    const edited = readFileSync(join(root, PLANNED), 'utf8');
    const validated = await lemmingAsync(root, ['validate']);
    expect(validated.status).toBe(0);
    expect(validated.stdout).toContain(`warning: ${PLANNED}: does not hold the org turn 1 was planned with`);
    expect(readFileSync(join(root, PLANNED), 'utf8')).toBe(edited);

    const resumed = await lemmingAsync(root, ['run', '--plain']);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain(`warning: ${PLANNED}: `);
    expect(resumed.stdout).toContain('the turn is finished with the org as it is now');
    // The chart as it is refused the send the edit would have let through: nothing reached the recipient.
    expect(resumed.stdout).toContain(`refused manager -> ${sendsTo}`);
    expect(script.server.requests.slice(before).map(agentOf)).not.toContain('auditor');
    expect(existsSync(join(root, 'agents/intruder'))).toBe(false);
    // The budget is the resume's: 10 credits less what the manager's calls cost, never 1e308.
    const status = await lemmingAsync(root, ['status', '--json']);
    expect(status.stdout).not.toContain('1e+308');
  });

  test('a snapshot left as written is taken: the recovered turn keeps the edge it was planned with', async () => {
    const root = auditedOrg();
    managerSendsTo('coder');
    const killed = await lemmingProcessAsync(root, ['run', '--plain'], { LEMMING_CRASH_AT: 'after-response:1' });
    expect(killed.signal).toBe('SIGKILL');
    // A person's edit while the engine was down: from the next turn, not for the planned one.
    writeFile(root, 'org/chart.yaml', readFileSync(join(root, 'org/chart.yaml'), 'utf8').replace('send_to: [human, coder]', 'send_to: [human]'));
    const validated = await lemmingAsync(root, ['validate']);
    expect(validated.status).toBe(0);
    expect(validated.stdout).not.toContain('org/state/');
    const resumed = await lemmingAsync(root, ['run', '--plain']);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).not.toContain(PLANNED);
    expect(resumed.stdout).not.toContain('[turn 1] refused manager -> coder');
    expect(existsSync(join(root, 'agents/manager/outbox/000001-001-coder.md'))).toBe(true);
    // The edit holds from the next turn: the letter waiting on the removed edge is refused as coder would read it.
    expect(resumed.stdout).toContain('[turn 2] refused manager -> coder: manager may not send to coder (chart.yaml: agents.manager.send_to); it changed after the message was sent');
  });
});
