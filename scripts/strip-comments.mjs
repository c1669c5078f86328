// @ts-check
/**
 * The comments of the JavaScript tsc emitted, taken out after the build (scripts/build.mjs).
 *
 * Why: every command is a new Node process that reads, scans and compiles some 250 to 300 of
 * lemming's modules, and about a third of their bytes are comments (the why of the code, kept in
 * src/). A `lemming run` of the default org took some 24 ms less CPU of about 410 without them
 * (14 rounds alternated, 2026-11-27). tsc's own `removeComments` would also strip the JSDoc of the
 * declarations (.d.ts) a library user reads in an editor, so the JavaScript is stripped here instead.
 *
 * Every line stays where it was, and every token at its column, so the source maps tsc wrote
 * still hold and a stack trace names the same line: a comment alone on its lines leaves those
 * lines empty, a comment with code after it on its line leaves spaces. The source-map comment
 * and a shebang stay. Comments are found as trivia between the syntax tree's nodes (the parser
 * tells a regular expression or a string from a comment); one it does not reach is left.
 */
import { createRequire } from 'node:module';

/** @typedef {{ pos: number; end: number }} Range */

/**
 * Every comment in a JavaScript text, as the parser finds it around each node, without
 * duplicates, in order.
 * @param {typeof import('typescript')} ts
 * @param {string} text
 * @returns {Range[]}
 */
function commentRanges(ts, text) {
  const source = ts.createSourceFile('emitted.js', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  /** @type {Map<number, Range>} */
  const found = new Map();
  /** @param {readonly import('typescript').CommentRange[] | undefined} ranges */
  const keep = (ranges) => {
    for (const range of ranges ?? []) found.set(range.pos, { pos: range.pos, end: range.end });
  };
  /** @param {import('typescript').Node} node */
  const visit = (node) => {
    // Before a node: those on the line of the token before it, and those on lines of their own.
    keep(ts.getTrailingCommentRanges(text, node.pos));
    keep(ts.getLeadingCommentRanges(text, node.pos));
    keep(ts.getTrailingCommentRanges(text, node.end));
    ts.forEachChild(node, visit);
  };
  visit(source);
  keep(ts.getLeadingCommentRanges(text, source.endOfFileToken.pos));
  return [...found.values()].sort((left, right) => left.pos - right.pos);
}

/** The source-map comment tsc ends a file with: kept. */
const SOURCE_MAP_COMMENT = /^\/\/# sourceMappingURL=/;

/**
 * The text with its comments taken out, every line and column of its code where it was.
 * @param {typeof import('typescript')} ts
 * @param {string} text
 */
export function withoutComments(ts, text) {
  let result = '';
  let at = 0;
  for (const { pos, end } of commentRanges(ts, text)) {
    if (pos < at) continue;
    const comment = text.slice(pos, end);
    if (SOURCE_MAP_COMMENT.test(comment)) continue;
    const lineEnd = text.indexOf('\n', end);
    const rest = text.slice(end, lineEnd === -1 ? text.length : lineEnd);
    const newlines = comment.replace(/[^\r\n]/g, '');
    if (rest.trim() === '') {
      // Nothing after it on its line: its lines are left empty, with the blanks before it.
      let start = pos;
      while (start > at && (text[start - 1] === ' ' || text[start - 1] === '\t')) start -= 1;
      result += text.slice(at, start) + newlines;
    } else {
      // Code after it on its last line keeps its column: that line's part of the comment becomes blanks.
      const lastLine = comment.slice(Math.max(comment.lastIndexOf('\n'), comment.lastIndexOf('\r')) + 1);
      result += text.slice(at, pos) + newlines + ' '.repeat(lastLine.length);
    }
    at = end;
  }
  return result + text.slice(at);
}

/**
 * Strip the comments of each of these emitted JavaScript files, in place.
 * @param {readonly string[]} files
 * @param {(path: string) => string} read
 * @param {(path: string, text: string) => void} write
 */
export function stripComments(files, read, write) {
  if (files.length === 0) return;
  const ts = /** @type {typeof import('typescript')} */ (createRequire(import.meta.url)('typescript'));
  for (const file of files) {
    const text = read(file);
    const stripped = withoutComments(ts, text);
    if (stripped !== text) write(file, stripped);
  }
}
