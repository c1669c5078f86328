import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { conservationProblems } from '../../src/engine/money/conservation.js';
import { readLedgerFrom, type LedgerEntry } from '../../src/engine/money/ledger.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { tInterval } from '../../src/statistics/student-t.js';
import { mean } from '../../src/statistics/summary.js';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { allFiles } from '../helpers/org-snapshot.js';
import { defaultOrg, read } from '../helpers/temp-org.js';

/** Every file of the org but the ledger (and the machine-local cache), with its bytes. */
function orgFiles(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const file of allFiles(root)) {
    if (file === 'org/state/ledger.jsonl' || file.startsWith('org/state/cache/') || file.startsWith('org/state/lock')) continue;
    files[file] = readFileSync(join(root, file), 'utf8');
  }
  return files;
}

function ledger(root: string): LedgerEntry[] {
  return readLedgerFrom(join(root, 'org/state/ledger.jsonl'), 0).entries;
}

/** What `lemming status --json` says each agent holds. */
function balances(root: string): Record<string, number> {
  const status = JSON.parse(lemming(root, ['status', '--json']).stdout) as { agents: Array<{ name: string; balance: number | null }> };
  return Object.fromEntries(status.agents.map((agent) => [agent.name, agent.balance ?? 0]));
}

describe('surveys', () => {
  test('lemming ask on the built CLI: answers printed and parsed, nothing delivered, no note or balance changed, the research line charged', { timeout: 120_000 }, async () => {
    const root = defaultOrg();
    expect(lemming(root, ['send', 'manager', 'Please get the release notes for version 2 written and checked.']).status).toBe(0);
    expect((await lemmingAsync(root, ['run'])).status).toBe(0);
    const before = orgFiles(root);
    const held = balances(root);
    const lines = ledger(root).length;

    const chosen = lemming(root, ['ask', '--all', 'Which matters more now, the tests or the release notes?', '--choices', 'tests,release notes']);
    expect(chosen.stderr).toBe('');
    expect(chosen.status).toBe(0);
    for (const agent of ['coder_01', 'hr', 'janitor', 'manager', 'planner']) expect(chosen.stdout).toMatch(new RegExp(`^${agent} \\[(tests|release notes)\\]: (tests|release notes)$`, 'm'));
    expect(chosen.stdout).toMatch(/^5 answer\(s\); [\d.]+ credits charged to the research account \(no agent's balance\)$/m);
    // Under the answers, their tally: each choice's count and share with its Wilson interval.
    const picked = ['tests', 'release notes'].map((choice) => (chosen.stdout.match(new RegExp(`^\\w+ \\[${choice}\\]:`, 'gm')) ?? []).length);
    const share = (count: number) => Math.round((count / 5) * 1e6) / 1e6;
    expect(chosen.stdout).toContain(`tally of 5 answer(s) read: tests ${picked[0]} (${share(picked[0] ?? 0)} [`);
    expect(chosen.stdout).toContain(`, release notes ${picked[1]} (${share(picked[1] ?? 0)} [`);
    // The offline model answers the same question the same way.
    expect(lemming(root, ['ask', '--all', 'Which matters more now, the tests or the release notes?', '--choices', 'tests,release notes']).stdout).toBe(chosen.stdout);

    const numeric = lemming(root, ['ask', 'planner', 'How busy are you, from 1 to 5?', '--number', '--json']);
    expect(numeric.status).toBe(0);
    const answered = JSON.parse(numeric.stdout) as { question: { text: string; number: boolean }; answers: Array<{ agent: string; raw: string; number: number; credits: number }> };
    expect(answered.question).toEqual({ text: 'How busy are you, from 1 to 5?', number: true });
    // One answer: its mean is the number, with no interval (a t interval needs two).
    expect((answered as unknown as { tally: unknown }).tally).toEqual({ asked: 1, read: 1, unreadable: 0, numbers: { mean: answered.answers[0]?.number, ci: null } });
    const [planner] = answered.answers;
    expect(planner?.agent).toBe('planner');
    expect(planner?.number).toBeGreaterThanOrEqual(1);
    expect(planner?.number).toBeLessThanOrEqual(5);
    expect(planner?.raw.split('\n')[0]).toBe(String(planner?.number));

    const role = lemming(root, ['ask', '--role', 'planner', 'What are you working on?']);
    expect(role.status).toBe(0);
    expect(role.stdout).toMatch(/^planner: I am planner, Planner: breaks work into tasks\. My latest mail is "Re: /m);

    // Nothing of the org changed: no message, no note, no log, no state but the ledger's new lines.
    expect(orgFiles(root)).toEqual(before);
    expect(balances(root)).toEqual(held);
    const added = ledger(root).slice(lines);
    expect(added.map((entry) => [entry.type, entry.agent, 'purpose' in entry ? entry.purpose : undefined])).toEqual([
      // The choice question, asked twice, of every agent; then the planner's two.
      ...['coder_01', 'hr', 'janitor', 'manager', 'planner'].map((agent) => ['research', agent, 'ask']),
      ...['coder_01', 'hr', 'janitor', 'manager', 'planner'].map((agent) => ['research', agent, 'ask']),
      ['research', 'planner', 'ask'],
      ['research', 'planner', 'ask'],
    ]);
    expect(added.every((entry) => entry.credits > 0)).toBe(true);
    // Money is still conserved, with the balances lemming reports.
    const org = loadOrg(root).org;
    const budgets = new Map([...org.agents.values()].filter((agent) => !agent.isHuman).map((agent) => [agent.name, agent.credits]));
    expect(conservationProblems({ budgets, entries: ledger(root), hires: new Map(), balances: new Map(Object.entries(held).filter(([name]) => name !== 'human')) })).toEqual([]);

    // Clear errors, exit 2.
    const unknown = lemming(root, ['ask', 'nobody', 'Hello?']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('"nobody" is not an agent the engine calls; ask one of coder_01, hr, janitor, manager, planner, or --all');
    expect(lemming(root, ['ask', '--all', 'Pick', '--choices', 'one']).stderr).toContain('--choices needs at least two');
  });

  test("an experiment's survey reaches no inbox, no note and no balance; the report tabulates it per variant", { timeout: 180_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(
      join(root, 'survey.yaml'),
      `name: survey
turns: 20
repeats: 2
messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes for version 2 written and checked.
survey:
  - question: Which matters more now, the tests or the release notes?
    choices: [tests, release notes]
    after_turn: 2
  - question: How busy are you, from 1 to 5?
    number: true
variants:
  - name: baseline
  - name: no-planner
    chart:
      manager: { send_to: [human, hr, janitor] }
`,
    );
    // The same study without the survey: what the runs do when nobody asks them anything.
    writeFileSync(join(root, 'quiet.yaml'), read(root, 'survey.yaml').replace('name: survey', 'name: quiet').replace(/survey:\n[\s\S]*?variants:/, 'variants:'));
    expect((await lemmingAsync(root, ['experiment', join(root, 'survey.yaml')])).status).toBe(0);
    expect((await lemmingAsync(root, ['experiment', join(root, 'quiet.yaml')])).status).toBe(0);

    for (const run of ['baseline-r1', 'baseline-r2', 'no-planner-r1', 'no-planner-r2']) {
      const asked = join(root, 'experiments/survey', run);
      const quiet = join(root, 'experiments/quiet', run);
      // No inbox, note, log or chart saw the questions: every file of the org is as in the run nobody asked (stamps aside).
      const strip = (files: Record<string, string>): Record<string, string> =>
        Object.fromEntries(
          Object.entries(files)
            .filter(([file]) => !file.startsWith('experiment-') && !file.startsWith('org/state/history') && file !== 'org/state/engine.json' && !file.includes('/logs/traces/'))
            .map(([file, text]) => [file, text.replace(/^created: .*$/gm, '').replace(/"(at|created|preparedAt)":"[^"]*"/g, '').replace(/"(durationMs|ms)":[\d.]+/g, '')]),
        );
      expect(strip(orgFiles(asked))).toEqual(strip(orgFiles(quiet)));
      // The agents' money is what it was without the survey; the survey's calls are research lines.
      const charges = (entries: LedgerEntry[]): string[] => entries.filter((entry) => entry.type !== 'research').map((entry) => JSON.stringify({ ...entry, at: '' }));
      expect(charges(ledger(asked))).toEqual(charges(ledger(quiet)));
      expect(balances(asked)).toEqual(balances(quiet));
      const research = ledger(asked).filter((entry) => entry.type === 'research');
      expect(research.length).toBe(10);
      expect(research.every((entry) => 'purpose' in entry && entry.purpose === 'survey' && entry.credits > 0)).toBe(true);
      // The first question was asked after turn 2, the second at the end.
      const rounds = JSON.parse(read(asked, 'experiment-survey.json')) as Array<{ index: number; due: number | string; askedAfterTurn: number; answers: unknown[] }>;
      expect(rounds.map((round) => [round.index, round.due, round.askedAfterTurn, round.answers.length])).toEqual([
        [0, 2, 2, 5],
        [1, 'end', run.startsWith('baseline') ? 5 : 3, 5],
      ]);
    }

    // The report: counts per choice, and for the number n, the mean over the runs and its t interval over them (the runs are the unit).
    const report = JSON.parse(read(root, 'experiments/survey/report.json')) as {
      survey: Array<{ question: string; kind: string; variants: Array<{ variant: string; answers: number; counts?: Record<string, number>; numbers?: { n: number; mean: number; ci: [number, number]; unit: string; units: number } }> }>;
      runs: Array<{ variant: string; survey: Array<{ index: number; answers: Array<{ number?: number; choice?: string }> }> }>;
    };
    const [choices, numbers] = report.survey;
    expect(choices?.kind).toBe('choices');
    for (const cell of choices?.variants ?? []) {
      expect(cell.answers).toBe(10);
      expect(Object.values(cell.counts ?? {}).reduce((sum, count) => sum + count, 0)).toBe(10);
    }
    for (const cell of numbers?.variants ?? []) {
      const runMeans = report.runs.filter((run) => run.variant === cell.variant).map((run) => mean(run.survey.find((round) => round.index === 1)?.answers.map((answer) => answer.number as number) ?? []));
      expect(cell.numbers?.n).toBe(10);
      expect([cell.numbers?.unit, cell.numbers?.units]).toEqual(['run', 2]);
      expect(cell.numbers?.mean).toBeCloseTo(mean(runMeans), 12);
      // The t interval over the runs, kept on the scale the question names, 1 to 5 (two runs reach past it often).
      const [low, high] = tInterval(runMeans);
      expect(cell.numbers?.ci).toEqual([Math.max(1, low), Math.min(5, high)]);
    }
    const markdown = read(root, 'experiments/survey/report.md');
    expect(markdown).toContain('## Survey');
    expect(markdown).toContain('| variant | answers | tests | release notes |');
    expect(markdown).toMatch(/\| baseline \| 10 \| \d+ \| \d+ \|/);
    expect(markdown).toContain('| variant | n | mean | sd | 95% interval | over |');
    expect(markdown).toMatch(/\| baseline \| 10 \| [^|]+ \| [^|]+ \| [^|]+ \| 2 runs \(t\) \|/);
  });
});
