import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readExperiment } from '../../src/experiment/experiment-file.js';
import { tempDir } from '../helpers/org-files.js';

function experimentFile(extra: string): string {
  const folder = tempDir();
  const file = join(folder, 'study.yaml');
  writeFileSync(file, `name: study\nmessages: [{ to: manager, body: Notes please. }]\nchecks:\n  - { name: tested, run: 'grep -q pass "$SHARED/answer.md"' }\nvariants: [{ name: baseline }]\n${extra}`);
  return file;
}

describe('an experiment held against reality: blame: and reference:', () => {
  it('reads blame: with its defaults and reference: beside the file', () => {
    const file = experimentFile('blame: { check: tested, path: true }\nreference: gss/reference.yaml\n');
    const experiment = readExperiment(file, (base) => base);
    expect(experiment.blame).toEqual({ check: 'tested', k: 3, path: true, seed: 1 });
    expect(experiment.reference).toBe(join(file, '..', 'gss/reference.yaml'));
  });

  it('blame: takes a ceiling on its forks\' credits, max_credits, and refuses one that is none', () => {
    expect(readExperiment(experimentFile('blame: { check: tested, max_credits: 2.5 }\n'), (base) => base).blame).toMatchObject({ maxCredits: 2.5 });
    expect(() => readExperiment(experimentFile('blame: { check: tested, max_credits: 0 }\n'), (base) => base)).toThrow(/blame\.max_credits: is a number of credits above 0, for example `max_credits: 2\.5`/);
  });

  it('refuses a blame: naming a check the experiment does not have, with the file, line and the checks it has', () => {
    const file = experimentFile('blame: { check: answered }\n');
    expect(() => readExperiment(file, (base) => base)).toThrow(/study\.yaml:6: blame\.check: "answered" is not a check of the experiment; use one of tested/);
  });

  it('a blame: field out of range says what a valid one looks like', () => {
    expect(() => readExperiment(experimentFile('blame: { check: tested, k: 0 }\n'), (base) => base)).toThrow(/blame\.k: is 1 to 50, for example `k: 3`/);
    // controls: 0 runs none; left out, blame runs k of them.
    expect(readExperiment(experimentFile('blame: { check: tested, controls: 0 }\n'), (base) => base).blame).toMatchObject({ controls: 0 });
    expect(readExperiment(experimentFile('blame: { check: tested }\n'), (base) => base).blame).not.toHaveProperty('controls');
    expect(() => readExperiment(experimentFile('blame: { check: tested, controls: -1 }\n'), (base) => base)).toThrow(/blame\.controls: is 0 to 50, for example `controls: 3` \(0 runs no control\)/);
    expect(() => readExperiment(experimentFile('blame: { check: tested, seed: -1 }\n'), (base) => base)).toThrow(/blame\.seed: is 0 to 2147482648, for example `seed: 1`/);
    expect(() => readExperiment(experimentFile('reference: 3\n'), (base) => base)).toThrow(/reference: is the reference file, beside the experiment file/);
  });
});

describe('an experiment that only asks', () => {
  function bare(extra: string): string {
    const folder = tempDir();
    const file = join(folder, 'asked.yaml');
    writeFileSync(file, `name: asked\nvariants: [{ name: baseline }]\n${extra}`);
    return file;
  }

  it('needs no opening message when it has a survey: the org is asked as it stands', () => {
    const experiment = readExperiment(bare('survey:\n  - { question: Where do you work best?, choices: [office, remote] }\n'), (base) => base);
    expect(experiment.survey.map((setting) => setting.question.text)).toEqual(['Where do you work best?']);
  });

  it('without one, is refused with a fix that names no agent the org may not have', () => {
    expect(() => readExperiment(bare(''), (base) => base)).toThrow(/asked\.yaml:2: variants\.0\.messages: no opening message: add `messages: \[\{ to: AGENT, body: "…" \}\]` to the experiment or to this variant, naming an agent of the org \(`lemming status` lists them\), or ask the org as it stands with `survey:`/);
  });
});
