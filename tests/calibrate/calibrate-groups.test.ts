import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrateOrg, type Calibration } from '../../src/calibrate/calibrate-org.js';
import { readReference } from '../../src/calibrate/reference-file.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { populate } from '../../src/population/populate.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { streamSeed } from '../../src/random/seeded-random.js';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import { DEFAULT_ORG, tempDir } from '../helpers/temp-org.js';

/*
 * What a calibration by group is for, on the shipped data as docs/validation.md's worked example runs it:
 * the panel populated from data/gss-2018/people.yaml (200 people by sex and education) against
 * data/gss-2018/respondents.yaml (the GSS 2018's people one by one, at their effective size), answered by
 * two scripted simulators. The perfect one answers as the real people of its persona's own cell (sex and
 * education) do, a draw from their weighted answers; the persona-blind one as everyone does. Where groups
 * differ (political views, class: 0.05 to 0.1 between the educated and the rest) the group rows can tell
 * the two apart; where they do not (happiness by sex) no simulator can show anything.
 */
const REFERENCE = 'data/gss-2018/respondents.yaml';

/** Each question's weighted answers, by cell key (`sex|degree`, or `all`). */
function cellShares(): Map<string, Map<string, number[]>> {
  const reference = readReference(REFERENCE);
  const shares = new Map<string, Map<string, number[]>>();
  for (const question of reference.questions) {
    const byCell = new Map<string, number[]>();
    for (const person of reference.people!) {
      const answer = person.answers[question.id];
      if (answer === undefined) continue;
      for (const key of [`${person.attributes.sex}|${person.attributes.degree}`, 'all']) {
        const counts = byCell.get(key) ?? question.options.map(() => 0);
        counts[question.options.indexOf(answer)]! += person.weight;
        byCell.set(key, counts);
      }
    }
    shares.set(question.text, byCell);
  }
  return shares;
}

/** A simulator that answers each question with a draw from its cell's real answers (`blind`: everyone's). */
function simulator(root: string, blind: boolean) {
  const shares = cellShares();
  const options = new Map(readReference(REFERENCE).questions.map((question) => [question.text, question.options]));
  const personas = new Map([...loadOrg(root).org.agents.values()].map((agent) => [agent.name, agent.persona ?? {}]));
  return () =>
    new ScriptedProvider((request: ProviderRequest) => {
      const prompt = request.messages.map((message) => (typeof message.content === 'string' ? message.content : '')).join('\n');
      const text = [...shares.keys()].find((question) => prompt.includes(question))!;
      const persona = personas.get(request.agent ?? '')!;
      const counts = shares.get(text)!.get(blind ? 'all' : `${persona.sex}|${persona.degree}`)!;
      const total = counts.reduce((sum, count) => sum + count, 0);
      let at = (streamSeed(3, `${request.agent} ${text}`) / 2 ** 32) * total;
      let option = 0;
      while (option < counts.length - 1 && at >= counts[option]!) at -= counts[option++]!;
      return { text: `${options.get(text)![option]}\nAs I would.` };
    });
}

function nearer(calibration: Calibration, questions?: readonly string[]): number {
  return calibration.comparisons.filter((row) => row.personas === 'nearer' && (questions === undefined || questions.includes(row.question))).length;
}

describe('calibration by group, against respondents.yaml: what it can tell apart', () => {
  it('a perfect simulator is nearer than ignoring personas in more group rows than a persona-blind one, on the questions whose groups differ', async () => {
    const root = join(tempDir(), 'panel');
    await populate('data/gss-2018/people.yaml', root, { template: DEFAULT_ORG });
    const perfect = await calibrateOrg(root, REFERENCE, { providerFor: simulator(root, false), folder: join(root, 'perfect') });
    const blind = await calibrateOrg(root, REFERENCE, { providerFor: simulator(root, true), folder: join(root, 'blind') });
    const differing = ['polviews', 'class'];
    // The verdicts are called with the false discovery rate held across the 48 group rows.
    expect(perfect.summary!.groups!.rows).toBe(48);
    expect(nearer(perfect, differing)).toBeGreaterThan(nearer(blind, differing));
    expect(perfect.summary!.groups!.farther).toBeLessThanOrEqual(blind.summary!.groups!.farther);
    // Each row at 5 % alone would call 10 of the perfect simulator's rows nearer; held to the rate, 2 (health and class
    // among college graduates), and none of the persona-blind one's: at 200 agents few groups differ by more than a panel's noise.
    const alone = (calibration: Calibration): number => calibration.comparisons.filter((row) => row.pBeyond! < 0.05 && row.beyondOverall!.value < 0).length;
    expect(alone(perfect)).toBeGreaterThanOrEqual(5);
    expect(nearer(perfect)).toBeGreaterThanOrEqual(1);
    expect(nearer(blind)).toBe(0);
  }, 300_000);
});
