/**
 * The fast path for the front matter lemming writes itself: one `key: value` per
 * line, values plain, double-quoted (JSON-style) or single-quoted, and the one-line
 * usage map (its cache counts there only when a call had some). Anything else returns
 * undefined and the full YAML parser takes over, so hand-written files lose nothing. Pure.
 */

const USAGE = /^\{ input_tokens: (\d+), output_tokens: (\d+)(?:, cached_input_tokens: (\d+))?(?:, cache_write_tokens: (\d+))?, credits: ([0-9.]+)(, estimated: true)? \}$/;
/** A flow list of plain names, as lemming writes `to:` and `cc:` for a message to several people. */
const NAME_LIST = /^\[[a-z][a-z0-9_-]*(?:, [a-z][a-z0-9_-]*)*\]$/;
const PLAIN = /^[A-Za-z0-9_][A-Za-z0-9_ .,;!?()/'+=@-]*$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const NUMBER_LIKE = /^[-+]?(\d[\d_]*\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|\.inf|\.nan)$/i;
const KEYWORD = /^(true|false|null|yes|no|on|off|y|n|~)$/i;
/** A letter no number-like text holds (NUMBER_LIKE's letters are a-f, i, n, o and x): one look, with no backtracking, rules it out. */
const NOT_A_NUMBER = /[g-hj-mp-wyz]/i;

/**
 * True when YAML reads `text`, written bare, back as the same string. No answer is kept: a turn
 * writes thousands of names and ids, new each time, and a memo of them cost more than the patterns.
 */
export function isPlainSafe(text: string): boolean {
  // A time is the one value with a colon written bare.
  if (!PLAIN.test(text)) return ISO_TIME.test(text);
  if (text.endsWith(' ')) return false;
  // Every number-like text starts with a digit (a sign or a dot fails PLAIN), and every keyword
  // with a letter, in at most five characters.
  if (text.charCodeAt(0) > 57) return text.length > 5 || !KEYWORD.test(text);
  // NUMBER_LIKE backtracks through an id's digits (`000012-manager-001`): asked only of a text that could be a number.
  return NOT_A_NUMBER.test(text) || !NUMBER_LIKE.test(text);
}

/** A string as one line of YAML: bare when that is safe, else double-quoted (JSON strings are valid YAML). */
export function yamlString(text: string): string {
  return isPlainSafe(text) ? text : JSON.stringify(text);
}

/** A line break other than `\n`: a value holding one is not the form lemming writes (as `.` and `$` in `^([a-z_]+): (.*)$` refuse it). */
const OTHER_BREAK_IN_LINE = /[\r\u2028\u2029]/;

/** Where the key of the `key: value` line starting at `start` ends (at its `: `), or -1 when the line is not one (the key is `[a-z_]+`). */
function keyEnd(yaml: string, start: number): number {
  let at = start;
  for (let code = yaml.charCodeAt(at); (code >= 97 && code <= 122) || code === 95; code = yaml.charCodeAt(at)) at += 1;
  return at > start && yaml.charCodeAt(at) === 58 && yaml.charCodeAt(at + 1) === 32 ? at : -1;
}

/**
 * Parse front matter in the one-key-a-line form lemming writes; undefined for anything else,
 * so the caller uses the YAML parser. Each line is found by its position in `yaml`, neither split out
 * nor matched by a pattern: a fresh process's first turn reads every waiting message, and the lines
 * and the matches were some 2.4 KB of garbage a message of 300 bytes (issue 76).
 */
export function parseSimpleFrontMatter(yaml: string): Record<string, unknown> | undefined {
  const result: Record<string, unknown> = {};
  for (let start = 0; start < yaml.length; ) {
    const newline = yaml.indexOf('\n', start);
    const end = newline < 0 ? yaml.length : newline;
    const lineStart = start;
    start = end + 1;
    if (end === lineStart) continue;
    const colon = keyEnd(yaml, lineStart);
    if (colon < 0) return undefined;
    const key = yaml.slice(lineStart, colon);
    const value = yaml.slice(colon + 2, end);
    if (OTHER_BREAK_IN_LINE.test(value)) return undefined;
    if (key in result) return undefined;
    if (key === 'usage') {
      const usage = USAGE.exec(value);
      if (!usage) return undefined;
      result.usage = {
        input_tokens: Number(usage[1]),
        output_tokens: Number(usage[2]),
        ...(usage[3] ? { cached_input_tokens: Number(usage[3]) } : {}),
        ...(usage[4] ? { cache_write_tokens: Number(usage[4]) } : {}),
        credits: Number(usage[5]),
        ...(usage[6] ? { estimated: true } : {}),
      };
    } else if ((key === 'to' || key === 'cc') && value.startsWith('[')) {
      if (!NAME_LIST.test(value)) return undefined;
      const names = value.slice(1, -1).split(', ');
      // `[true]` is a boolean to YAML: such a file takes the full parser, which words the error.
      if (names.some((name) => name.length <= 5 && KEYWORD.test(name))) return undefined;
      result[key] = names;
    } else if (key === 'turn') {
      if (!/^\d+$/.test(value)) return undefined;
      result.turn = Number(value);
    } else if (value.startsWith('"')) {
      try {
        result[key] = JSON.parse(value) as unknown;
      } catch {
        return undefined;
      }
      if (typeof result[key] !== 'string') return undefined;
    } else if (value.startsWith("'")) {
      if (value.length < 2 || !value.endsWith("'") || /(^|[^'])'([^']|$)/.test(value.slice(1, -1))) return undefined;
      result[key] = value.slice(1, -1).replace(/''/g, "'");
    } else if (isPlainSafe(value)) {
      result[key] = value;
    } else {
      return undefined;
    }
  }
  return result;
}

/** A line break other than `\n` that starts or ends a line for the fences' patterns (`^` and `$` with the `m` flag). */
const OTHER_LINE_BREAK = /[\r\u2028\u2029]/;

/**
 * Split a message file lemming wrote into its front matter and body, without loading
 * gray-matter: the fast path for the engine's own files. Undefined when the text does not
 * open with a `---` fence that is closed.
 *
 * The form lemming writes (`---\n`, lines, `\n---\n`) is found by where its fences lie, when no
 * other line of the front matter could be a fence and none ends with another line break; the
 * rest by the fences' patterns (splitByFencePatterns), which give the same split for that form. At
 * 100,000 resumes the two patterns' matches were some 26 MB of garbage a cold `status`.
 */
export function splitOwnFrontMatter(text: string): { yaml: string; body: string } | undefined {
  if (text.startsWith('---\n')) {
    // The first line that opens with `---` after the opening fence: the closing fence when it is `---` alone.
    const close = text.startsWith('---', 4) ? 3 : text.indexOf('\n---', 3);
    if (close >= 0 && text.startsWith('\n---\n', close)) {
      const yaml = text.slice(4, close + 1);
      if (!OTHER_LINE_BREAK.test(yaml)) return { yaml, body: text.slice(close + 5) };
    }
  }
  return splitByFencePatterns(text);
}

/** splitOwnFrontMatter by the fences' patterns: an opening `---` line, then the first `---` line after it, each with trailing blanks (exported: the rule its quick look is tested against). */
export function splitByFencePatterns(text: string): { yaml: string; body: string } | undefined {
  const opening = /^---[ \t]*\r?\n/.exec(text);
  if (!opening) return undefined;
  const rest = text.slice(opening[0].length);
  const closing = /^---[ \t]*(\r?\n|$)/m.exec(rest);
  if (!closing) return undefined;
  return { yaml: rest.slice(0, closing.index), body: rest.slice(closing.index + closing[0].length) };
}
