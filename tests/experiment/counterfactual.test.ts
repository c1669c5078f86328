import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { allFiles, messageFiles } from '../helpers/org-snapshot.js';
import { setKeepHistory } from '../helpers/org-files.js';
import { scratchDir } from '../faults/scratch.js';
import { balances, keepHistory, runOutcome, runToIdle } from '../history/history-org.js';

/** The fork point of every counterfactual here. */
const FORK = 2;

/** The study: one variant that changes nothing, one where the human changes the plan before turn 3. */
const STUDY = `name: what-if
base: base@${FORK}
variants:
  - name: as-was
  - name: told
    interventions:
      - turn: 3
        send: { to: manager, subject: Change of plan, body: "Stop the release; hire a tester instead." }
`;

let folder: string;
let base: string;

beforeAll(async () => {
  folder = scratchDir('lemming-counterfactual-');
  base = join(folder, 'base');
  expect(lemming(base, ['bootstrap']).status).toBe(0);
  keepHistory(base);
  expect(lemming(base, ['send', 'manager', 'Plan and build the first release.', '--subject', 'First release']).status).toBe(0);
  await runToIdle(base);
}, 180_000);

/** The turn in a message file's name (`000003-001-planner.md`). */
function turnOf(file: string): number {
  return Number(/\/(\d{6})-[^/]*$/.exec(file)?.[1]);
}

