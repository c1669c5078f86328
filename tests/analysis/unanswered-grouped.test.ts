import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { drawnFewOrg } from '../helpers/drawn-few-org.js';
import { tempDir } from '../helpers/temp-org.js';

/** What `lemming analyze --json` prints, as far as this test reads it. */
interface AnalysisJson {
  unanswered: Array<{ id: string; to: string }>;
  requests: Array<{ id: string }>;
  bottlenecks: Array<{ agent: string }>;
  heldWithMail: Array<{ agent: string }>;
}

/**
 * A populated org of 300 (no structure: each reports to the person, who may write to each), the person
 * writing to every one in sales, and activation drawing one agent in twenty a turn: most requests wait
 * on agents never called. The findings say so in a few lines, grouped by agent; `--json` and the CSV
 * keep every request.
 */
describe('analyze on a populated org where activation draws few', () => {
  test('the unanswered requests are a few grouped lines in the text, every one in --json and in the requests CSV', async () => {
    const root = await drawnFewOrg();

    const analysis = JSON.parse(lemming(root, ['analyze', '--json']).stdout) as AnalysisJson;
    const requests = analysis.unanswered.length + analysis.requests.length;
    expect(requests).toBe(150);
    expect(analysis.unanswered.length).toBeGreaterThan(100);

    const text = lemming(root, ['analyze']).stdout;
    const findings = text.slice(text.indexOf('## Findings'), text.indexOf('## MAST failure modes')).trim().split('\n');
    // Before: one line per unanswered request (more than a hundred).
    expect(findings.length).toBeLessThanOrEqual(25);
    const first = analysis.unanswered[0]!;
    expect(findings).toContain(`- **Unanswered requests**: ${analysis.unanswered.length} of ${requests}, to ${analysis.unanswered.length} agents, sent in turn(s) 0, open 2 turn(s) (MAST FM-3.1); by the agent each was sent to, the most first (every one in --json and the CSV's requests table):`);
    expect(findings).toContain(`  - ${first.to}: 1 (${first.id}); waiting on ${first.to} since turn 0`);
    expect(findings).toContain(`  - … ${analysis.unanswered.length - 10} more agents, ${analysis.unanswered.length - 10} requests`);
    // Their mail waited because activation did not draw them: held, not slow (before, 140 bottlenecks).
    expect(analysis.bottlenecks).toEqual([]);
    expect(findings.filter((line) => line.startsWith('- **Held with mail**'))).toHaveLength(10);
    expect(findings.at(-1)).toBe(`- … ${analysis.heldWithMail.length - 10} more agents held with mail (every one in --json)`);

    const csv = tempDir();
    expect(lemming(root, ['analyze', '--csv', csv]).status).toBe(0);
    const rows = readFileSync(join(csv, 'requests.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows).toHaveLength(requests);
    expect(rows.filter((row) => row.startsWith(`${first.id},${first.to},0,false,`))).toHaveLength(1);
  });
});
