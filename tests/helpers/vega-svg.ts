/** One axis as a person reads it: its title, and each tick label shown with where its tick stands along the axis (x for X, y for Y: down from the top). */
export interface ReadAxis {
  title: string;
  ticks: Array<{ label: string; at: number }>;
}

/** One mark Vega drew (a bar, a point, a line, an area): its kind, the values Vega labels it with, and its geometry. */
export interface ReadMark {
  kind: string;
  values: Record<string, string>;
  /** The path's `d`, and its `transform` (points stand where they are translated to). */
  d: string;
  transform: string;
}

/** What a person reads off a chart Vega drew as SVG (charts/render-chart.ts). */
export interface ReadChart {
  title: string | undefined;
  axes: { x?: ReadAxis; y?: ReadAxis };
  marks: ReadMark[];
}

/** Text as the SVG holds it, escaped, back to what it says. */
export function unescapeXml(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&amp;', '&');
}

/** The contents of the first `<g class="... role-<role>" ...>` group in `section`, up to its first closing tag. */
function group(section: string, role: string): string {
  const start = section.indexOf(` role-${role}"`);
  if (start < 0) return '';
  return section.slice(start, section.indexOf('</g>', start));
}

/** The texts of a group, unescaped. */
function texts(section: string): string[] {
  return [...section.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => unescapeXml(match[1] ?? ''));
}

function readAxis(svg: string, axis: 'X' | 'Y'): ReadAxis | undefined {
  const start = svg.indexOf(`aria-label="${axis}-axis`);
  if (start < 0) return undefined;
  const other = svg.indexOf(`aria-label="${axis === 'X' ? 'Y' : 'X'}-axis`);
  const section = svg.slice(start, other > start ? other : undefined);
  const places = [...group(section, 'axis-tick').matchAll(/transform="translate\(([-\d.e]+),([-\d.e]+)\)"/g)].map((match) => Number(axis === 'X' ? match[1] : match[2]));
  // A label Vega hid so that labels do not overlap (`labelOverlap`) is drawn see-through: nobody reads it.
  const labels = [...group(section, 'axis-label').matchAll(/<text[^>]*opacity="([\d.]+)"[^>]*>([^<]*)<\/text>/g)].map((match) => ({ shown: Number(match[1]) > 0, label: unescapeXml(match[2] ?? '') }));
  const ticks = labels.map((label, index) => ({ ...label, at: places[index] ?? Number.NaN })).filter((tick) => tick.shown);
  return { title: texts(group(section, 'axis-title')).join(' '), ticks: ticks.map(({ label, at }) => ({ label, at })) };
}

/**
 * A chart Vega drew, read back from its SVG: its title, each axis (title, tick labels and where
 * they stand) and every mark with the values Vega's own labels give it (`turn: 1; credits burned: 0.0012`).
 */
export function readChart(svg: string): ReadChart {
  const marks = [...svg.matchAll(/<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="([^"]*)"([^>]*)>/g)].map((match) => {
    const values = Object.fromEntries(
      unescapeXml(match[1] ?? '')
        .split('; ')
        .map((pair) => [pair.slice(0, pair.indexOf(': ')), pair.slice(pair.indexOf(': ') + 2)]),
    );
    const attributes = match[3] ?? '';
    return { kind: match[2] ?? '', values, d: /\sd="([^"]*)"/.exec(attributes)?.[1] ?? '', transform: /\stransform="([^"]*)"/.exec(attributes)?.[1] ?? '' };
  });
  return { title: texts(group(svg, 'title-text'))[0], axes: { x: readAxis(svg, 'X'), y: readAxis(svg, 'Y') }, marks };
}

/**
 * Whether an axis's ticks are round: three or more, the first 0, evenly spaced on the axis, each
 * label a step of 1, 2 or 5 times a power of ten times its place (0, 0.0005, 0.001; never 1.969).
 * Returns what is wrong, or nothing. (The places count too: a label is rounded for show, so
 * `0.0020` may stand where 0.001969 is.)
 */
export function roundTicksProblem(axis: ReadAxis): string | undefined {
  const values = axis.ticks.map((tick) => Number(tick.label));
  if (values.length < 3) return `only ${values.length} tick(s): ${axis.ticks.map((tick) => tick.label).join(', ')}`;
  const gaps = axis.ticks.slice(1).map((tick, index) => tick.at - (axis.ticks[index]?.at ?? Number.NaN));
  // Vega puts each tick on a whole pixel: a gap may be one more or less than the next.
  if (gaps.some((gap) => !(Math.abs(gap - (gaps[0] ?? 0)) <= 1))) return `ticks unevenly spaced: ${axis.ticks.map((tick) => `${tick.label} at ${tick.at}`).join(', ')}`;
  if (values.some((value) => !Number.isFinite(value))) return `a tick is not a number: ${axis.ticks.map((tick) => tick.label).join(', ')}`;
  if (values[0] !== 0) return `the first tick is ${axis.ticks[0]?.label}, not 0`;
  const step = (values[1] as number) - (values[0] as number);
  const power = 10 ** Math.floor(Math.log10(step));
  if (![1, 2, 5].some((mantissa) => Math.abs(step - mantissa * power) < power * 1e-9)) return `the step ${step} is not 1, 2 or 5 times a power of ten`;
  const off = values.filter((value, index) => Math.abs(value - index * step) > power * 1e-9);
  return off.length === 0 ? undefined : `ticks off the step ${step}: ${off.join(', ')}`;
}
