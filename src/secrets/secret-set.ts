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

/** A value as it appears inside a JSON string: quotes, backslashes and control characters escaped. */
function jsonEscaped(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/**
 * A set of secret values, each known by the variable that holds it, and the cut that replaces
 * every copy of them in a text with a marker naming the variable. Each value is cut as written,
 * JSON-escaped (a value with a quote or a backslash inside a JSON file), and escaped twice (JSON
 * inside a JSON string, as a job or a trace may hold it). Pure.
 */
export class SecretSet {
  /** Every form of every value, longest first: a value that holds a shorter one is cut whole. */
  private forms: Form[] = [];
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
    const once = jsonEscaped(value);
    const twice = jsonEscaped(once);
    for (const text of new Set([value, once, twice])) this.forms.push({ text, marker });
    this.forms = this.forms.sort((left, right) => right.text.length - left.text.length);
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
