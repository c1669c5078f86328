import type { Document } from 'yaml';
import { yaml } from '../lazy-modules.js';
import type { Problem } from '../errors.js';
import { unclosedOpener } from './yaml-mistake.js';

/** A parsed YAML text that can say on which line a field sits. */
export interface YamlSource {
  value: unknown;
  /** 1-based line of the field at `path`, or of its closest existing parent. */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
}

/**
 * Parse YAML, turning syntax errors into problems with file and line.
 * `lineOffset` is added to every line (front matter starts after the opening `---`).
 */
export function parseYamlSource(
  text: string,
  file: string,
  lineOffset = 0,
): { source?: YamlSource; problems: Problem[] } {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      problems: document.errors.map((error) => {
        // An unclosed bracket or quote is noticed where the text goes on without it: point at where it opened.
        const opener = /flow (sequence|map|collection)|missing closing/i.test(error.message) ? unclosedOpener(text, error.pos[0]) : undefined;
        const char = opener === undefined ? undefined : text[opener];
        const closer = char === '[' ? ']' : char === '{' ? '}' : char;
        return {
          file,
          line: lineCounter.linePos(opener ?? error.pos[0]).line + lineOffset,
          message: `is not valid YAML: ${char === undefined ? firstLine(error.message) : `the ${char} opened on this line is never closed with ${closer}`}`,
          severity: 'error' as const,
        };
      }),
    };
  }
  const value: unknown = document.toJS({ maxAliasCount: 100 });
  return {
    problems: [],
    source: { value, lineOf: (path) => lineOfPath(document, lineCounter, path, lineOffset) },
  };
}

function lineOfPath(
  document: Document,
  lineCounter: InstanceType<ReturnType<typeof yaml>['LineCounter']>,
  path: ReadonlyArray<string | number>,
  lineOffset: number,
): number | undefined {
  for (let length = path.length; length >= 0; length -= 1) {
    const node = length === 0 ? document.contents : document.getIn(path.slice(0, length), true);
    if (yaml().isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line + lineOffset;
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
