import { parseYamlSource } from '../editable/yaml-source.js';
import { grayMatter } from '../lazy-modules.js';

/** The front matter's YAML read by the `yaml` package: its value, or its errors at the lines of the file where they are. */
export interface ParsedFrontMatter {
  value: unknown;
  /** Syntax errors, each at its 1-based line in the whole file. */
  errors: Array<{ line: number; message: string }>;
  /** The 1-based line in the whole file of the field at `path` (or its closest parent), when the YAML parsed. */
  lineOf?(path: ReadonlyArray<string | number>): number | undefined;
  /** The single value at `path` as the file writes it (`.nan`), when the YAML parsed. */
  textOf?(path: ReadonlyArray<string | number>): string | undefined;
}

/** A markdown file split into its front matter and body. */
export interface FrontMatterParts {
  /** The YAML between the fences: the lines after the opening `---`, up to the closing one. */
  yaml: string;
  body: string;
  /** 1-based line of the file on which the body starts. */
  bodyLine: number;
  /** The YAML parsed, on first use (a caller that parses `yaml` itself never pays for it). */
  readonly parsed: ParsedFrontMatter;
}

const OPENING = /^---[ \t]*\r?\n/;
const CLOSING = /^---[ \t]*(\r?\n|$)/m;

/**
 * Split a markdown file a person wrote (a resume, a message dropped into an outbox) into its
 * YAML front matter and body, with gray-matter, the `yaml` package as its only engine.
 * Returns undefined when the text does not open with a bare `---` line, or the block is not
 * closed by one. Pure: text in, parts out.
 */
export function splitFrontMatter(text: string): FrontMatterParts | undefined {
  const normalised = text.startsWith('\uFEFF') ? text.slice(1) : text;
  // A bare opening fence only: gray-matter would read `---js` as JavaScript and evaluate it.
  const opening = OPENING.exec(normalised);
  if (!opening || !CLOSING.test(normalised.slice(opening[0].length))) return undefined;
  let parsed: ParsedFrontMatter | undefined;
  let source = '';
  const file = grayMatter()(normalised, {
    language: 'yaml',
    engines: {
      // gray-matter's block starts on the opening fence's line, so the yaml package's lines are the file's.
      yaml: (block: string) => {
        source = block;
        return {};
      },
      javascript: refuse,
      js: refuse,
      coffee: refuse,
    },
  });
  const block = file.matter;
  const yamlText = block.replace(/^[^\n]*\n/, '') + (block.includes('\n') ? '\n' : '');
  const bodyLine = 1 + countLines(block) + 1 + 1;
  return {
    yaml: yamlText,
    // gray-matter ends the closing fence at `---`: spaces after it are the rest of that line, not body.
    body: file.content.replace(/^[ \t]+(\r?\n|$)/, ''),
    bodyLine,
    get parsed() {
      // The closing fence's newline ends the last line (gray-matter leaves a CRLF's `\r` behind).
      return (parsed ??= parseBlock(`${source === '' ? block : source}\n`));
    },
  };
}

function refuse(): object {
  throw new Error('front matter is YAML; no other language is read');
}

/** The front matter's YAML through the one YAML gate of editable files: an alias bomb or a list at the top is an error, never a throw. */
function parseBlock(block: string): ParsedFrontMatter {
  const { source, problems } = parseYamlSource(block, '');
  if (!source) return { value: undefined, errors: problems.map((problem) => ({ line: problem.line ?? 1, message: problem.message.replace(/^is not valid YAML: /, '') })) };
  return { value: source.value ?? {}, errors: [], lineOf: (path) => source.lineOf(path), textOf: (path) => source.textOf(path) };
}

function countLines(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) === 10) count += 1;
  return count;
}
