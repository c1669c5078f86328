import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { readExperiment } from '../../src/experiment/experiment-file.js';
import { prepareRun } from '../../src/experiment/prepare-run.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { listMessageFiles } from '../../src/mailbox/message-file.js';
import { defaultOrg, tempDir } from '../helpers/temp-org.js';

const PEOPLE = `name: panel
seed: 5
size: 12
attributes:
  stance: { shares: { keen: 0.5, wary: 0.5 } }
structure: { team_size: 3 }
roles:
  lead: { title: "Lead: runs a team", model: offline, credits: 0.5 }
  member: { title: "Member: a {stance} voice", model: offline, credits: 0.2 }
`;

test('a variant with `population:` runs in an org of the spec\'s people, with the base\'s settings and models; a broken spec is refused before anything runs, naming it', async () => {
  const base = defaultOrg();
  const folder = tempDir();
  writeFileSync(join(folder, 'people.yaml'), PEOPLE);
  const file = join(folder, 'study.yaml');
  writeFileSync(file, 'name: study\nmessages: [{ to: agent_00001, body: "Please tell me what your team thinks." }]\nvariants:\n  - name: baseline\n  - name: panel\n    population: people.yaml\n    resumes: { "*": { credits: 0.3 } }\n');
  const experiment = readExperiment(file, () => base);
  const variant = experiment.variants[1];
  expect(variant?.population).toBe(join(folder, 'people.yaml'));

  const root = join(tempDir(), 'panel');
  await prepareRun(experiment, base, variant as NonNullable<typeof variant>, root, 1);
  const { org } = loadOrg(root);
  const people = [...org.agents.values()].filter((agent) => !agent.isHuman);
  expect(people).toHaveLength(12);
  expect(people.filter((agent) => agent.persona?.stance === 'keen')).toHaveLength(6);
  // The variant's other changes apply on top of the population; the registry is the base's.
  expect(people.every((agent) => agent.credits === 0.3)).toBe(true);
  expect(Object.keys(org.models)).toEqual(Object.keys(loadOrg(base).org.models));
  expect(listMessageFiles(root, 'human')).toHaveLength(1);

  writeFileSync(join(folder, 'people.yaml'), PEOPLE.replace('keen: 0.5', 'keen: 0.4'));
  expect(() => readExperiment(file, () => base)).toThrow(/study\.yaml:\d+: variants\.1\.population: variant "panel": population: people\.yaml:5: attributes\.stance\.shares: add up to 0\.9/);
});
