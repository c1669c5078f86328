import { describe, expect, test } from 'vitest';
import { lemming } from '../../helpers/cli.js';
import { troubledOrg } from '../../helpers/hand-built-org.js';
import { chromiumForSuite } from './chromium.js';
import { serve, viewUrl } from './serve-org.js';

describe("the dashboard's Analysis tab", () => {
  const chromium = chromiumForSuite();

  test('shows the figures `lemming analyze` gives for the org it serves: the same findings, load, edges and request paths', async () => {
    const org = troubledOrg();
    const printed = JSON.parse(lemming(org.root, ['analyze', '--json']).stdout) as unknown;
    const server = await serve(org.root);
    try {
      const tab = await chromium.browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      tab.on('pageerror', (error) => errors.push(error.message));
      await tab.goto(viewUrl(server.url, '#/chart'));
      await tab.click('a[data-view="analysis"]');
      await tab.locator('#findings li').first().waitFor();
      const findings = await tab.locator('#findings li').allTextContents();
      // The lines `lemming analyze` prints, in its words (before, the page had shorter words of its own, without the MAST modes).
      expect(findings).toEqual([
        'Unanswered request 000008-human-001 to manager (turn 8, "Also add a"): open 2 turn(s); waiting on planner since turn 9 (MAST FM-3.1)',
        'Bottleneck hr: mail waited up to 2 turn(s) unread (000001-manager-002); mail waiting in 2 turn(s); 0 still unread',
        'Ping-pong coder_01 ⇄ planner: 5 messages back and forth in turns 2–6, nothing else done (000002-planner-001 …) (MAST FM-1.3, FM-1.5)',
      ]);
      const text = lemming(org.root, ['analyze']).stdout;
      expect(text).toContain(`- **Bottleneck** hr: mail waited up to 2 turn(s) unread (000001-manager-002); mail waiting in 2 turn(s); 0 still unread\n`);
      // The findings as MAST's failure modes, as `lemming analyze` names them.
      expect(await tab.locator('#analysis-mast tr', { hasText: 'FM-1.3' }).locator('td').allTextContents()).toEqual(['FM-1.3 Step repetition', 'Specification issues', '1', 'pingPongs']);
      expect(await tab.locator('#analysis-mast tr', { hasText: 'FM-3.1' }).locator('td').allTextContents()).toEqual(['FM-3.1 Premature termination', 'Task verification', '1', 'unanswered']);
      const managerRow = await tab.locator('#analysis-load tr', { hasText: 'manager' }).first().locator('td').allTextContents();
      expect(managerRow).toEqual(['manager', '3', '4', '4', '3', '0.0200']);
      // Deliveries by form and refusals by cause, as `lemming analyze` gives them (the planted study, tests/planted, holds their values).
      expect(await tab.locator('#analysis-edges thead th').allTextContents()).toEqual(['From', 'To', 'Deliveries', 'one-to-one', 'to: list', 'copy', 'mailing list', 'meeting', 'On the chart']);
      expect(await tab.locator('#analysis-edges tbody tr').first().locator('td').allTextContents()).toEqual(['coder_01', 'planner', '3', '3', '0', '0', '0', '0', 'yes']);
      expect(await tab.locator('#analysis-refusals tbody td:first-child').allTextContents()).toEqual(['not on the chart', 'over the per-turn cap', 'out of credits', 'at a budget ceiling', 'held by a loop breaker', 'held by an intervention', 'not drawn by activation', 'answer too large to read']);
      expect(await tab.locator('#analysis-requests tbody td').nth(1).textContent()).toBe('human → manager → planner → coder_01 → planner → coder_01 → planner → coder_01 → planner → manager → human');
      // The API behind the tab answers what the CLI prints.
      const api = await tab.evaluate(async () => (await fetch('/api/analysis', { credentials: 'same-origin' })).json());
      expect(api).toEqual(printed);
      expect(errors).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