/** Every outbox file of the org whose turn is in the range, with its bytes (the `created:` time included). */
function outboxBytes(root: string, keep: (turn: number) => boolean): Record<string, string> {
  const files = allFiles(root).filter((path) => /^agents\/[^/]+\/outbox\//.test(path) && keep(turnOf(path)));
  return Object.fromEntries(files.map((file) => [file, readFileSync(join(root, file), 'utf8')]));
}

/** The lines of a JSONL file, parsed. */
function jsonLines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A file of the org as its history holds it after a turn (`lemming show --at`). */
function shownAt(root: string, turn: number, path: string): string {
  const shown = lemming(root, ['show', '--at', String(turn), path]);
  expect(shown.stderr).toBe('');
  expect(shown.status).toBe(0);
  return shown.stdout;
}

/** Each agent's balance after the fork turn: an org forked there with `lemming fork`, read by `lemming status`'s reader. */
function balancesAt(root: string, turn: number): Record<string, number | undefined> {
  const then = join(scratchDir('lemming-counterfactual-at-'), 'org');
  expect(lemming(then, ['fork', '--from', root, '--at', String(turn)]).status).toBe(0);
  return balances(then);
}

describe('a counterfactual experiment: `base: ORG@N`', () => {
  test('its variants share the base\'s first turns byte for byte, call no model for them, and differ from turn N+1 on', async () => {
    writeFileSync(join(folder, 'study.yaml'), STUDY);
    const result = await lemmingAsync(base, ['experiment', join(folder, 'study.yaml')]);
    expect(result.stderr).toMatch(/as-was: idle after turn \d+, \d+ message\(s\), [\d.]+ credits after turn 2/);
    expect(result.status).toBe(0);
    const runs = ['as-was', 'told'].map((name) => join(base, 'experiments/what-if', name));
    const baseLedger = readFileSync(join(base, 'org/state/ledger.jsonl'), 'utf8');
    const ledgerAtFork = shownAt(base, FORK, 'org/state/ledger.jsonl');
    expect(ledgerAtFork.length).toBeGreaterThan(0);
    expect(baseLedger.startsWith(ledgerAtFork)).toBe(true);

    for (const run of runs) {
      // The shared turns, byte for byte: every message file of turns 0 to 2 (created: times too), the ledger's lines up to the fork, the balances then.
      // (An intervention before turn 3 writes the human's message as of turn 2, the last finished: the one file of the run's own named so.)
      const shared = outboxBytes(base, (turn) => turn <= FORK);
      const early = outboxBytes(run, (turn) => turn <= FORK);
      expect(Object.fromEntries(Object.keys(shared).map((file) => [file, early[file]]))).toEqual(shared);
      expect(Object.keys(early).filter((file) => !(file in shared) && !file.startsWith('agents/human/outbox/'))).toEqual([]);
      const ledger = readFileSync(join(run, 'org/state/ledger.jsonl'), 'utf8');
      expect(ledger.startsWith(ledgerAtFork)).toBe(true);
      for (const path of ['org/state/ledger.jsonl', 'org/state/engine.json', 'agents/manager/logs/activity.jsonl']) expect(shownAt(run, FORK, path)).toBe(shownAt(base, FORK, path));
      expect(balancesAt(run, FORK)).toEqual(balancesAt(base, FORK));
      expect(JSON.parse(readFileSync(join(run, 'org/state/forked-from.json'), 'utf8'))).toMatchObject({ from: base, turn: FORK });

      // No model was called for turns 1 to 2: the run's own events start at turn 3, and each charge the run made is of a later turn.
      const events = jsonLines(join(run, 'experiment-events.jsonl'));
      const turnsRun = events.filter((event) => event.type === 'turn-started').map((event) => event.turn as number);
      expect(turnsRun[0]).toBe(FORK + 1);
      const called = events.filter((event) => event.type === 'agent-called' || event.type === 'credits-charged');
      expect(called.length).toBeGreaterThan(0);
      expect(called.filter((event) => (event.turn as number) <= FORK)).toEqual([]);
      const ownCharges = ledger.slice(ledgerAtFork.length).split('\n').filter((line) => line.includes('"type":"charge"'));
      expect(ownCharges.length).toBe(events.filter((event) => event.type === 'credits-charged').length);
      expect(ownCharges.every((line) => (JSON.parse(line) as { turn: number }).turn > FORK)).toBe(true);

      // The run's credits are those it spent after the fork, not the base's before it.
      const measured = JSON.parse(readFileSync(join(run, 'experiment-result.json'), 'utf8')) as { credits: number; calls: number; forkedAfterTurn: number };
      const spent = ownCharges.reduce((sum, line) => sum + (JSON.parse(line) as { credits: number }).credits, 0);
      expect(measured.forkedAfterTurn).toBe(FORK);
      expect(measured.calls).toBe(ownCharges.length);
      expect(measured.credits).toBeCloseTo(spent, 9);
    }

    // A variant that changes nothing goes on as the base did: the same messages, charges and balances.
    const [asWas, told] = runs as [string, string];
    expect(runOutcome(asWas)).toEqual(runOutcome(base));
    // The variant that intervened at turn 3 differs from turn 3 on, and only from then.
    const agentsMail = (root: string, keep: (turn: number) => boolean): Record<string, string> =>
      Object.fromEntries(Object.entries(messageFiles(root)).filter(([file]) => /^agents\/(?!human\/)/.test(file) && keep(turnOf(file))));
    expect(agentsMail(told, (turn) => turn <= FORK)).toEqual(agentsMail(base, (turn) => turn <= FORK));
    expect(agentsMail(told, (turn) => turn === FORK + 1)).not.toEqual(agentsMail(base, (turn) => turn === FORK + 1));
    expect(Object.values(messageFiles(told)).some((text) => text.includes('Stop the release; hire a tester instead.'))).toBe(true);

    // The report says how its turns are numbered and what its credits count.
    const report = readFileSync(join(base, 'experiments/what-if/report.md'), 'utf8');
    expect(report).toContain(`Every run is a fork of the base org as it was after turn ${FORK} (\`base: base@${FORK}\`)`);
    expect(report).toContain(`count only what the runs did after turn ${FORK}`);
    expect((JSON.parse(readFileSync(join(base, 'experiments/what-if/report.json'), 'utf8')) as { forkedAfterTurn: number }).forkedAfterTurn).toBe(FORK);
  }, 300_000);

  test("a fork replayed from the base's cassette: the control goes on as the base did with no model at all; a fork that changed something stops at its first new call, saying what changed", async () => {
    const recorded = join(folder, 'recorded');
    const cassette = join(folder, 'recorded.jsonl');
    expect(lemming(recorded, ['bootstrap']).status).toBe(0);
    keepHistory(recorded);
    expect(lemming(recorded, ['send', 'manager', 'Plan and build the first release.', '--subject', 'First release']).status).toBe(0);
    const recording = await lemmingAsync(recorded, ['run', '--record', cassette]);
    expect(recording.status, recording.stderr).toBe(0);
    const calls = readFileSync(cassette, 'utf8').split('\n').filter((line) => line.startsWith('{')).length;
    expect(calls).toBeGreaterThan(2);

    // The control: every call after the fork is answered from the cassette (a call it did not hold would stop the run), and the org ends as the base did.
    const control = join(folder, 'control');
    expect(lemming(control, ['fork', '--from', recorded, '--at', String(FORK)]).status).toBe(0);
    const replayed = await lemmingAsync(control, ['run', '--replay', cassette]);
    expect(replayed.stderr).toBe('');
    expect(replayed.status).toBe(0);
    expect(replayed.stdout).toContain('the org is idle');
    expect(runOutcome(control)).toEqual(runOutcome(recorded));

    // A fork where the human said something new: its manager's call was never recorded, so the replay stops there and names it.
    const changed = join(folder, 'changed');
    expect(lemming(changed, ['fork', '--from', recorded, '--at', String(FORK)]).status).toBe(0);
    expect(lemming(changed, ['send', 'manager', 'Stop the release; hire a tester instead.']).status).toBe(0);
    const stopped = await lemmingAsync(changed, ['run', '--replay', cassette]);
    expect(stopped.status).not.toBe(0);
    expect(stopped.stderr).toMatch(new RegExp(`has no answer for manager's call in turn ${FORK + 1} \\(model offline\\): the run no longer asks what was recorded`));
    expect(stopped.stderr).toContain('What changed since the recording');
  }, 300_000);

  test('a base that cannot be forked there, or a variant that changes a shared turn, is refused before any run: file, field and a valid value', async () => {
    const plain = join(folder, 'plain');
    expect(lemming(plain, ['bootstrap']).status).toBe(0);
    setKeepHistory(plain, false);
    const last = (JSON.parse(readFileSync(join(base, 'org/state/engine.json'), 'utf8')) as { turn: number }).turn;
    // A file's own problems exit 1, as any invalid experiment file does; a base that cannot be forked there exits 2, as a base that is not an org does.
    const cases: Array<{ name: string; yaml: string; status: number; says: RegExp[] }> = [
      {
        name: 'no-history',
        status: 2,
        yaml: `name: no-history\nbase: plain@2\nvariants:\n  - name: a\n`,
        says: [/no-history\.yaml:2: base: "plain@2": the org at \S+plain keeps no history/, /set `history: \{ keep: true \}` in its org\/org\.yaml and run it again/],
      },
      {
        name: 'too-far',
        status: 2,
        yaml: `name: too-far\nbase: base@99\nvariants:\n  - name: a\n`,
        says: [/too-far\.yaml:2: base: "base@99": turn 99 is not in the history of \S+base: it holds turns 0 to \d+/, new RegExp(`give a turn it holds, for example \`base: base@${last}\``)],
      },
      {
        name: 'not-a-turn',
        status: 1,
        yaml: `name: not-a-turn\nbase: base@two\nvariants:\n  - name: a\n`,
        says: [/not-a-turn\.yaml:2/, /base/, /after "@" comes the base org's turn to fork from, a whole number \(for example `base@7`\)/],
      },
      {
        name: 'too-early',
        status: 1,
        yaml: `name: too-early\nbase: base@2\nvariants:\n  - name: a\n  - name: b\n    interventions:\n      - turn: 2\n        hold: janitor\n`,
        says: [/too-early\.yaml:7/, /variants\.1\.interventions\.0\.turn/, /variant "b": turn 2 is at or before the fork point/, /for example `turn: 3`/],
      },
      {
        name: 'asked-early',
        status: 1,
        yaml: `name: asked-early\nbase: base@2\nvariants:\n  - name: a\nsurvey:\n  - question: Is the plan clear?\n    choices: [yes, no]\n    after_turn: 1\n`,
        says: [/asked-early\.yaml:8/, /survey\.0\.after_turn/, /for example `after_turn: 3`/],
      },
    ];
    for (const { name, yaml, status, says } of cases) {
      writeFileSync(join(folder, `${name}.yaml`), yaml);
      const refused = await lemmingAsync(base, ['experiment', join(folder, `${name}.yaml`)]);
      expect(refused.status, `${name}: ${refused.stderr}`).toBe(status);
      for (const pattern of says) expect(refused.stderr, name).toMatch(pattern);
      // Nothing was prepared: no run's folder exists.
      const experimentFolder = join(base, 'experiments', name);
      expect(existsSync(experimentFolder) ? readdirSync(experimentFolder) : [], name).toEqual([]);
    }
  }, 180_000);
});
