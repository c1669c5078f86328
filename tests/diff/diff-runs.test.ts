import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { diffCommand } from '../../src/cli/commands/diff.js';
import type { Output } from '../../src/cli/cli-context.js';
import type { OrgDiff } from '../../src/diff/org-diff.js';
import { lemmingAsync } from '../helpers/cli.js';
import { messageFiles } from '../helpers/org-snapshot.js';
import { defaultOrg, humanSends, tempDir } from '../helpers/temp-org.js';

/** Does removing the planner change the judge's score? One run each, scored by the offline judge. */
const STUDY = `name: study
turns: 20
repeats: 1
messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes for version 2 written and checked.
judge:
  model: offline
  rubric:
    - release notes for version 2
    - tasks split, each with what done means
    - risks named
variants:
  - name: baseline
  - name: no-planner
    chart:
      manager: { send_to: [human, hr, janitor] }
`;

interface RunResult {
  messages: number;
  credits: number;
  turns: number;
  outcome: { judge: { score: number; scale: number } };
}

function capture(): Output & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (line) => void lines.push(line), err: (line) => void errors.push(line) };
}

/** The message ids of a run, from its file names (`agents/planner/outbox/000002-001-coder_01.md` is `000002-planner-001`). */
function ids(root: string): string[] {
  return Object.keys(messageFiles(root))
    .map((file) => {
      const [, sender, , name] = file.split('/') as [string, string, string, string];
      const [turn, seq] = name.split('-') as [string, string];
      return `${turn}-${sender}-${seq}`;
    })
    .sort();
}

