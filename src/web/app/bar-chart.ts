import { svg } from './dom.js';

/** Room at the left for the axis's title and the scale's numbers, so that no number sits on a bar. */
const GUTTER = 72;
const WIDTH = 600;
const HEIGHT = 156;
/** Room under the bars for the turns and the axis's title. */
const BOTTOM = 34;
const TOP = 8;

/**
 * A small SVG bar chart of values by turn. Every bar rises from zero, so its height is its value's
 * share of the scale (a balance of 88 % of the budget fills 88 % of the height); the scale's top is
 * `top` when given (the budget, for credits left) or the highest value. The scale's numbers stand in a
 * gutter at the left and the turns under the bars: no number sits on a bar; each axis has its title
 * (`turn`, and the unit). Each bar carries its value
 * (`data-value`, and its title on hover).
 */
export function barChart(points: Array<{ label: string | number; value: number }>, unit: string, label: string, top?: number): SVGElement {
  const shown = points.slice(-60);
  const highest = Math.max(top ?? 0, ...shown.map((point) => point.value), 0) || 1;
  const plot = HEIGHT - BOTTOM - TOP;
  const baseline = HEIGHT - BOTTOM;
  const step = (WIDTH - GUTTER) / Math.max(shown.length, 1);
  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `${label} (${unit}, from 0 to ${highest.toFixed(4)})`, 'data-from': '0', 'data-top': highest, 'data-plot-height': plot });
  chart.append(
    svg('line', { class: 'axis-line', x1: GUTTER, x2: WIDTH, y1: baseline, y2: baseline }),
    svg('line', { class: 'axis-line top', x1: GUTTER, x2: WIDTH, y1: TOP, y2: TOP }),
    svg('text', { class: 'axis', x: GUTTER - 4, y: TOP + 4, 'text-anchor': 'end' }, highest.toFixed(4)),
    svg('text', { class: 'axis', x: GUTTER - 4, y: baseline, 'text-anchor': 'end' }, '0'),
    // What each axis counts, in its unit: the turns along the bottom, the amount up the left.
    svg('text', { class: 'axis-title', x: GUTTER + (WIDTH - GUTTER) / 2, y: HEIGHT - 2, 'text-anchor': 'middle' }, 'turn'),
    svg('text', { class: 'axis-title', x: 0, y: 0, transform: `translate(12 ${TOP + plot / 2}) rotate(-90)`, 'text-anchor': 'middle' }, unit),
  );
  shown.forEach((point, index) => {
    const barHeight = (Math.max(0, point.value) / highest) * plot;
    const x = GUTTER + index * step;
    const bar = svg('rect', { class: 'bar', 'data-value': point.value, x: x + 1, y: baseline - barHeight, width: Math.max(step - 2, 1), height: barHeight });
    bar.append(svg('title', {}, `${point.label}: ${point.value.toFixed(4)} ${unit}`));
    chart.append(bar);
    if (shown.length <= 30 || index % Math.ceil(shown.length / 30) === 0) chart.append(svg('text', { class: 'axis', x: x + step / 2, y: baseline + 14, 'text-anchor': 'middle' }, String(point.label)));
  });
  return chart;
}
