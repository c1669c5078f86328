import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { showCredits } from '../../src/format/format.js';
import { lemming } from '../helpers/cli.js';
import { defaultOrg, REPO_ROOT } from '../helpers/temp-org.js';

/*
 * What a survey of the agents cost, as the reports say it, recounted from the ledger's research lines:
 * each priced to a billionth of a credit, so their total is exact in billionths. `calibrate` added the
 * answers' credits as floats, and its report.json and --json said 0.021777499999999998.
 */

/** The research lines of one purpose, added in billionths, and how many there are. */
function research(root: string, purpose: string): { lines: number; credits: number } {
  const lines = readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { type: string; purpose?: string; credits: number })
    .filter((entry) => entry.type === 'research' && entry.purpose === purpose);
  return { lines: lines.length, credits: lines.reduce((sum, entry) => sum + Math.round(entry.credits * 1e9), 0) / 1e9 };
}

test("calibrate's research credits, in its --json and report.json, are the ledger's research lines added in billionths", () => {
  const root = defaultOrg();
  const result = lemming(root, ['calibrate', join(REPO_ROOT, 'data/gss-2018/reference.yaml'), '--json']);
  expect(result.status, result.stderr).toBe(0);
  const printed = JSON.parse(result.stdout) as { calls: number; credits: number };
  const kept = JSON.parse(readFileSync(join(root, 'calibration/gss-2018/report.json'), 'utf8')) as { credits: number };
  const ledger = research(root, 'calibrate');
  expect(ledger.lines).toBe(printed.calls);
  expect([printed.credits, kept.credits]).toEqual([ledger.credits, ledger.credits]);
});

test("ask says what its answers cost as the ledger's research lines add up, by the one credits formatter", () => {
  const root = defaultOrg();
  const result = lemming(root, ['ask', '--all', 'How busy are you, from 1 to 5?', '--number']);
  expect(result.status, result.stderr).toBe(0);
  const ledger = research(root, 'ask');
  expect(ledger.lines).toBe(5);
  // showCredits (src/format/format.ts): four decimals below 10 credits, as calibrate, populate and status say credits.
  expect(result.stdout).toContain(`\n5 answer(s); ${showCredits(ledger.credits)} credits charged to the research account (no agent's balance)\n`);
});
