import { describe, expect, test } from 'vitest';
import { lemming } from '../../helpers/cli.js';
import { drawnFewOrg } from '../../helpers/drawn-few-org.js';
import { chromiumForSuite, openView } from './chromium.js';
import { serve, viewUrl } from './serve-org.js';

/** What `lemming analyze --json` prints, as far as this test reads it. */
interface AnalysisJson {
  unanswered: Array<{ id: string; to: string }>;
  heldWithMail: Array<{ agent: string }>;
}

/** The little of the DOM the test reads inside the page (the tests compile without the DOM's types). */
interface InPage {
  childNodes: Iterable<{ nodeName: string; textContent: string | null }>;
}

/**
 * A populated org of 300 where activation draws one agent in twenty a turn and the person wrote to
 * the 150 in sales: most requests wait on agents never called. The Analysis tab shows the few grouped
 * lines `lemming analyze` prints, not a line a request (before: 140 unanswered requests and 140
 * agents whose mail waited, each a line of the page).
 */
describe("the dashboard's Analysis tab on a large org", () => {
  const chromium = chromiumForSuite();

  test('groups the findings as `lemming analyze` does, in the same lines', async () => {
    const root = await drawnFewOrg();
    const analysis = JSON.parse(lemming(root, ['analyze', '--json']).stdout) as AnalysisJson;
    expect(analysis.unanswered.length).toBeGreaterThan(100);
    expect(analysis.heldWithMail.length).toBeGreaterThan(100);

    // The CLI's findings, as the page writes them: no markdown, and the API where the CLI says --json.
    const text = lemming(root, ['analyze']).stdout;
    const printed = text.slice(text.indexOf('## Findings'), text.indexOf('## MAST failure modes')).trim().split('\n').slice(2);
    const asOnPage = (line: string): string =>
      line
        .replace(/^ {2}- /, '')
        .replace(/^- (\*\*([^*]+)\*\*)?/, '$2')
        .replace("--json and the CSV's requests table", 'the API, /api/analysis, and `lemming analyze --csv`')
        .replace('--json', 'the API, /api/analysis');
    const topLevel = printed.filter((line) => line.startsWith('- ')).map(asOnPage);
    const grouped = printed.filter((line) => line.startsWith('  - ')).map(asOnPage);
    expect(grouped).toHaveLength(11);

    const server = await serve(root);
    try {
      const { page: tab, errors } = await openView(chromium.browser, viewUrl(server.url, '#/analysis'));
      await tab.locator('#findings > li').first().waitFor();
      const pageLines = await tab.locator('#findings > li').evaluateAll((items) => (items as unknown as InPage[]).map((item) => [...item.childNodes].filter((node) => node.nodeName !== 'UL').map((node) => node.textContent).join('')));
      const pageGrouped = await tab.locator('#findings > li > ul > li').allTextContents();
      expect(pageLines).toEqual(topLevel);
      expect(pageGrouped).toEqual(grouped);
      expect(pageLines.length + pageGrouped.length).toBeLessThanOrEqual(25);
      expect(pageLines[0]).toMatch(/^Unanswered requests: \d+ of 150, to \d+ agents/);
      expect(pageLines.at(-1)).toBe(`… ${analysis.heldWithMail.length - 10} more agents held with mail (every one in the API, /api/analysis)`);
      expect(errors).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
