import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { enterCommand } from '../../src/invocation.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultFaultOrg, eventsOf, humanSends, inboxOf, readText, requestsOf, runScripted, writeFile } from './fault-org.js';
import { checkInvariants } from './invariants.js';
import { scratchDir } from './scratch.js';

/** A file outside the org root, which no prompt may ever show. */
function outsideFile(): string {
  const path = join(scratchDir('lemming-outside-'), 'outside.md');
  writeFile('/', path, '---\nto: manager\nsubject: Outside\n---\nOUTSIDE-THE-ORG secret text.\n');
  return path;
}

const everything = (provider: ScriptedProvider): string => JSON.stringify(provider.requests);

describe('files broken while a run is going', () => {
  test('a broken resume and chart are reported and the last valid org stays in force until they are fixed', async () => {
    const root = defaultFaultOrg();
    const resume = readText(root, 'agents/manager/resume.md');
    const chart = readText(root, 'org/chart.yaml');
    humanSends(root, 'manager', 'go');
    const provider = new ScriptedProvider((request) => {
      if (request.agent === 'manager' && request.turn === 1) {
        writeFile(root, 'agents/manager/resume.md', '---\ntitle: [unclosed\ncredits: lots\n---\nBroken.\n');
        writeFile(root, 'org/chart.yaml', 'agents:\n  manager: [\n');
        return { toolCalls: [sendCall('planner', 'Plan it.')] };
      }
      if (request.agent === 'planner' && request.turn === 2) {
        writeFile(root, 'agents/manager/resume.md', resume);
        writeFile(root, 'org/chart.yaml', chart);
        return { toolCalls: [sendCall('manager', 'Planned.')] };
      }
      return {};
    });
    const events = await runScripted(root, provider);

    const invalid = eventsOf(events, 'org-invalid');
    expect(invalid.map((event) => event.turn)).toEqual([2]);
    expect(invalid[0]?.problems.filter((problem) => problem.severity === 'error').map((problem) => problem.file).sort()).toEqual(['agents/manager/resume.md', 'org/chart.yaml']);
    expect(eventsOf(events, 'org-reloaded')).toMatchObject([{ turn: 3, files: expect.arrayContaining(['agents/manager/resume.md', 'org/chart.yaml']) }]);
    // Turn 2 ran on the last valid org: the planner was called and its answer reached the manager.
    expect(provider.requests.map((request) => `${request.turn}:${request.agent}`)).toEqual(['1:manager', '2:planner', '3:manager']);
    expect(inboxOf(requestsOf(provider, 'manager')[1]).map((item) => item.body)).toEqual(['Planned.']);
    expect(checkInvariants(root, { requests: provider.requests })).toEqual([]);
  });

  test('a valid resume edit applies at the next turn while the chart is broken; the mended chart is acknowledged', async () => {
    const root = defaultFaultOrg();
    const chart = readText(root, 'org/chart.yaml');
    const planner = readText(root, 'agents/planner/resume.md');
    humanSends(root, 'manager', 'go');
    const provider = new ScriptedProvider((request) => {
      if (request.agent === 'manager' && request.turn === 1) {
        writeFile(root, 'org/chart.yaml', chart.replace('send_to: [manager, coder_01]', 'send_to: [manager, coder_01'));
        writeFile(root, 'agents/planner/resume.md', planner.replace(/^title: .*$/m, 'title: Chief planner'));
        return { toolCalls: [sendCall('planner', 'Plan it.')] };
      }
      if (request.agent === 'planner' && request.turn === 2) {
        writeFile(root, 'org/chart.yaml', chart);
        return { toolCalls: [sendCall('manager', 'Planned.')] };
      }
      return {};
    });
    const events = await runScripted(root, provider);

    expect(eventsOf(events, 'org-reloaded')).toEqual([
      { type: 'org-reloaded', turn: 2, files: ['agents/planner/resume.md'], fixed: [], joined: [], left: [] },
      { type: 'org-reloaded', turn: 3, files: ['org/chart.yaml'], fixed: ['org/chart.yaml'], joined: [], left: [] },
    ]);
    const invalid = eventsOf(events, 'org-invalid');
    expect(invalid.map((event) => [event.turn, [...new Set(event.problems.map((problem) => problem.file))]])).toEqual([[2, ['org/chart.yaml']]]);
    // Turn 2 ran with the new resume and the last valid chart: the planner's answer reached the manager.
    expect(requestsOf(provider, 'planner')[0]?.system).toContain('You are planner, Chief planner');
    expect(inboxOf(requestsOf(provider, 'manager')[1]).map((item) => item.body)).toEqual(['Planned.']);
    expect(checkInvariants(root, { requests: provider.requests })).toEqual([]);
  });

  test('an agent folder deleted during a run leaves with a warning; the chart still naming it does not stop the org', async () => {
    const root = defaultFaultOrg();
    humanSends(root, 'manager', 'go');
    const provider = new ScriptedProvider((request) => {
      if (request.agent === 'manager' && request.turn === 1) {
        rmSync(join(root, 'agents', 'hr'), { recursive: true });
        return { toolCalls: [sendCall('planner', 'Plan it.')] };
      }
      if (request.agent === 'planner') return { toolCalls: [sendCall('manager', 'Planned.')] };
      return {};
    });
    const events = await runScripted(root, provider);

    expect(eventsOf(events, 'org-invalid')).toEqual([]);
    expect(eventsOf(events, 'org-reloaded')).toEqual([{ type: 'org-reloaded', turn: 2, files: [], fixed: [], joined: [], left: ['hr'] }]);
    const warnings = eventsOf(events, 'warning').map((event) => `${event.turn} ${event.file}: ${event.message}`);
    expect(warnings).toContain('2 agents/hr/: is gone, so hr leaves the org at the next turn');
    expect(warnings.some((text) => /^2 org\/chart\.yaml:\d+: agents\.hr: names an agent that does not exist .*ignored until you edit the chart$/.test(text))).toBe(true);
    // Each warning is told once, not at every turn.
    expect(new Set(warnings).size).toBe(warnings.length);
    expect(provider.requests.map((request) => `${request.turn}:${request.agent}`)).toEqual(['1:manager', '2:planner', '3:manager']);
  });

  test('truncated, empty, binary and broken message files, and a link out of the org, are skipped with a warning; the rest arrives', async () => {
    const root = defaultFaultOrg();
    const outside = outsideFile();
    humanSends(root, 'manager', 'go');
    const broken = {
      'agents/human/outbox/000000-003-manager.md': '---\nto: manager\nsubj',
      'agents/human/outbox/000000-004-manager.md': '',
      'agents/human/outbox/000000-005-manager.md': Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0x00, 0xff, 0xfe, 0x01]),
      'agents/human/outbox/000000-006-manager.md': '---\nto: [manager\n---\nbroken front matter\n',
      'agents/hr/outbox/notes.md': '---\nto: manager\n',
    };
    const link = 'agents/human/outbox/000000-007-manager.md';
    const provider = new ScriptedProvider((request) => {
      if (request.agent === 'manager' && request.turn === 1) {
        // Written while the turn runs, as a person or another program would.
        for (const [file, content] of Object.entries(broken)) writeFile(root, file, content);
        symlinkSync(outside, join(root, link));
        humanSends(root, 'manager', 'the good one');
      }
      return {};
    });
    const events = await runScripted(root, provider);

    const warnings = eventsOf(events, 'warning').map((event) => `${event.file}: ${event.message}`);
    // The five files and the link, and the history (new orgs keep one) saying it left the link out.
    expect(warnings).toHaveLength(7);
    expect(warnings.join('\n')).toMatch(/org\/state\/history\.git: the history leaves out 1 path\(s\) .*000000-007-manager\.md \(a symbolic link\)/);
    expect(warnings.join('\n')).toMatch(/000000-003-manager\.md: has no front matter/);
    expect(warnings.join('\n')).toMatch(/000000-004-manager\.md: is empty/);
    expect(warnings.join('\n')).toMatch(/000000-005-manager\.md: is a binary file/);
    expect(warnings.join('\n')).toMatch(/000000-006-manager\.md: has broken front matter/);
    expect(warnings.join('\n')).toMatch(/000000-007-manager\.md: is a symbolic link/);
    expect(warnings.join('\n')).toMatch(/hr\/outbox\/notes\.md: has no front matter/);
    expect(inboxOf(requestsOf(provider, 'manager')[1]).map((item) => item.body)).toEqual(['the good one']);
    expect(everything(provider)).not.toContain('OUTSIDE-THE-ORG');
    expect(checkInvariants(root, { requests: provider.requests, broken: Object.keys(broken) })).toEqual([]);
  });

  test('mail whose file became a pipe or a link before it was read is reported lost; the run neither hangs nor reads outside the org', async () => {
    const root = defaultFaultOrg();
    const outside = outsideFile();
    humanSends(root, 'manager', 'first');
    humanSends(root, 'manager', 'second');
    const pipe = 'agents/human/outbox/000000-001-manager.md';
    const link = 'agents/human/outbox/000000-002-manager.md';
    const provider = new ScriptedProvider((request) => {
      if (request.agent !== 'manager' || request.turn !== 1) return {};
      rmSync(join(root, pipe));
      expect(spawnSync('mkfifo', [join(root, pipe)]).status).toBe(0);
      rmSync(join(root, link));
      symlinkSync(outside, join(root, link));
      // A note replaced by a link out of the org is not shown either.
      symlinkSync(outside, join(root, 'agents/manager/memory/plan.md'));
      return new Error('the model is down'); // So the mail waits and is read again from its files next turn.
    });
    const events = await runScripted(root, provider);

    const warnings = eventsOf(events, 'warning').map((event) => `${event.file}: ${event.message}`);
    expect(warnings).toEqual([
      // New orgs keep a history, which records neither the pipe nor the links.
      `org/state/history.git: the history leaves out 3 path(s) that are not plain files or are past a workspace's bounds: ${pipe} (a named pipe), ${link} (a symbolic link), agents/manager/memory/plan.md (a symbolic link) (docs/history.md#what-an-entry-holds)`,
      `${pipe}: is not a regular file now; it cannot be shown to manager and stops waiting (mend it and save it under a new name to send it again)`,
      `${link}: is a symbolic link; lemming does not follow links in an agent folder now; it cannot be shown to manager and stops waiting (mend it and save it under a new name to send it again)`,
    ]);
    // Its only mail unreadable, the manager is not called again: one call, the one that failed.
    expect(requestsOf(provider, 'manager')).toHaveLength(1);
    expect(everything(provider)).not.toContain('OUTSIDE-THE-ORG');
    expect(checkInvariants(root, { requests: provider.requests, broken: [pipe, link] })).toEqual([]);
  });

  test('mail whose file was deleted before its reader was called wakes no one: no call, no charge, and it stops waiting', async () => {
    const root = defaultFaultOrg();
    humanSends(root, 'manager', 'go');
    const provider = new ScriptedProvider((request) => (request.agent === 'manager' && request.turn === 1 ? { toolCalls: [sendCall('planner', 'Plan it.')] } : {}));
    await runScripted(root, provider, { maxTurns: 1 });
    const sent = readdirSync(join(root, 'agents/manager/outbox'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('-planner.md'));
    expect(sent).toHaveLength(1);
    const file = `agents/manager/outbox/${sent[0] as string}`;
    // The person takes the message back by hand before the planner has read it; the next run is a command of its
    // own, as a new process is (it reads the files, not what the last run wrote: src/invocation.ts).
    rmSync(join(root, file));
    enterCommand({ env: process.env, cwd: process.cwd() })();
    const events = await runScripted(root, provider);

    expect(eventsOf(events, 'warning').map((event) => `${event.file}: ${event.message}`)).toContain(`${file}: cannot be read (ENOENT) now; it cannot be shown to planner`);
    expect(requestsOf(provider, 'planner')).toEqual([]);
    expect(eventsOf(events, 'agent-called').filter((event) => event.agent === 'planner')).toEqual([]);
    expect(readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8')).not.toMatch(/"agent":"planner"/);
    // It waits no more: a later run calls no one for it.
    const again = await runScripted(root, provider);
    expect(eventsOf(again, 'agent-called')).toEqual([]);
    expect(requestsOf(provider, 'planner')).toEqual([]);
    expect(checkInvariants(root, { requests: provider.requests, broken: [file] })).toEqual([]);
  });
});
