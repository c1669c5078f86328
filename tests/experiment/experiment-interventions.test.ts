import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { activityLogs, charges, messageFiles } from '../helpers/org-snapshot.js';
import { defaultOrg, listOutbox, read, tempDir } from '../helpers/temp-org.js';
import { showCredits } from '../../src/format/format.js';

const INTERVENTIONS = `interventions:
  - turn: 2
    send: { to: manager, subject: Changelog, body: "Please also check the changelog." }
  - turn: 2
    credits: { agent: coder_01, top_up: 0.5 }
  - turn: 3
    resume: { agent: planner, set: { title: Lead planner } }
  - turn: 3
    hold: janitor
  - turn: 8
    send: { to: manager, subject: Late, body: "One more thing: write the summary." }
`;

const STUDY = `name: pushed
turns: 20
messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes for version 2 written and checked.
variants:
  - name: pushed
    ${INTERVENTIONS.replace(/\n/g, '\n    ').trimEnd()}
`;

/** The lines of the run's JSON events of one type. */
function events(run: string, type: string): Array<Record<string, unknown>> {
  return read(run, 'experiment-events.jsonl')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((event) => event.type === type);
}

/** What a run did, with wall-clock stamps taken out: messages, activity logs, charges, top-ups, the journal of interventions, the edited files. */
function record(root: string): Record<string, unknown> {
  const stamps = (text: string): string => text.replace(/"at":"[^"]*"/g, '"at":-');
  return {
    messages: messageFiles(root),
    logs: activityLogs(root),
    charges: charges(root),
    ledger: stamps(read(root, 'org/state/ledger.jsonl')),
    interventions: stamps(read(root, 'org/state/interventions.jsonl')),
    planner: read(root, 'agents/planner/resume.md'),
    breakers: read(root, 'org/state/breakers.json'),
  };
}

