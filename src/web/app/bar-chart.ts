import { svg } from './dom.js';

/** A small SVG bar chart of values by turn, with the turn under each bar and the highest value at the top. */
export function barChart(points: Array<{ label: string | number; value: number }>, unit: string, label: string): SVGElement {
  const width = 600;
  const height = 140;
  const bottom = 18;
  const shown = points.slice(-60);
  const highest = Math.max(...shown.map((point) => point.value), 0) || 1;
  const step = shown.length === 0 ? width : width / shown.length;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label });
  shown.forEach((point, index) => {
    const barHeight = (point.value / highest) * (height - bottom - 14);
    const bar = svg('rect', { x: index * step + 1, y: height - bottom - barHeight, width: Math.max(step - 2, 1), height: barHeight });
    bar.append(svg('title', {}, `${point.label}: ${point.value.toFixed(4)} ${unit}`));
    chart.append(bar);
    if (shown.length <= 30 || index % Math.ceil(shown.length / 30) === 0) chart.append(svg('text', { class: 'axis', x: index * step + step / 2, y: height - 4, 'text-anchor': 'middle' }, String(point.label)));
  });
  chart.append(svg('text', { class: 'axis', x: 2, y: 10 }, `${highest.toFixed(4)} ${unit}`));
  return chart;
}
