/**
 * The forms a secret value commonly takes in text a program wrote, so that cutting the value cuts
 * them too: an agent program, an HTTP agent, an MCP server or a command that echoes a key does not
 * always echo it as written. Computed once per value (secrets.ts keeps them), never per text.
 *
 * Covered: the value as written; JSON-escaped once and twice; percent-encoded and JSON-escaped in
 * any encoder's style (any of its characters but letters and digits as `%XX` in either case, or
 * every one of them; a space as `+`; `\"`, `\\`, `\/`, `\uXXXX`: see `loosePattern`); base64 and
 * base64url, alone (padded or not, and after `Bearer `) and inside a longer base64 string at each
 * of the three alignments (all of it but the character or two that the bytes around it share);
 * hex, lower and upper case; and the value reversed. Not covered (and not coverable by looking for
 * a value): other transformations (encryption, hashing, compression, rot13, a value split across
 * lines or messages, another encoding of its characters), nor a value shorter than MIN_SECRET_LENGTH.
 */
export interface Disguises {
  /** Exact texts to cut, the value itself among them. */
  literal: string[];
  /**
   * The value with any of its characters escaped (percent, JSON), when it has characters that can
   * be: the pattern, and `anchor`, a part of the value every match holds as written (its longest
   * run of letters and digits), so a text without it is not searched with the pattern.
   */
  loose?: { anchor: string; pattern: RegExp };
}

/** What a program often puts before a key it encodes: an Authorization header's scheme. */
const PREFIXES = ['Bearer '];

/** Every disguise of `value` (see the file's comment). Pure. */
export function disguisesOf(value: string): Disguises {
  const once = jsonEscaped(value);
  const reversed = [...value].reverse().join('');
  const bytes = Buffer.from(value, 'utf8');
  const hex = bytes.toString('hex');
  // Every byte percent-encoded (an encoder that escapes letters too), in either case.
  const percentAll = hex.replace(/../g, '%$&');
  const literal = [value, once, jsonEscaped(once), reversed, jsonEscaped(reversed), hex, hex.toUpperCase(), percentAll, percentAll.toUpperCase()];
  for (const whole of [bytes, ...PREFIXES.map((prefix) => Buffer.from(prefix + value, 'utf8'))]) {
    const base64 = whole.toString('base64');
    literal.push(base64, base64.replace(/=+$/, ''), whole.toString('base64url'));
  }
  for (const core of base64Cores(bytes)) literal.push(core, toUrlAlphabet(core));
  const loose = loosePattern(value);
  return { literal: [...new Set(literal)].filter((text) => text !== ''), ...(loose ? { loose } : {}) };
}

/** A value as it appears inside a JSON string: quotes, backslashes and control characters escaped. */
export function jsonEscaped(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/**
 * The base64 characters that encode only the value's bytes, for each of the three ways the value
 * can sit in a longer base64 string (its offset modulo 3): a character that also holds bits of the
 * bytes before or after it depends on them, so it is left out. Aligned, that is the value's own
 * encoding but its last character or two. Pure.
 */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset += 1) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes, Buffer.alloc(2)]).toString('base64');
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    cores.push(encoded.slice(first, end));
  }
  return cores;
}

function toUrlAlphabet(base64: string): string {
  return base64.replace(/\+/g, '-').replace(/\//g, '_');
}

/** A character that no encoder here changes, so the pattern matches it as written. */
const PLAIN = /^[A-Za-z0-9]$/;

/**
 * The value with each character that is not a letter or a digit matched as written or escaped as
 * a percent-encoder or a JSON encoder may write it, whichever it chose for each character
 * (`encodeURIComponent`, a form's `+`, Python's `quote`, PHP's `\/` and `\u0022` alike), or
 * undefined when the value has no such character (its literal form is all there is).
 */
function loosePattern(value: string): Disguises['loose'] | undefined {
  const characters = [...value];
  if (characters.every((character) => PLAIN.test(character))) return undefined;
  const parts = characters.map((character) => {
    if (PLAIN.test(character)) return character;
    const ways = new Set([escapeRegExp(character), escapeRegExp(jsonEscaped(character))]);
    ways.add([...Buffer.from(character, 'utf8')].map((byte) => `%${hexPattern(byte, 2)}`).join(''));
    ways.add([...character].map((unit) => `\\\\u${hexPattern(unit.charCodeAt(0), 4)}`).join(''));
    if (character === ' ') ways.add('\\+');
    if (character === '/') ways.add('\\\\/');
    return `(?:${[...ways].join('|')})`;
  });
  const anchor = characters.join('').split(/[^A-Za-z0-9]+/).reduce((longest, run) => (run.length > longest.length ? run : longest), '');
  return { anchor, pattern: new RegExp(parts.join(''), 'g') };
}

/** `number` in `digits` hexadecimal digits, each letter matched in either case: `[aA]`. */
function hexPattern(number: number, digits: number): string {
  return [...number.toString(16).padStart(digits, '0')].map((digit) => (/[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit)).join('');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