describe('lemming diff on experiment runs and turns', () => {
  test('two runs of an experiment: the chart the variant changed, the messages each has, and the scores from experiment-result.json', { timeout: 180_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'study.yaml'), STUDY);
    const experiment = await lemmingAsync(root, ['experiment', join(root, 'study.yaml')]);
    expect(experiment.status, experiment.stderr).toBe(0);
    const baseline = join(root, 'experiments/study/baseline');
    const variant = join(root, 'experiments/study/no-planner');
    const resultOf = (run: string): RunResult => JSON.parse(readFileSync(join(run, 'experiment-result.json'), 'utf8')) as RunResult;

    const json = await lemmingAsync(root, ['diff', baseline, variant, '--json']);
    expect(json.status).toBe(1);
    const diff = JSON.parse(json.stdout) as OrgDiff;
    // The variant changed the chart and nothing else of the org's files.
    expect(diff.orgFiles.map((change) => change.file)).toEqual(['org/chart.yaml']);
    expect(diff.orgFiles[0]?.diff).toEqual(expect.arrayContaining(['-    send_to: [human, planner, hr, janitor]', '+      - janitor']));
    expect(diff.resumes).toEqual([]);
    expect(diff.agents).toEqual({ added: [], removed: [] });
    // Messages by id: those only one run has, from the runs' own files.
    const idsA = ids(baseline);
    const idsB = ids(variant);
    expect(diff.messages.added.map((message) => message.id)).toEqual(idsB.filter((id) => !idsA.includes(id)));
    expect(diff.messages.missing.map((message) => message.id)).toEqual(idsA.filter((id) => !idsB.includes(id)));
    expect(diff.messages.missing.some((message) => message.from === 'planner')).toBe(true);
    expect([...diff.messages.added, ...diff.messages.changed].some((message) => message.from === 'planner')).toBe(false);
    // The manager's first message is in both, but without the planner on its chart it went to hr.
    expect(diff.messages.changed).toEqual([expect.objectContaining({ id: '000001-manager-001', fields: expect.arrayContaining([{ field: 'to', a: 'planner', b: 'hr' }]) })]);
    // The human's request is the same in both: the experiment sent it.
    expect(diff.human.sent).toEqual({ added: [], missing: [], changed: [] });
    // Scores and measures, as each run's experiment-result.json holds them.
    const [a, b] = [resultOf(baseline), resultOf(variant)];
    const outcome = Object.fromEntries((diff.outcome ?? []).map((row) => [row.measure, row]));
    expect(outcome.messages).toEqual({ measure: 'messages', a: a.messages, b: b.messages, same: a.messages === b.messages });
    expect(outcome.credits).toMatchObject({ a: a.credits, b: b.credits });
    expect(outcome['judge score (of 10)']).toEqual({ measure: 'judge score (of 10)', a: a.outcome.judge.score, b: b.outcome.judge.score, same: a.outcome.judge.score === b.outcome.judge.score });
    expect(diff.summary.outcomeMeasuresDiffering).toBe((diff.outcome ?? []).filter((row) => row.a !== row.b).length);
    expect(diff.summary.outcomeMeasuresDiffering).toBeGreaterThan(0);
    expect(diff.ledger.difference.spent).toBeCloseTo(b.credits - a.credits, 9);

    const text = await lemmingAsync(root, ['diff', baseline, variant]);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('\noutcome (experiment-result.json):\n');
    expect(text.stdout).toContain(`  messages: ${a.messages} -> ${b.messages}\n`);
    expect(text.stdout).toContain('  ended: idle (both)\n');
    // A run against itself, scores included: equal.
    const same = await lemmingAsync(root, ['diff', baseline, baseline]);
    expect(same.status).toBe(0);
    expect(same.stdout).toContain('no differences');
  });

  test('--turns: the history writes each turn into a folder of its own, and the two are compared and removed', async () => {
    // Stand-ins for what the history keeps: the org after turn 3 (bootstrapped) and after turn 7 (one message more).
    const atTurn3 = defaultOrg();
    const atTurn7 = defaultOrg();
    humanSends(atTurn7, 'manager', 'A request made between turns 3 and 7.', 'Between');
    const root = tempDir();
    const asked: Array<{ orgRoot: string; turn: number; destination: string }> = [];
    const writeOrgAtTurn = async (orgRoot: string, turn: number, destination: string): Promise<void> => {
      asked.push({ orgRoot, turn, destination });
      cpSync(turn === 3 ? atTurn3 : atTurn7, destination, { recursive: true });
    };
    const output = capture();
    const code = await diffCommand([], () => root, { turns: '3..7', json: true }, output, writeOrgAtTurn);
    expect(output.errors).toEqual([]);
    expect(code).toBe(1);
    expect(asked.map((each) => [each.orgRoot, each.turn])).toEqual([
      [root, 3],
      [root, 7],
    ]);
    // The folders the history wrote are gone once compared.
    for (const each of asked) expect(existsSync(each.destination)).toBe(false);
    const diff = JSON.parse(output.lines.join('\n')) as OrgDiff;
    expect(diff.a).toMatchObject({ root, label: `${root} after turn 3` });
    expect(diff.b).toMatchObject({ root, label: `${root} after turn 7` });
    expect(diff.messages.added).toEqual([expect.objectContaining({ id: '000000-human-001', from: 'human', to: 'manager', subject: 'Between' })]);
    expect(diff.human.sent.added.map((message) => message.id)).toEqual(['000000-human-001']);
    expect(diff.summary.messagesAdded).toBe(1);

    // The same turn twice is equal; a history that does not hold the turn is an error (2), said as it said it.
    expect(await diffCommand([], () => root, { turns: '3..3' }, capture(), writeOrgAtTurn)).toBe(0);
    const refused = capture();
    const missing = async (): Promise<void> => {
      const { LemmingError } = await import('../../src/errors.js');
      throw new LemmingError('no-turn', 'the history holds turns 1 to 5, not turn 7');
    };
    expect(await diffCommand([root], () => root, { turns: '3..7' }, refused, missing)).toBe(2);
    expect(refused.errors).toEqual(['lemming: the history holds turns 1 to 5, not turn 7']);
    expect(readdirSync(root)).toEqual([]);
  });

  test('a message file one org cannot read is left out of the messages, said, and makes the two differ', async () => {
    const a = defaultOrg();
    const b = defaultOrg();
    writeFileSync(join(b, 'agents/manager/outbox/000001-001-planner.md'), '');
    const output = capture();
    expect(await diffCommand([a, b], () => a, {}, output)).toBe(1);
    expect(output.errors).toEqual([]);
    expect(output.lines[2]).toBe('summary: message files that could not be read');
    expect(output.lines.slice(3)).toEqual(['', 'message files B could not read (left out of the comparison):', '  agents/manager/outbox/000001-001-planner.md: is empty']);
  });
});
