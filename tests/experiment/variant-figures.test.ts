import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { defaultOrg } from '../helpers/temp-org.js';

/*
 * A variant's mean credits and messages per run are one figure, given in variants.csv (and report.md's
 * Variants, report.json's variants) and in metrics.csv (and report.json's statistics). Before, the
 * first was rounded to a millionth and the second to a billionth: four seeded repeats that spent
 * 0.0504225, 0.0529275, 0.0529275 and 0.0102675 credits read 0.041638 in one and 0.0416375 in the other.
 */

const STUDY = `name: study
turns: 20
repeats: 4
seed: 7
variability: 0.5
messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes for version 2 written and checked.
variants:
  - name: baseline
`;

/** A run's charges, by agent, in billionths, read from its ledger as a person would. */
function chargedNano(run: string): Map<string, number> {
  const byAgent = new Map<string, number>();
  for (const line of readFileSync(join(run, 'org/state/ledger.jsonl'), 'utf8').split('\n')) {
    if (line === '') continue;
    const entry = JSON.parse(line) as { type: string; agent: string; credits: number };
    if (entry.type === 'charge') byAgent.set(entry.agent, (byAgent.get(entry.agent) ?? 0) + Math.round(entry.credits * 1e9));
  }
  return byAgent;
}

test("a variant's mean credits and messages per run read the same in variants.csv, metrics.csv and report.json, as the ledgers give them", { timeout: 300_000 }, async () => {
  const root = defaultOrg();
  writeFileSync(join(root, 'study.yaml'), STUDY);
  const result = await lemmingAsync(root, ['experiment', join(root, 'study.yaml'), '--plain', '--csv', join(root, 'tables')]);
  expect(result.status, result.stderr).toBe(0);
  const folder = join(root, 'experiments/study');
  const runs = readdirSync(folder).filter((name) => /^baseline-r\d+$/.test(name));
  expect(runs).toHaveLength(4);
  const ledgers = runs.map((run) => chargedNano(join(folder, run)));
  const total = (byAgent: Map<string, number>): number => [...byAgent.values()].reduce((sum, nano) => sum + nano, 0);
  const meanCredits = ledgers.reduce((sum, byAgent) => sum + total(byAgent), 0) / runs.length / 1e9;
  expect(new Set(ledgers.map(total)).size, 'the repeats differ').toBeGreaterThan(1);

  const tables = readTablesFolder(join(root, 'tables'));
  const variant = tables.variants?.[0];
  const metric = (name: string) => tables.metrics?.find((row) => row.metric === name && row.variant === 'baseline');
  expect(Number(metric('credits')?.mean)).toBe(meanCredits);
  expect(Number(variant?.credits)).toBe(meanCredits);
  expect(variant?.messages).toBe(metric('messages')?.mean);

  const report = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as { variants: Array<{ credits: number; messages: number; creditsByAgent: Record<string, number> }> };
  expect(report.variants[0]?.credits).toBe(meanCredits);
  expect(report.variants[0]?.messages).toBe(Number(metric('messages')?.mean));
  const agents = [...new Set(ledgers.flatMap((byAgent) => [...byAgent.keys()]))];
  for (const agent of agents) expect(report.variants[0]?.creditsByAgent[agent], agent).toBe(Math.round(ledgers.reduce((sum, byAgent) => sum + (byAgent.get(agent) ?? 0), 0) / runs.length) / 1e9);
});
