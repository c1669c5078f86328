import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readLedgerFrom } from '../../src/engine/money/ledger.js';
import { describe, expect, it } from 'vitest';
import { calibrateOrg } from '../../src/calibrate/calibrate-org.js';
import { calibrateExperimentRuns } from '../../src/calibrate/calibrate-experiment.js';
import type { ExperimentOutcome } from '../../src/experiment/run-experiment.js';
import { cpSync, existsSync } from 'node:fs';
import { totalVariation, wasserstein } from '../../src/calibrate/distribution-distance.js';
import { streamSeed } from '../../src/random/seeded-random.js';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { defaultOrg, tempDir } from '../helpers/temp-org.js';
import { runExperiment } from '../../src/library/experiment.js';

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

const SIZE = 400;
const MOOD = ['very happy', 'pretty happy', 'not too happy'];
const LEGAL = ['legal', 'not legal'];
/** What the scripted people answer: women and men alike. */
const KNOWN = { mood: [0.4, 0.45, 0.15], legal: [0.6, 0.4] };
/** What the real people answered (counts): women, then men. */
const REAL = { mood: { female: [100, 200, 50], male: [80, 150, 70] }, legal: { female: [240, 60], male: [200, 100] } };

/** An org of SIZE people, half women, each with a persona, on a model the test scripts. */
function panel(): string {
  const root = tempDir();
  write(root, 'org/org.yaml', 'name: panel\nmodels:\n  scripted: { provider: offline, model: scripted-1, input_price: 1, output_price: 1, context_window: 32000 }\n');
  const chart = ['agents:', '  human: { reports_to: null, send_to: [], read_from: ["*"] }'];
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nYou.\n');
  for (let index = 0; index < SIZE; index += 1) {
    const name = `p${String(index).padStart(3, '0')}`;
    chart.push(`  ${name}: { reports_to: human, send_to: [human], read_from: [human] }`);
    write(root, `agents/${name}/resume.md`, `---\ntitle: Panel member\nmodel: scripted\ncredits: 1\npersona:\n  sex: ${index % 2 === 0 ? 'female' : 'male'}\n---\nAnswer as yourself.\n`);
  }
  write(root, 'org/chart.yaml', `${chart.join('\n')}\n`);
  return root;
}

function reference(folder: string): string {
  write(folder, 'ref.yaml', ['name: known', 'answers: answers.csv', 'questions:', '  - id: mood', '    text: How happy are you?', `    options: [${MOOD.join(', ')}]`, '    ordered: true', '  - id: legal', '    text: Should it be legal?', `    options: [${LEGAL.join(', ')}]`, ''].join('\n'));
  const rows = ['question,option,count,sex'];
  for (const sex of ['female', 'male'] as const) {
    MOOD.forEach((option, index) => rows.push(`mood,${option},${REAL.mood[sex][index]},${sex}`));
    LEGAL.forEach((option, index) => rows.push(`legal,"${option}",${REAL.legal[sex][index]},${sex}`));
  }
  write(folder, 'answers.csv', `${rows.join('\n')}\n`);
  return join(folder, 'ref.yaml');
}

/** Each agent answers the option its own draw from KNOWN lands on: the answers follow KNOWN. */
function scripted(requests: ProviderRequest[]) {
  return () =>
    new ScriptedProvider((request) => {
      requests.push(request);
      const prompt = request.messages.map((message) => (typeof message.content === 'string' ? message.content : '')).join('\n');
      const [options, shares] = prompt.includes('How happy') ? [MOOD, KNOWN.mood] : [LEGAL, KNOWN.legal];
      let at = streamSeed(7, `${request.agent} ${options[0]}`) / 2 ** 32;
      let option = 0;
      while (option < shares.length - 1 && at >= shares[option]!) at -= shares[option++]!;
      return { text: `${options[option]}\nBecause I am who I am.` };
    });
}

