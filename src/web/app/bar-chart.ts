import { svg } from './dom.js';

/**
 * A small SVG bar chart of values by turn, with the turn under each bar and the scale's ends at the
 * left. Amounts (`from: 'zero'`: credits spent) rise from zero; levels (`from: 'data'`: credits left)
 * are scaled to their own range, so a balance that moves from 0.4974 to 0.4950 shows its fall rather
 * than bars all but equal.
 */
export function barChart(points: Array<{ label: string | number; value: number }>, unit: string, label: string, from: 'zero' | 'data' = 'zero'): SVGElement {
  const width = 600;
  const height = 140;
  const bottom = 18;
  const shown = points.slice(-60);
  const values = shown.map((point) => point.value);
  const highest = Math.max(...values, 0) || 1;
  const lowestValue = Math.min(...values, highest);
  // A level's scale starts a tenth of its range below its lowest point, so the lowest bar still shows.
  const range = highest - lowestValue;
  const lowest = from === 'zero' ? 0 : Math.max(0, lowestValue - (range > 0 ? range / 10 : Math.abs(lowestValue) / 10));
  const step = shown.length === 0 ? width : width / shown.length;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, 'data-from': lowest.toFixed(4) });
  shown.forEach((point, index) => {
    const barHeight = ((point.value - lowest) / (highest - lowest || 1)) * (height - bottom - 14);
    const bar = svg('rect', { x: index * step + 1, y: height - bottom - barHeight, width: Math.max(step - 2, 1), height: barHeight });
    bar.append(svg('title', {}, `${point.label}: ${point.value.toFixed(4)} ${unit}`));
    chart.append(bar);
    if (shown.length <= 30 || index % Math.ceil(shown.length / 30) === 0) chart.append(svg('text', { class: 'axis', x: index * step + step / 2, y: height - 4, 'text-anchor': 'middle' }, String(point.label)));
  });
  chart.append(svg('text', { class: 'axis', x: 2, y: 10 }, `${highest.toFixed(4)} ${unit}`));
  if (lowest > 0) chart.append(svg('text', { class: 'axis low', x: 2, y: height - bottom - 2 }, `${lowest.toFixed(4)} ${unit}`));
  return chart;
}
