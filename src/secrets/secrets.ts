import { disguisesOf } from './disguises.js';

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

/** A value's escaped forms (see disguises.ts, `loose`), searched only in a text that holds its anchor. */
interface LooseForm {
  anchor: string;
  pattern: RegExp;
  marker: string;
}

/**
 * A set of secret values, each known by the variable that holds it, and the cut that replaces
 * every copy of them in a text with a marker naming the variable. Each value is cut as written
 * and in the disguises programs commonly give it (disguises.ts: JSON and percent escapes, base64,
 * hex, reversed), all worked out once when the value is added. Pure.
 */
export class SecretSet {
  /** Every literal form of every value, longest first: a value that holds a shorter one is cut whole. */
  private forms: Form[] = [];
  /** The escaped forms of the values that have characters an encoder escapes. */
  private readonly looseForms: LooseForm[] = [];
  /** Each value, with the variable it is known by. */
  private readonly values = new Map<string, string>();

  /** How many values are known. */
  get size(): number {
    return this.values.size;
  }

  /** Know `value` as `variable`'s; false (and nothing known) when it is shorter than MIN_SECRET_LENGTH. A value known already keeps its first name. */
  add(variable: string, value: string): boolean {
    if (value.length < MIN_SECRET_LENGTH) return false;
    if (this.values.has(value)) return true;
    this.values.set(value, variable);
    const marker = secretMarker(variable);
    const disguises = disguisesOf(value);
    for (const text of disguises.literal) this.forms.push({ text, marker });
    this.forms = this.forms.sort((left, right) => right.text.length - left.text.length);
    if (disguises.loose) this.looseForms.push({ ...disguises.loose, marker });
    return true;
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
   */
  cutIn<T>(value: T): T {
    if (typeof value === 'string') return this.cut(value) as T;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      value.forEach((item: unknown, index) => {
        const clean = this.cutIn(item);
        if (clean !== item) (copy ??= [...value])[index] = clean;
      });
      return (copy ?? value) as T;
    }
    if (value !== null && typeof value === 'object' && isPlain(value)) {
      const record = value as Record<string, unknown>;
      let copy: Record<string, unknown> | undefined;
      for (const key of Object.keys(record)) {
        const item = record[key];
        const clean = this.cutIn(item);
        if (clean !== item) (copy ??= { ...record })[key] = clean;
      }
      return (copy ?? value) as T;
    }
    return value;
  }
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
const known = new SecretSet();

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