describe('distances between answer distributions', () => {
  it('total variation and Wasserstein on cases worked by hand', () => {
    expect(totalVariation([1, 0], [0, 1])).toBe(1);
    expect(totalVariation([30, 70], [0.5, 0.5])).toBeCloseTo(0.2, 12);
    // One option over costs half the scale on three options; end to end costs all of it; TV cannot tell them apart.
    expect(wasserstein([1, 0, 0], [0, 1, 0])).toBeCloseTo(0.5, 12);
    expect(wasserstein([1, 0, 0], [0, 0, 1])).toBeCloseTo(1, 12);
    expect(totalVariation([1, 0, 0], [0, 1, 0])).toBe(totalVariation([1, 0, 0], [0, 0, 1]));
  });
});

describe('lemming calibrate: simulated answers against real ones', () => {
  it('reports the distance of a known distribution from the real one within its interval, with its baselines and progress, and changes nothing in the org', async () => {
    const root = panel();
    const requests: ProviderRequest[] = [];
    const calibration = await calibrateOrg(root, reference(tempDir()), { providerFor: scripted(requests), seed: 3 });
    expect(requests).toHaveLength(SIZE * 2);
    expect(requests.every((request) => request.tools.length === 0)).toBe(true);
    expect(calibration.unreadable).toBe(0);

    const real = { mood: [180, 350, 120], legal: [440, 160] };
    // Worked by hand: mood's cumulative shares 180/650, 530/650 against 0.4, 0.85, over two gaps; legal's 440/600 against 0.6.
    const known = { mood: (Math.abs(180 / 650 - 0.4) + Math.abs(530 / 650 - 0.85)) / 2, legal: Math.abs(440 / 600 - 0.6) };
    for (const question of ['mood', 'legal'] as const) {
      const overall = calibration.comparisons.find((row) => row.question === question && row.group === 'all')!;
      expect(overall.real).toBe(real[question].reduce((sum, count) => sum + count, 0));
      expect(overall.simulated).toBe(SIZE);
      expect(overall.distance.interval[0]).toBeLessThanOrEqual(known[question]);
      expect(overall.distance.interval[1]).toBeGreaterThanOrEqual(known[question]);
      expect(Math.abs(overall.distance.value - known[question])).toBeLessThan(0.05);
      // Random is farther than the simulation, and is the real answers' own distance from answering each option alike.
      expect(overall.random.value).toBeGreaterThan(overall.distance.value);
      const shares = real[question].map((count) => count / real[question].reduce((sum, each) => sum + each, 0));
      const uniform = shares.map(() => 1 / shares.length);
      expect(Math.abs(overall.random.value - (question === 'mood' ? wasserstein(shares, uniform) : totalVariation(shares, uniform)))).toBeLessThan(0.02);
      // Progress from random towards answering as the real people do, with the interval the distance's gives.
      expect(overall.progress?.value).toBeCloseTo((100 * (overall.random.value - overall.distance.value)) / overall.random.value, 6);
      expect(overall.progress!.interval[0]).toBeLessThanOrEqual(overall.progress!.value);
      expect(overall.progress!.interval[1]).toBeGreaterThanOrEqual(overall.progress!.value);
      // A simulation this far off is told from the real people.
      expect(overall.pSame).toBeLessThan(0.05);
      // Everyone's answers are no baseline for everyone.
      expect(overall.overall).toBeUndefined();
    }
    // Grouped by the reference's attribute, as the agents' personas say: each group's own real answers.
    const women = calibration.comparisons.find((row) => row.question === 'legal' && row.group === 'sex=female')!;
    expect(women.simulated).toBe(SIZE / 2);
    expect(women.real).toBe(300);
    expect(women.realShares[0]).toBeCloseTo(0.8, 6);
    // The persona-ignoring baseline: women's real answers (0.8 yes) against everyone's (440 of 600).
    expect(Math.abs(women.overall!.value - Math.abs(0.8 - 440 / 600))).toBeLessThan(0.03);
    // The demographics-only baseline: each woman answered with the real women's answers is the real women's answers.
    expect(women.demographic!.value).toBeLessThan(0.01);
    // Beside the noise of 200 agents: the scripted women (60 % yes) are farther from the real ones (80 %) than everyone's answers (73 %).
    expect(women.noise).toBeGreaterThan(0.03);
    expect(women.noise).toBeLessThan(0.12);
    expect(women.personas).toBe('farther');
    const groups = calibration.summary!.groups!;
    expect(groups.rows).toBe(4);
    expect(groups.nearer + groups.farther + groups.indistinguishable).toBe(4);
    expect(readFileSync(join(calibration.folder!, 'report.md'), 'utf8')).toContain(`Groups: in ${groups.indistinguishable} of 4 group row(s) the distance is not distinguishable from answering every group with everyone's answers`);

    // No side effects: no message written; each call a research line of the ledger, no agent's charge.
    expect(readdirSync(join(root, 'agents/p000'))).not.toContain('outbox');
    // Read across its pieces (400 research lines pass the 64 KB of a piece), by the one ledger reader.
    const ledger = readLedgerFrom(join(root, 'org/state/ledger.jsonl'), 0).entries as Array<{ type: string; purpose?: string }>;
    expect(ledger).toHaveLength(SIZE * 2);
    expect(ledger.every((line) => line.type === 'research' && line.purpose === 'calibrate')).toBe(true);
    expect(readFileSync(join(calibration.folder!, 'report.md'), 'utf8')).toContain('of the way from random');
  }, 120_000);

  it('refuses a reference that names an option the question lacks, naming the file, line and valid options', async () => {
    const folder = tempDir();
    const path = reference(folder);
    write(folder, 'answers.csv', 'question,option,count,sex\nmood,ecstatic,3,female\n');
    await expect(calibrateOrg(panel(), path, { providerFor: scripted([]) })).rejects.toThrow(/answers\.csv: line 2: option: "ecstatic" is not an option of mood; use one of very happy, pretty happy, not too happy/);
  });

  it("an experiment's reference: each run's people answer it, and the report ends with each run's figures", async () => {
    const folder = tempDir();
    cpSync(panel(), join(folder, 'panel-r1'), { recursive: true });
    writeFileSync(join(folder, 'report.md'), '# the report\n');
    const outcome = { experiment: { reference: reference(tempDir()) }, folder, runs: [{ run: 'panel-r1', variant: 'panel' }], report: { markdown: join(folder, 'report.md') } } as unknown as ExperimentOutcome;
    const requests: ProviderRequest[] = [];
    const found = await calibrateExperimentRuns(outcome, { providerFor: scripted(requests) });
    expect(requests).toHaveLength(SIZE * 2);
    expect(existsSync(join(folder, 'panel-r1', 'calibration', 'known', 'report.md'))).toBe(true);
    const summary = found[0]!.calibration.summary!;
    expect(readFileSync(join(folder, 'report.md'), 'utf8')).toContain(`| panel-r1 | panel | ${summary.distance.toFixed(3)} | ${summary.random.toFixed(3)} | ${Math.round(summary.progress!)} % [${Math.round(summary.progressInterval![0])} %, ${Math.round(summary.progressInterval![1])} %] | ${summary.groups!.indistinguishable} of 4 | ${summary.groups!.overallInNoise} of 4 |`);
    expect(JSON.parse(readFileSync(join(folder, 'calibration.json'), 'utf8'))).toHaveLength(1);

    // The experiment run again (to finish other runs, or after a kill): a run calibrated already is not asked, or paid for, again.
    const again: ProviderRequest[] = [];
    const second = await calibrateExperimentRuns(outcome, { providerFor: scripted(again) });
    expect(again).toHaveLength(0);
    expect(second[0]!.calibration.summary).toEqual(summary);
  }, 120_000);

  it("runExperiment, as the library and `lemming experiment` call it, holds the finished runs to the file's reference:", async () => {
    const root = defaultOrg();
    const path = reference(tempDir());
    const file = join(tempDir(), 'held.yaml');
    writeFileSync(file, ['name: held', 'turns: 2', 'repeats: 1', `reference: ${path}`, 'messages:', '  - { to: manager, subject: Plan, body: Please plan the release. }', 'variants:', '  - name: baseline', ''].join('\n'));
    const lines: string[] = [];
    const outcome = await runExperiment({ file, root, log: (line) => lines.push(line) });
    expect(outcome.failed).toEqual([]);
    expect(lines).toContain('baseline: answering known');
    expect(existsSync(join(outcome.folder, 'baseline', 'calibration', 'known', 'report.json'))).toBe(true);
    expect(readFileSync(outcome.report.markdown, 'utf8')).toContain('## Calibration against known');
  }, 120_000);
});
