import { forgetAtNextCommand } from '../invocation.js';

/**
 * A value shorter than this is not treated as a secret: cutting it would cut ordinary text
 * (`true`, a port number, a word). Real keys and tokens are 20 characters and more;
 * `lemming validate` warns about a variable the org names whose value is shorter.
 */
export const MIN_SECRET_LENGTH = 8;

/** What stands in a text where a secret was: the variable's name, never any of its value. */
export function secretMarker(variable: string): string {
  return `[secret ${variable}]`;
}

/** One way a value can appear in text, and what replaces it. */
interface Form {
  text: string;
  marker: string;
}

/** A value's escaped forms (see Disguises, `loose`), searched only in a text that holds its anchor. */
interface LooseForm {
  anchor: string;
  pattern: RegExp;
  marker: string;
}

/**
 * A set of secret values, each known by the variable that holds it, and the cut that replaces
 * every copy of them in a text with a marker naming the variable. Each value is cut as written
 * and in the disguises programs commonly give it (disguisesOf, below: JSON and percent escapes, base64,
 * hex, reversed), all worked out once when the value is added. Pure.
 */
export class SecretSet {
  /** Every literal form of every value, longest first: a value that holds a shorter one is cut whole. */
  private forms: Form[] = [];
  /** The escaped forms of the values that have characters an encoder escapes. */
  private readonly looseForms: LooseForm[] = [];
  /** Each value, with the variable it is known by. */
  private readonly values = new Map<string, string>();
  /** The longest text a cut may replace, and every character such a text may hold (see `reach`). */
  private longest = 0;
  private readonly characters = new Set<string>();
  /** The bytes `mayCut` looks for (each form and anchor as latin1), worked out at its first call after an `add`. */
  private needles: Buffer[] | undefined;

  /** How many values are known. */
  get size(): number {
    return this.values.size;
  }

  /** Know `value` as `variable`'s; false (and nothing known) when it is shorter than MIN_SECRET_LENGTH. A value known already keeps its first name. */
  add(variable: string, value: string): boolean {
    if (value.length < MIN_SECRET_LENGTH) return false;
    if (this.values.has(value)) return true;
    this.values.set(value, variable);
    this.needles = undefined;
    const marker = secretMarker(variable);
    const disguises = disguisesOf(value);
    for (const text of disguises.literal) this.forms.push({ text, marker });
    this.forms = this.forms.sort((left, right) => right.text.length - left.text.length);
    if (disguises.loose) this.looseForms.push({ ...disguises.loose, marker });
    for (const text of disguises.literal) for (const character of text) this.characters.add(character);
    this.longest = Math.max(this.longest, ...disguises.literal.map((text) => text.length));
    if (disguises.loose) {
      // Each character escaped at most as `\uXXXX\uXXXX` or four `%XX`: twelve characters, of these.
      this.longest = Math.max(this.longest, 12 * [...value].length);
      for (const character of `${value}%\\u+/0123456789abcdefABCDEF`) this.characters.add(character);
    }
    return true;
  }

  /**
   * What a text cut a piece at a time must know to cut it as a whole would be cut (secret-stream.ts):
   * the longest text one cut replaces, and whether a character can be part of one. A text split where
   * a character that cannot be stands, with every cut shorter than `longest`, is cut the same in pieces.
   */
  reach(): { longest: number; mayHold: (character: string) => boolean; mayCut: (bytes: Buffer) => boolean } {
    return { longest: this.longest, mayHold: (character) => this.characters.has(character), mayCut: (bytes) => this.mayCut(bytes) };
  }

  /**
   * Whether `cut` could change `bytes` read as latin1 text: false only when no form and no anchor of
   * a loose form is in them, so a reader of bytes that are not text (a disk image, zeros) passes them
   * on without making a string of each piece (a 300 MiB export held ~90 MB of such strings and their
   * copies until the collector came). `cut` changes nothing in a text holding none of them. A form with
   * a character past latin1 is looked for by its latin1 bytes, which can only find it where it is not:
   * a true here is then answered by `cut` itself.
   */
  mayCut(bytes: Buffer): boolean {
    this.needles ??= [...this.forms.map((form) => form.text), ...this.looseForms.map((form) => form.anchor)].map((text) => Buffer.from(text, 'latin1'));
    return this.needles.some((needle) => bytes.includes(needle));
  }

  /** Each value and its variable, to hand to another thread of this process (its own set starts empty). */
  entries(): Array<[variable: string, value: string]> {
    return [...this.values].map(([value, variable]) => [variable, value]);
  }

  /** `text` with every known value replaced by its marker. */
  cut(text: string): string {
    let clean = text;
    for (const form of this.forms) {
      if (clean.includes(form.text)) clean = clean.split(form.text).join(form.marker);
    }
    for (const form of this.looseForms) {
      if (clean.includes(form.anchor)) clean = clean.replace(form.pattern, () => form.marker);
    }
    return clean;
  }