describe('interventions', () => {
  test('an experiment variant intervenes at turn 2: the change is made between turns, logged, journaled and told; an org idle before turn 8 runs on to its last one', { timeout: 120_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'study.yaml'), STUDY);
    const result = await lemmingAsync(root, ['experiment', join(root, 'study.yaml')]);
    expect(result.status).toBe(0);
    const run = join(root, 'experiments/pushed/pushed');
    // The run's line gives its credits as every other line of lemming does (showCredits), not as the sum's float.
    const credits = (JSON.parse(read(run, 'experiment-result.json')) as { credits: number }).credits;
    expect(`${result.stdout}\n${result.stderr}`).toMatch(new RegExp(`^pushed: idle after turn \\d+, \\d+ message\\(s\\), ${showCredits(credits).replace('.', '\\.')} credits$`, 'm'));

    // Told in the run's events, each at the turn it joins.
    const told = events(run, 'intervention');
    expect(told.map((event) => [event.turn, event.kind, event.agent])).toEqual([
      [2, 'send', 'manager'],
      [2, 'credits', 'coder_01'],
      [3, 'resume', 'planner'],
      [3, 'hold', 'janitor'],
      [8, 'send', 'manager'],
    ]);
    expect(told.every((event) => event.failed === undefined)).toBe(true);

    // Shown by `lemming logs` of the agent it changes.
    const logs = lemming(run, ['logs', 'manager', '--lines', '100']);
    expect(logs.status).toBe(0);
    expect(logs.stdout).toMatch(/^\[turn 1\] \S+ intervention kind="send" joins_turn=2 summary="human sends manager a message: Changelog"$/m);

    // Made by the mechanisms a person uses: the human's outbox, a top-up line, the resume edited, a hold.
    expect(listOutbox(run, 'human')).toEqual(['000000-001-manager.md', '000001-001-manager.md', '000007-001-manager.md']);
    expect(read(run, 'agents/human/outbox/000001-001-manager.md')).toMatch(/^turn: 1$/m);
    expect(read(run, 'org/state/ledger.jsonl')).toMatch(/"type":"top-up","agent":"coder_01","credits":0.5/);
    expect(read(run, 'agents/planner/resume.md')).toMatch(/^title: Lead planner$/m);
    expect(JSON.parse(read(run, 'org/state/breakers.json')).held.janitor).toMatchObject({ turn: 3 });
    // The manager took up the message of turn 2 in turn 2 (and answered the human about it).
    expect(read(run, 'agents/manager/outbox/000002-001-planner.md')).toMatch(/^subject: Changelog$/m);
    // Journaled: each started, then done, once.
    const journal = read(run, 'org/state/interventions.jsonl').trim().split('\n').map((line) => JSON.parse(line) as { index: number; status: string });
    expect(journal.map((line) => `${line.index}:${line.status}`)).toEqual(['0:started', '0:done', '1:started', '1:done', '2:started', '2:done', '3:started', '3:done', '4:started', '4:done']);
    // Idle after turn 5, the org ran on (turns with nobody to call) to the intervention of turn 8, and answered it.
    const finished = events(run, 'run-finished').at(-1);
    expect(finished).toMatchObject({ reason: 'idle' });
    expect((finished?.lastTurn as number) > 8).toBe(true);
    expect(listOutbox(run, 'manager').some((file) => file.startsWith('000008-'))).toBe(true);
  });

  test('a replay of the recorded cassette repeats the interventions byte for byte (stamps aside), and so does the experiment', { timeout: 120_000 }, async () => {
    const recorded = defaultOrg();
    const replayed = defaultOrg();
    const cassette = join(tempDir(), 'cassette.jsonl');
    for (const root of [recorded, replayed]) {
      writeFileSync(join(root, 'org/interventions.yaml'), INTERVENTIONS);
      expect(lemming(root, ['send', 'manager', '--subject', 'Release notes', 'Please get the release notes for version 2 written and checked.']).status).toBe(0);
    }
    const first = await lemmingAsync(recorded, ['run', '--record', cassette]);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^\[turn 2\] intervention: human sends manager a message: Changelog$/m);
    const second = await lemmingAsync(replayed, ['run', '--replay', cassette]);
    expect(second.stderr).toBe('');
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/^\[turn 2\] intervention: human sends manager a message: Changelog$/m);
    expect(record(replayed)).toEqual(record(recorded));
    expect(Object.keys(messageFiles(recorded)).length).toBeGreaterThan(8);

    // The experiment's run of the same interventions wrote the same files.
    const root = defaultOrg();
    writeFileSync(join(root, 'study.yaml'), STUDY);
    expect((await lemmingAsync(root, ['experiment', join(root, 'study.yaml')])).status).toBe(0);
    expect(messageFiles(join(root, 'experiments/pushed/pushed'))).toEqual(messageFiles(recorded));
  });

  test('a hold holds in an org without circuit breakers: the agent is not called, its mail waits, until `lemming retry`', { timeout: 120_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'org/interventions.yaml'), 'interventions:\n  - turn: 2\n    hold: planner\n');
    expect(lemming(root, ['send', 'manager', '--subject', 'Release notes', 'Please get the release notes for version 2 written and checked.']).status).toBe(0);
    const held = await lemmingAsync(root, ['run']);
    expect(held.status).toBe(0);
    expect(held.stdout).toMatch(/^\[turn 2\] intervention: planner is held/m);
    // Its mail is no work while it is held: the run ends after turn 1, held by the intervention (not by a loop breaker), the planner's message unread.
    expect(held.stdout).toMatch(/1 turn\(s\) run, now at turn 1; nothing left to do but mail for agents a limit holds: held by an intervention\./);
    expect(listOutbox(root, 'planner')).toEqual([]);
    const status = JSON.parse(lemming(root, ['status', '--json']).stdout) as { agents: Array<{ name: string; unread: number }> };
    expect(status.agents.find((agent) => agent.name === 'planner')?.unread).toBe(1);
    expect(lemming(root, ['retry', 'planner']).status).toBe(0);
    const released = await lemmingAsync(root, ['run']);
    expect(released.status).toBe(0);
    expect(listOutbox(root, 'planner').length).toBeGreaterThan(0);
  });

  test('`lemming validate` checks org/interventions.yaml: a member the org lacks and a malformed file are errors naming the file and field', () => {
    const root = defaultOrg();
    expect(lemming(root, ['validate']).status).toBe(0);
    writeFileSync(join(root, 'org/interventions.yaml'), INTERVENTIONS);
    expect(lemming(root, ['validate']).status).toBe(0);
    writeFileSync(join(root, 'org/interventions.yaml'), `${INTERVENTIONS}  - turn: 4\n    hold: nobody\n`);
    const unknown = lemming(root, ['validate']);
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toMatch(/^error: org\/interventions\.yaml.*interventions\.5.*"nobody" is not an agent of the org; use one of .*manager.* \(turn 4\)$/m);
    writeFileSync(join(root, 'org/interventions.yaml'), 'interventions:\n  - turn: two\n    hold: janitor\n');
    const malformed = lemming(root, ['validate']);
    expect(malformed.status).toBe(1);
    expect(malformed.stdout).toMatch(/^error: org\/interventions\.yaml.*turn/m);
  });

  test('a bad intervention stops the experiment before any run, naming the file, the variant, the field and a valid value', () => {
    const root = defaultOrg();
    const file = join(root, 'bad.yaml');
    writeFileSync(file, STUDY.replace('name: pushed\nturns', 'name: bad\nturns').replace('to: manager, subject: Late', 'to: nobody, subject: Late'));
    const unknown = lemming(root, ['experiment', file]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain(`${file}: variant "pushed": interventions.4.send.to: "nobody" is not a member of the org; use one of `);
    expect(unknown.stderr).toMatch(/use one of [a-z_0-9, ]*manager/);

    writeFileSync(file, STUDY.replace('name: pushed\nturns', 'name: bad\nturns').replace('    hold: janitor', '    hold: janitor\n        retire: janitor').replace('top_up: 0.5', 'top_up: -1'));
    const schema = lemming(root, ['experiment', file]);
    expect(schema.status).toBe(1);
    expect(schema.stderr).toMatch(/bad\.yaml:\d+: variants\.0\.interventions\.1\.credits\.top_up: variant "pushed": .*a valid value looks like `top_up: 0\.5/);
    expect(schema.stderr).toMatch(/bad\.yaml:\d+: variants\.0\.interventions\.3: variant "pushed": needs exactly one action \(send, resume, credits, chart, hold, retire\), for example \{ turn: 2, send: /);
    // Nothing ran.
    expect(listOutbox(join(root, 'experiments/bad/pushed'), 'manager')).toEqual([]);
    expect(readFileSync(join(root, 'bad.yaml'), 'utf8')).toContain('top_up: -1');
  });

  test('a top-up no ledger can hold (a tenth of a billionth) is refused before any run, with its field, its rule and a valid value, as lemming top-up refuses it', () => {
    const root = defaultOrg();
    const file = join(root, 'tiny.yaml');
    writeFileSync(file, STUDY.replace('name: pushed\nturns', 'name: tiny\nturns').replace('top_up: 0.5', 'top_up: 0.0000000001'));
    const refused = lemming(root, ['experiment', file]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/tiny\.yaml:\d+: variants\.0\.interventions\.1\.credits\.top_up: variant "pushed": credits have at most 9 decimals.*a valid value looks like `top_up: 0\.5/);
    expect(refused.stderr).not.toContain('1e-10');
    expect(listOutbox(join(root, 'experiments/tiny/pushed'), 'manager')).toEqual([]);
  });
});
