import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { defaultOrg } from '../helpers/temp-org.js';

// Two variants whose names are as long as a name may be (64 characters) and alike but for their ends.
const FIRST = 'manager-whose-budget-is-cut-to-a-small-part-of-all-it-had-once-a';
const SECOND = 'manager-whose-budget-is-cut-to-a-small-part-of-all-it-had-once-b';

const STUDY = `name: long
turns: 6
repeats: 1
messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes written.
variants:
  - name: ${FIRST}
  - name: ${SECOND}
    resumes:
      manager: { credits: 0.004 }
`;

/** The labels of a chart's y axes, as its SVG writes them. */
function yLabels(svg: string): string[] {
  return svg
    .split('aria-label="Y-axis')
    .slice(1)
    .flatMap((axis) => [...axis.slice(axis.indexOf('role-axis-label'), axis.indexOf('role-axis-domain')).matchAll(/>([^<>]+)<\/text>/g)].map((match) => match[1] as string));
}

test("an experiment's charts name each variant whole, however long its name: two names alike but for their ends read apart", { timeout: 120_000 }, async () => {
  expect(FIRST).toHaveLength(64);
  const root = defaultOrg();
  writeFileSync(join(root, 'long.yaml'), STUDY);
  const result = await lemmingAsync(root, ['experiment', join(root, 'long.yaml'), '--plain']);
  expect(result.status).toBe(0);

  const report = readFileSync(join(root, 'experiments/long/report.svg'), 'utf8');
  // Each of the report's three panels (credits, messages, turns to idle) names both variants.
  expect(yLabels(report)).toEqual([FIRST, SECOND, FIRST, SECOND, FIRST, SECOND]);

  const credits = readFileSync(join(root, 'experiments/long/plots/credits.svg'), 'utf8');
  expect(yLabels(credits)).toEqual([`${FIRST} (n=1)`, `${SECOND} (n=1)`]);
});
