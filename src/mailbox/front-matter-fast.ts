/**
 * The fast path for the front matter lemming writes itself: one `key: value` per
 * line, values plain, double-quoted (JSON-style) or single-quoted, and the one-line
 * usage map (its cache counts there only when a call had some). Anything else returns
 * undefined and the full YAML parser takes over, so hand-written files lose nothing. Pure.
 */

const LINE = /^([a-z_]+): (.*)$/;
const USAGE = /^\{ input_tokens: (\d+), output_tokens: (\d+)(?:, cached_input_tokens: (\d+))?(?:, cache_write_tokens: (\d+))?, credits: ([0-9.]+)(, estimated: true)? \}$/;
const PLAIN = /^[A-Za-z0-9_][A-Za-z0-9_ .,;!?()/'+=@-]*$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const NUMBER_LIKE = /^[-+]?(\d[\d_]*\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|\.inf|\.nan)$/i;
const KEYWORD = /^(true|false|null|yes|no|on|off|y|n|~)$/i;
/** A letter no number-like text holds (NUMBER_LIKE's letters are a-f, i, n, o and x): one look, with no backtracking, rules it out. */
const NOT_A_NUMBER = /[g-hj-mp-wyz]/i;

/** Answers for the values a turn writes again and again (names, models, subjects), so each pays its patterns once. */
const plainSafe = new Map<string, boolean>();

/** A message id (`000012-manager-001`): new in every file, so never worth keeping an answer for. */
const MESSAGE_ID = /^\d{6,}-[^\s]+-\d{3,}$/;

/**
 * The text as a string of its own. A value parsed from a file is a slice of the file's whole text,
 * and V8 keeps that whole text alive for as long as the slice lives: kept as a key, every message
 * file the engine read stayed in memory until the memo was cleared (at 1,000 agents, a turn's
 * worth of files at any time, and with long bodies, megabytes). Joining forces a flat copy, and
 * the slice taken of it holds only that copy.
 */
function ownCopy(text: string): string {
  return `${text} `.slice(0, -1);
}

/** True when YAML reads `text`, written bare, back as the same string. */
export function isPlainSafe(text: string): boolean {
  // A time is new each time it is asked: one anchored pattern, and nothing kept.
  if (ISO_TIME.test(text)) return true;
  const known = plainSafe.get(text);
  if (known !== undefined) return known;
  // NUMBER_LIKE, which backtracks through its digits, is asked only of a text that could be a number.
  const safe = PLAIN.test(text) && !text.endsWith(' ') && (NOT_A_NUMBER.test(text) || !NUMBER_LIKE.test(text)) && !KEYWORD.test(text);
  // Only what may come again is kept: not long texts, nor ids (one per message, so they only pushed out the rest).
  if (text.length > 200 || MESSAGE_ID.test(text)) return safe;
  if (plainSafe.size >= 4096) plainSafe.clear();
  plainSafe.set(ownCopy(text), safe);
  return safe;
}

/** A string as one line of YAML: bare when that is safe, else double-quoted (JSON strings are valid YAML). */
export function yamlString(text: string): string {
  return isPlainSafe(text) ? text : JSON.stringify(text);
}

/**
 * Parse front matter in the one-key-a-line form lemming writes; undefined for anything else,
 * so the caller uses the YAML parser.
 */
export function parseSimpleFrontMatter(yaml: string): Record<string, unknown> | undefined {
  const result: Record<string, unknown> = {};
  for (const line of yaml.split('\n')) {
    if (line === '') continue;
    const match = LINE.exec(line);
    if (!match) return undefined;
    const key = match[1] as string;
    const value = match[2] as string;
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

/**
 * Split a message file lemming wrote into its front matter and body, without loading
 * gray-matter: the fast path for the engine's own files. Undefined when the text does not
 * open with a `---` fence that is closed.
 */
export function splitOwnFrontMatter(text: string): { yaml: string; body: string } | undefined {
  const opening = /^---[ \t]*\r?\n/.exec(text);
  if (!opening) return undefined;
  const rest = text.slice(opening[0].length);
  const closing = /^---[ \t]*(\r?\n|$)/m.exec(rest);
  if (!closing) return undefined;
  return { yaml: rest.slice(0, closing.index), body: rest.slice(closing.index + closing[0].length) };
}