  /**
   * A value (an answer, a tool result, a job's data) with every string in it cut: plain objects and
   * arrays are copied where something in them changed, and returned as they are where nothing did.
   * What lies more than MAX_CUT_NESTING lists and maps deep is not walked but replaced by TOO_DEEP,
   * so no secret passes below the walk: a server's tool arguments a million lists deep overflowed the
   * call stack here, before the usage gate (providers/usage-gate.ts) could refuse them as malformed.
   */
  cutIn<T>(value: T, depth = 0): T {
    if (typeof value === 'string') return this.cut(value) as T;
    if ((Array.isArray(value) || (value !== null && typeof value === 'object' && isPlain(value))) && depth >= MAX_CUT_NESTING) return TOO_DEEP as T;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      value.forEach((item: unknown, index) => {
        const clean = this.cutIn(item, depth + 1);
        if (clean !== item) (copy ??= [...value])[index] = clean;
      });
      return (copy ?? value) as T;
    }
    if (value !== null && typeof value === 'object' && isPlain(value)) {
      const record = value as Record<string, unknown>;
      let copy: Record<string, unknown> | undefined;
      for (const key of Object.keys(record)) {
        const item = record[key];
        const clean = this.cutIn(item, depth + 1);
        if (clean !== item) (copy ??= { ...record })[key] = clean;
      }
      return (copy ?? value) as T;
    }
    return value;
  }
}

/**
 * The forms a secret value commonly takes in text a program wrote, so that cutting the value cuts
 * them too: an agent program, an HTTP agent, an MCP server or a command that echoes a key does not
 * always echo it as written. Computed once per value (SecretSet.add), never per text. (Here, not in a file of
 * their own: every command loads this file, and the module count of a start is kept low.)
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
interface Disguises {
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
function disguisesOf(value: string): Disguises {
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
function jsonEscaped(value: string): string {
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

/**
 * How deep lists and maps may sit inside each other in a value cut of secrets: far past what lemming's
 * own values hold and past the usage gate's 64 levels of a tool's arguments, which refuses a call nested
 * deeper, and well inside any thread's call stack.
 */
export const MAX_CUT_NESTING = 1_000;

/** What stands for a part of a value nested deeper than MAX_CUT_NESTING: not walked, so not kept. */
export const TOO_DEEP = `(nested more than ${MAX_CUT_NESTING} levels deep: not kept)`;

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

/** An object literal or JSON object, not a class instance (a Date, a Buffer, an Error) that copying would break. */
function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * The process's one set of secrets: the values of every variable the org names (model keys,
 * MCP `env:` and `headers:`) and every value in the org root's `.env`, registered when the org
 * is loaded and whenever a value is looked up (key-lookup.ts). Every writer calls `cutSecrets`
 * (or `withoutSecrets`) before text leaves the process: a file, a log, a trace, a cassette, a
 * job in Redis, an API answer, a line on the terminal. With nothing registered (the offline
 * org, the benchmarks) a cut is one look at an empty set.
 */
let known = new SecretSet();
// A command run in-process starts with none of an earlier command's secrets, as a new process would (src/invocation.ts).
forgetAtNextCommand(() => {
  known = new SecretSet();
});

/** Know `value` as the secret held by `variable`; a value shorter than MIN_SECRET_LENGTH is not one (false). */
export function registerSecret(variable: string, value: string | undefined): boolean {
  return value !== undefined && known.add(variable, value);
}

/**
 * Every secret known, as [variable, value]: only for a worker thread of this process, whose own
 * set starts empty (the dashboard's watch thread, which writes the search index).
 */
export function knownSecrets(): Array<[variable: string, value: string]> {
  return known.entries();
}

/** Whether any secret is known: a writer with a costly way to cut may ask first. */
export function hasSecrets(): boolean {
  return known.size > 0;
}

/** What cutting a text a piece at a time must know of the secrets known now (SecretSet.reach). */
export function secretsReach(): ReturnType<SecretSet['reach']> {
  return known.reach();
}

/** `text` with every known secret replaced by `[secret VARIABLE]`. */
export function cutSecrets(text: string): string {
  return known.size === 0 ? text : known.cut(text);
}

/** A value with every string in it cut (see SecretSet.cutIn): the same value when there was nothing to cut. */
export function withoutSecrets<T>(value: T): T {
  return known.size === 0 ? value : known.cutIn(value);
}

/**
 * An error whose message and stack are cut, for a thrown error that is about to be stored or
 * shown (a worker's failed job keeps both in Redis). The same object, so its class and fields stay.
 */
export function errorWithoutSecrets<T>(error: T): T {
  if (known.size === 0 || !(error instanceof Error)) return error;
  error.message = known.cut(error.message);
  if (error.stack !== undefined) error.stack = known.cut(error.stack);
  return error;
}
