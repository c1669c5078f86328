import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { defaultOrg } from '../helpers/temp-org.js';

/**
 * The score is the judge's figure: the report's "What made this report" names the model that made
 * it, as it names the agents' models. Before, a study whose agents ran on one entry and whose judge
 * on another named only the agents' entry, so a score made by a model the report never named read
 * as the agents' model's.
 */

const STUDY = `name: graded
turns: 8
repeats: 2
messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes for version 2 written and checked.
judge:
  model: grader
  scale: 10
  rubric:
    - release notes for version 2
variants:
  - name: baseline
`;

const GRADER = `  grader:
    provider: offline
    model: offline-grader
    input_price: 1
    output_price: 1
    context_window: 32000
`;

interface Report {
  provenance: { models: Array<{ entry: string; provider: string; model: string; agents: string[] }> };
}

const SURVEY_ONLY = `name: asked
repeats: 2
survey:
  - question: How busy are you, from 1 to 5?
    number: true
variants:
  - name: baseline
`;

describe("every model that made an experiment's figures is named in what made its report", () => {
  test('the judge model is named beside the agents\' model, with what it made', { timeout: 300_000 }, async () => {
    const root = defaultOrg();
    const orgYaml = join(root, 'org/org.yaml');
    writeFileSync(orgYaml, readFileSync(orgYaml, 'utf8').replace(/^models:\n/m, `models:\n${GRADER}`));
    writeFileSync(join(root, 'graded.yaml'), STUDY);
    const result = await lemmingAsync(root, ['experiment', join(root, 'graded.yaml')]);
    expect(result.status, result.stderr).toBe(0);
    const folder = join(root, 'experiments/graded');
    // The judge was called, once a run, on its own entry.
    const judged = readFileSync(join(folder, 'ledger.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { model: string; purpose: string });
    expect(judged.map((line) => [line.model, line.purpose])).toEqual([['grader', 'judge'], ['grader', 'judge']]);

    const report = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as Report;
    expect(report.provenance.models.map((row) => [row.entry, row.provider, row.model, row.agents.includes('manager') ? 'agents' : row.agents.join(', ')])).toEqual([
      ['grader', 'offline', 'offline-grader', 'the judge (score)'],
      ['offline', 'offline', 'offline-1', 'agents'],
    ]);
    const markdown = readFileSync(join(folder, 'report.md'), 'utf8');
    expect(markdown).toMatch(/^\| grader \| offline \| offline-grader \| none: rules \| .* \| the judge \(score\) \|$/m);
    // The table's heading says what its rows are: the judge is no agent that answered.
    const heading = markdown.split('\n').filter((line) => line.startsWith('The model'));
    expect(heading).toEqual(["The model of each agent that answered and, in an experiment, of each judge that scored its runs (org/org.yaml `models`), with the temperature and seed its calls were sent:"]);
    expect(markdown).toContain('| entry | provider | model | temperature | seed | who answered |');
  });

  test("a survey's answers are figures too: a study that only asks names the agents' model, not 'no model made these figures'", { timeout: 300_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'asked.yaml'), SURVEY_ONLY);
    const result = await lemmingAsync(root, ['experiment', join(root, 'asked.yaml')]);
    expect(result.status, result.stderr).toBe(0);
    const folder = join(root, 'experiments/asked');
    const markdown = readFileSync(join(folder, 'report.md'), 'utf8');
    // Five agents answered in each run, and no agent was called for a turn.
    // Its interval kept on the scale the question names, and where it was cut said (survey/number-range.ts).
    expect(markdown).toMatch(/^\| baseline \| 10 \| [0-9.]+ \| [0-9.]+ \| \[.*\]( \(cut at [0-9. and]+\))? \| 2 runs \(t\) \|$/m);
    expect(markdown).toMatch(/^\| baseline-r1 \| idle \| 0 \| 0 \| 0 \| 0 \| 0 \| 0 \| none \|/m);
    expect(markdown).not.toContain('no model made these figures');
    const report = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as Report;
    expect(report.provenance.models.map((row) => [row.entry, row.model, row.agents])).toEqual([['offline', 'offline-1', ['coder_01', 'hr', 'janitor', 'manager', 'planner']]]);
  });
});
