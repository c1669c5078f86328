import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let converter: typeof import('html-to-text') | undefined;

/**
 * A page's HTML as text a model reads: headings, paragraphs, lists and tables kept, links with
 * their addresses, scripts, styles and images left out. html-to-text does it (loaded by the first
 * page fetched); lemming parses no HTML of its own.
 */
export function pageText(html: string): string {
  converter ??= require('html-to-text') as typeof import('html-to-text');
  return converter.convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'nav', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
  });
}
