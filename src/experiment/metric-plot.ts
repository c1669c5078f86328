import type { RunValues, StudyStatistics } from './study-statistics.js';

const WIDTH = 720;
const LEFT = 170;
const RIGHT = 40;
const ROW = 56;
const TOP = 56;
const COLOURS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7'];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function label(value: number): string {
  return Number.isInteger(value) ? String(value) : Number(value.toPrecision(4)).toString();
}

/** The q-th quantile of sorted values, by linear interpolation between order statistics. */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return (sorted[low] ?? 0) + ((sorted[high] ?? 0) - (sorted[low] ?? 0)) * (at - low);
}

/**
 * One metric's distribution per variant, as plain SVG written here (no charting dependency): a
 * box (quartiles, median, whiskers to the extremes), every run as a dot (spread up and down by its
 * index so equal values stay visible), and the mean as a diamond on its 95% interval.
 */
export function renderMetricPlot(metric: StudyStatistics['metrics'][number], runs: readonly RunValues[], variants: readonly string[]): string {
  const samples = variants.map((variant) => runs.filter((run) => run.variant === variant && run.values[metric.key] !== undefined).map((run) => run.values[metric.key] as number));
  const everything = [...samples.flat(), ...variants.flatMap((variant) => metric.variants[variant]?.ci ?? [])];
  let low = Math.min(0, ...everything);
  let high = Math.max(low, ...everything);
  // All runs alike (and at 0): an axis of one unit rather than none.
  if (high === low) high = low + 1;
  const pad = (high - low) * 0.05;
  low -= low === 0 ? 0 : pad;
  high += pad;
  const x = (value: number): number => LEFT + ((value - low) / (high - low)) * (WIDTH - LEFT - RIGHT);
  const height = TOP + variants.length * ROW + 30;
  const parts: string[] = [
    `<text x="10" y="24" font-size="16" font-weight="bold">${escapeXml(`${metric.label} per run (${metric.better} is better)`)}</text>`,
    `<text x="10" y="44" font-size="11" fill="#555">box: quartiles and median; dots: runs; diamond and bar: mean and its 95% interval</text>`,
  ];
  variants.forEach((variant, index) => {
    const values = [...(samples[index] ?? [])].sort((left, right) => left - right);
    const middle = TOP + index * ROW + ROW / 2;
    const colour = COLOURS[index % COLOURS.length] ?? '#333';
    const summary = metric.variants[variant];
    parts.push(`<text x="${LEFT - 10}" y="${middle + 4}" font-size="12" text-anchor="end">${escapeXml(variant)} (n=${values.length})</text>`);
    if (values.length === 0) return;
    const [q1, median, q3] = [quantile(values, 0.25), quantile(values, 0.5), quantile(values, 0.75)];
    parts.push(`<line x1="${x(values[0] ?? 0).toFixed(1)}" x2="${x(values.at(-1) ?? 0).toFixed(1)}" y1="${middle}" y2="${middle}" stroke="#999"/>`);
    parts.push(`<rect x="${x(q1).toFixed(1)}" y="${middle - 12}" width="${Math.max(1, x(q3) - x(q1)).toFixed(1)}" height="24" fill="${colour}" fill-opacity="0.25" stroke="${colour}"/>`);
    parts.push(`<line x1="${x(median).toFixed(1)}" x2="${x(median).toFixed(1)}" y1="${middle - 12}" y2="${middle + 12}" stroke="${colour}" stroke-width="2"/>`);
    (samples[index] ?? []).forEach((value, at) => {
      parts.push(`<circle cx="${x(value).toFixed(1)}" cy="${(middle - 8 + ((at * 7) % 17)).toFixed(1)}" r="3" fill="${colour}"/>`);
    });
    if (summary?.ci && summary.mean !== null) {
      parts.push(`<line x1="${x(summary.ci[0]).toFixed(1)}" x2="${x(summary.ci[1]).toFixed(1)}" y1="${middle + 18}" y2="${middle + 18}" stroke="#222" stroke-width="2"/>`);
      const centre = x(summary.mean);
      parts.push(`<path d="M ${centre.toFixed(1)} ${middle + 13} l 5 5 l -5 5 l -5 -5 z" fill="#222"/>`);
    }
  });
  const axis = TOP + variants.length * ROW + 6;
  parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${axis}" y2="${axis}" stroke="#333"/>`);
  for (let tick = 0; tick <= 4; tick += 1) {
    const value = low + ((high - low) * tick) / 4;
    parts.push(`<text x="${x(value).toFixed(1)}" y="${axis + 16}" font-size="11" text-anchor="middle">${label(value)}</text>`);
  }
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`, '<rect width="100%" height="100%" fill="white"/>', ...parts, '</svg>', ''].join('\n');
}
