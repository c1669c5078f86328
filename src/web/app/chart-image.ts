import { getText, readAddress } from './api.js';
import { el, show } from './dom.js';

/** The latest drawing asked for each holder. */
const latest = new WeakMap<HTMLElement, number>();

/**
 * Show a chart the server draws (`path`: its SVG route, `/charts/credits-by-turn.svg`) in `holder`
 * as an image, with links to the picture and to the Vega-Lite spec it is drawn from (`.vl.json`),
 * to open and change elsewhere. Until the image has loaded, `holder` keeps what it shows: its
 * placeholder the first time, the chart before on a redraw, so the panel is never blank.
 *
 * The SVG is fetched and shown from a `data:` address rather than by pointing the image at the
 * route: the request carries the turn viewed as every other does, a redraw after a turn gets the new
 * drawing (a browser keeps an image by its address), and a refusal is said in words. The page's
 * Content-Security-Policy allows `data:` images, and an image's SVG runs nothing.
 */
export async function showChartImage(holder: HTMLElement, path: string, alt: string): Promise<void> {
  // Two draws under way at once (a turn ended while the last was fetched): the later one is shown, whichever ends first.
  const asked = (latest.get(holder) ?? 0) + 1;
  latest.set(holder, asked);
  try {
    const drawing = await getText(path);
    const image = el('img', { class: 'chart-image', alt, src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(drawing)}` });
    await image.decode();
    if (latest.get(holder) !== asked) return;
    const spec = path.replace(/\.svg$/, '.vl.json');
    show(holder, image, el('p', { class: 'chart-links muted' }, el('a', { href: readAddress(path), target: '_blank' }, 'SVG'), ' · ', el('a', { href: readAddress(spec), target: '_blank' }, 'Vega-Lite spec')));
  } catch (error) {
    if (latest.get(holder) === asked) show(holder, el('p', { class: 'error-text' }, `the chart could not be drawn: ${error instanceof Error ? error.message : String(error)}`));
  }
}
