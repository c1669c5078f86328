import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { defaultOrg } from '../helpers/temp-org.js';

/*
 * One run of an experiment (the default org asked for the release notes by the person, 2 turns on the
 * offline model), read two ways. The experiment's `messages` counts what the agents sent; analyze's
 * header counts every message file the outboxes hold, the person's opening one too. Before, the header
 * said only "3 messages" where runs.csv said 2, and a reader comparing them was misled; now it says how
 * many of them are the person's, and the rest is the experiment's count.
 */

const STUDY = `name: study
turns: 2
repeats: 1
messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes for version 2 written and checked.
variants:
  - name: baseline
`;

test("analyze's header says how many of its messages are the person's, the rest being what an experiment counts", { timeout: 300_000 }, async () => {
  const root = defaultOrg();
  writeFileSync(join(root, 'study.yaml'), STUDY);
  const tables = join(root, 'tables');
  const experiment = await lemmingAsync(root, ['experiment', join(root, 'study.yaml'), '--plain', '--csv', tables]);
  expect(experiment.status, experiment.stderr).toBe(0);
  const [row] = readTablesFolder(tables).runs ?? [];
  const sent = Number(row?.messages);
  expect(sent).toBeGreaterThan(0);

  const run = join(root, 'experiments/study', row!.run!);
  const analysed = lemming(run, ['analyze']);
  expect(analysed.status, analysed.stderr).toBe(0);
  expect(analysed.stdout).toContain(`(turn 2, ${sent + 1} messages, 1 of them the person's)`);
  const json = JSON.parse(lemming(run, ['analyze', '--json']).stdout) as { messages: number; personMessages: number };
  expect([json.messages, json.personMessages]).toEqual([sent + 1, 1]);
});
