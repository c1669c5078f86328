import type { VariantSummary } from './variant-summary.js';

const WIDTH = 720;
const LABEL_WIDTH = 170;
const BAR_HEIGHT = 18;
const GAP = 8;
const PANEL_TITLE = 28;
const COLOURS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7'];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(3);
}

/** One panel: a title and a horizontal bar per variant, scaled to the largest value. */
function panel(title: string, rows: Array<{ label: string; value: number | null }>, top: number): { svg: string; height: number } {
  const largest = Math.max(0, ...rows.map((row) => row.value ?? 0));
  const barSpace = WIDTH - LABEL_WIDTH - 90;
  const parts = [`<text x="10" y="${top + 18}" font-size="14" font-weight="bold">${escapeXml(title)}</text>`];
  rows.forEach((row, index) => {
    const y = top + PANEL_TITLE + index * (BAR_HEIGHT + GAP);
    const width = row.value === null || largest === 0 ? 0 : Math.max(1, (row.value / largest) * barSpace);
    parts.push(`<text x="${LABEL_WIDTH - 8}" y="${y + 13}" font-size="12" text-anchor="end">${escapeXml(row.label)}</text>`);
    parts.push(`<rect x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${COLOURS[index % COLOURS.length]}"/>`);
    parts.push(`<text x="${(LABEL_WIDTH + width + 6).toFixed(1)}" y="${y + 13}" font-size="12">${row.value === null ? 'n/a' : formatValue(row.value)}</text>`);
  });
  return { svg: parts.join('\n'), height: PANEL_TITLE + rows.length * (BAR_HEIGHT + GAP) + 12 };
}

/**
 * The report's picture, as SVG written by hand (no charting dependency): per variant, the
 * credits spent, the messages sent and the turns to idle, each a panel of horizontal bars.
 */
export function renderChart(title: string, summaries: readonly VariantSummary[]): string {
  const panels = [
    { title: 'Credits spent (mean per run)', rows: summaries.map((summary) => ({ label: summary.variant, value: summary.credits })) },
    { title: 'Messages sent (mean per run)', rows: summaries.map((summary) => ({ label: summary.variant, value: summary.messages })) },
    { title: 'Turns to idle (mean; n/a: never idle)', rows: summaries.map((summary) => ({ label: summary.variant, value: summary.turnsToIdle })) },
  ];
  let top = 40;
  const body: string[] = [`<text x="10" y="24" font-size="16" font-weight="bold">${escapeXml(title)}</text>`];
  for (const each of panels) {
    const drawn = panel(each.title, each.rows, top);
    body.push(drawn.svg);
    top += drawn.height;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${top}" viewBox="0 0 ${WIDTH} ${top}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
