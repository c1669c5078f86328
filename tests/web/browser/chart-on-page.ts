import type { Page } from 'playwright-core';

/** A chart image as a person sees it on the page, and what its drawing says, read in the page itself. */
export interface ChartOnPage {
  /** Loaded and drawn: `complete`, and as wide as its picture (`naturalWidth`) is more than 0. */
  loaded: boolean;
  naturalWidth: number;
  /** Its width on the page, in CSS pixels. */
  shownWidth: number;
  alt: string;
  /** What the browser's own XML parser made of its SVG: `parsererror` when it is not well-formed. */
  root: string;
  title: string;
  axisTitles: string[];
  /** Each mark Vega drew (`bar`, `point`, `line mark`, `area mark`), with Vega's label of its values. */
  marks: Array<{ kind: string; label: string }>;
  /** The links under it: to the SVG and to its Vega-Lite spec. */
  links: Array<{ text: string; href: string }>;
}

/**
 * The chart image `selector` finds (an `img.chart-image` of src/web/app/chart-image.ts): whether it
 * loaded, its alt text, and its SVG read by Chromium's DOMParser. Run in the page as text: the tests
 * compile without the DOM's types.
 */
export async function chartOnPage(page: Page, selector: string): Promise<ChartOnPage> {
  return (await page.evaluate(`(() => {
    const image = document.querySelector(${JSON.stringify(selector)});
    const source = decodeURIComponent(image.src.slice(image.src.indexOf(',') + 1));
    const drawing = new DOMParser().parseFromString(source, 'image/svg+xml');
    const texts = (query) => [...drawing.querySelectorAll(query)].map((node) => node.textContent);
    return {
      loaded: image.complete && image.naturalWidth > 0,
      naturalWidth: image.naturalWidth,
      shownWidth: image.getBoundingClientRect().width,
      alt: image.alt,
      root: drawing.documentElement.nodeName,
      title: texts('.role-title-text text').join(' '),
      axisTitles: texts('.role-axis-title text'),
      marks: [...drawing.querySelectorAll('.role-mark [role="graphics-symbol"]')].map((mark) => ({ kind: mark.getAttribute('aria-roledescription'), label: mark.getAttribute('aria-label') })),
      links: [...image.parentElement.querySelectorAll('.chart-links a')].map((link) => ({ text: link.textContent, href: link.getAttribute('href') })),
    };
  })()`)) as ChartOnPage;
}
