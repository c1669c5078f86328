import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { RELEASE_NOTES_TASK } from '../helpers/release-notes-study.js';
import { defaultOrg } from '../helpers/temp-org.js';

/**
 * Two variants whose answer is set by the org's own limits, on the default org and the offline model:
 * - `ceiling`: the whole org may spend a millionth of a credit, less than any call costs. The
 *   manager's call in turn 1 is planned under it and passes it; from turn 2 every agent with mail is
 *   held at the ceiling, and the run ends held (by the ceiling) with one call made and the person unanswered.
 * - `nobody`: one activation rule over every agent, drawing each with probability 0.000001: nobody
 *   is drawn, no call is made, and the run goes to its turn cap.
 * Before, report.md said of both only counts in the refusals table (and `ceiling` read `idle`, as a
 * run that finished its work does, in runs.csv, report.md and report.json, and counted in the idle
 * runs and turns to idle); its caveats, which said calls at engine.max_steps, said neither.
 */

const STUDY = `name: limits
turns: 4
${RELEASE_NOTES_TASK}variants:
  - name: baseline
  - name: ceiling
    org: { budget: { credits: 0.000001 } }
  - name: nobody
    org: { engine: { activation: { rules: [ { match: {}, probability: 0.000001 } ] } } }
`;

describe('an experiment whose runs a ceiling and an activation rule decided', () => {
  test('report.md, provenance.csv and each run\'s analyze say which limit decided, with its setting', { timeout: 300_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'limits.yaml'), STUDY);
    const result = await lemmingAsync(root, ['experiment', join(root, 'limits.yaml'), '--csv', join(root, 'tables')]);
    expect(result.status, result.stderr).toBe(0);
    const folder = join(root, 'experiments/limits');
    const tables = readTablesFolder(join(root, 'tables'));
    const run = (name: string): Record<string, string> => tables.runs?.find((row) => row.run === name) ?? {};

    // The planted outcomes: the ceiling lets the first call through and no other; the rule draws nobody.
    expect([run('ceiling').calls, run('ceiling').ended, run('ceiling').held_by, run('ceiling').turns_to_idle, run('ceiling').human_answer_turn]).toEqual(['1', 'held', 'ceiling', '', '']);
    expect([run('baseline').ended, run('baseline').held_by]).toEqual(['turn-cap', '']);
    const variant = (name: string): Record<string, string> => tables.variants?.find((row) => row.variant === name) ?? {};
    expect([variant('ceiling').idle, variant('ceiling').held, variant('ceiling').turns_to_idle, variant('baseline').idle, variant('baseline').held]).toEqual(['0', '1', '', '0', '0']);
    expect(readFileSync(join(root, 'tables', 'dictionary.csv'), 'utf8')).toContain('held (mail was left only for agents a limit held');
    const held = Number(run('ceiling').refusals_ceiling);
    expect(held).toBeGreaterThan(0);
    expect([run('nobody').calls, run('nobody').ended, run('nobody').refusals_activation]).toEqual(['0', 'turn-cap', tables.activation?.find((row) => row.run === 'nobody')?.governed]);
    const governed = Number(run('nobody').refusals_activation);
    expect(tables.activation?.find((row) => row.run === 'nobody')?.drawn).toBe('0');

    const ceilingSaid = `${held} agent-turn(s) with mail in 1 of 1 run(s) not called, at a budget ceiling (org/org.yaml budget: 0.000001 credits), their mail left waiting: the figures measure that limit too`;
    const nobodySaid = `activation rule 1 (every agent) drew none of the ${governed} agent-turn(s) with work it governed in 1 of 1 run(s): none of its agents acted, and the figures measure the rule (org/org.yaml engine.activation)`;
    const markdown = readFileSync(join(folder, 'report.md'), 'utf8');
    // report.md's Variants table counts it held, not idle; its Runs table says by what; report.json the same.
    expect(markdown).toMatch(/\n\| ceiling \| 1 \| 0\/1 \| 1\/1 \| – \|/);
    expect(markdown).toMatch(/\n\| ceiling \| held \(ceiling\) \|/);
    const json = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as { runs: Array<{ run: string; ended: string; heldBy?: string[] }>; variants: Array<{ variant: string; idle: number; held: number }> };
    expect(json.runs.find((entry) => entry.run === 'ceiling')).toMatchObject({ ended: 'held', heldBy: ['ceiling'] });
    expect(json.variants.find((entry) => entry.variant === 'ceiling')).toMatchObject({ idle: 0, held: 1 });
    const caveats = markdown.slice(markdown.indexOf('What the figures cannot support:')).split('\n').filter((line) => line.startsWith('- `'));
    expect(caveats).toEqual([`- \`ceiling\`: ${ceilingSaid} (runs.csv \`refusals_<cause>\`).`, `- \`nobody\`: ${nobodySaid} (activation.csv).`]);
    // The same words in provenance.csv, a row each.
    expect(tables.provenance?.filter((row) => row.kind === 'caveat' && row.value?.startsWith('`')).map((row) => row.value)).toEqual(caveats.map((line) => line.slice(2)));

    // `lemming analyze` of each run says it of that run, in its text and its JSON; of the baseline, nothing.
    for (const [name, said] of [['ceiling', ceilingSaid.replace(' in 1 of 1 run(s)', '')], ['nobody', nobodySaid.replace(' in 1 of 1 run(s)', '')]] as const) {
      const text = await lemmingAsync(join(folder, name), ['analyze']);
      expect(text.status, text.stderr).toBe(0);
      expect(text.stdout).toContain(`What the figures cannot support:\n\n- ${said}.`);
      const json = await lemmingAsync(join(folder, name), ['analyze', '--json']);
      expect((JSON.parse(json.stdout) as { provenance: { caveats: string[] } }).provenance.caveats).toEqual([`${said}.`]);
    }
    const baseline = await lemmingAsync(join(folder, 'baseline'), ['analyze']);
    expect(baseline.stdout).not.toContain('What the figures cannot support:');
  });
});
