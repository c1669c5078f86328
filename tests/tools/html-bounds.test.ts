import { describe, expect, test } from 'vitest';
import { boundHtml, MAX_HTML_CHARS, MAX_HTML_DEPTH } from '../../src/tools/web/html-bounds.js';
import { pageText } from '../../src/tools/web/page-text.js';

const nested = (depth: number, open = '<div>', close = '</div>', text = 'deep'): string => `${open.repeat(depth)}${text}${close.repeat(depth)}`;

describe('HTML is bounded before it is turned into text', () => {
  test('an ordinary page is left as it is, however long its lists of unclosed items and paragraphs', () => {
    const page = `<!doctype html><html><head><title>T</title><script>if (a < b) document.write("<div><div><div>")</script></head>
<body>${nested(20)}<ul>${'<li>item'.repeat(500)}</ul>${'<p>para'.repeat(500)}<table>${'<tr><td>a<td>b'.repeat(200)}</table><!-- <div> --><br><img src=x></body></html>`;
    expect(boundHtml(page)).toEqual({ html: page, cutChars: 0, flattened: 0 });
  });

  test('past the depth, tags are dropped and their text kept, a block on a line of its own', () => {
    const html = nested(MAX_HTML_DEPTH + 10, '<div>x', '</div>', '');
    const bounded = boundHtml(html);
    expect(bounded.flattened).toBe(10);
    expect(bounded.cutChars).toBe(0);
    // Every x is still there, and what html-to-text makes of it has a line per block.
    expect(bounded.html.match(/x/g)).toHaveLength(MAX_HTML_DEPTH + 10);
    expect(bounded.html).not.toMatch(new RegExp(`(<div>x){${MAX_HTML_DEPTH + 1}}`));
    expect(pageText(bounded.html).split('\n').filter((line) => line === 'x')).toHaveLength(MAX_HTML_DEPTH + 10);
    // Inline elements past the depth leave a space, so words do not run together.
    expect(pageText(boundHtml(nested(MAX_HTML_DEPTH, '<div>', '</div>', 'a<b>bold</b>c')).html)).toBe('a bold c');
  });

  test('a dropped element\'s end tag is dropped with it, and closes no element kept', () => {
    const html = `${nested(MAX_HTML_DEPTH, '<div>', '</div>', '<div>inner</div>after')}<p>outside</p>`;
    const bounded = boundHtml(html);
    expect(bounded.flattened).toBe(1);
    expect(bounded.html).toBe(`${'<div>'.repeat(MAX_HTML_DEPTH)}<br>inner<br>after${'</div>'.repeat(MAX_HTML_DEPTH)}<p>outside</p>`);
  });

  test('past MAX_HTML_CHARS the rest is left out and counted; 100,000 unmatched end tags cost one pass', () => {
    const long = `<p>${'a'.repeat(MAX_HTML_CHARS)}</p>`;
    expect(boundHtml(long)).toMatchObject({ cutChars: 7, flattened: 0 });
    expect(boundHtml(long).html).toHaveLength(MAX_HTML_CHARS);
    const unmatched = `${'<div>'.repeat(50_000)}${'</span>'.repeat(50_000)}`;
    expect(boundHtml(unmatched, unmatched.length).flattened).toBe(50_000 - MAX_HTML_DEPTH);
  });
});
