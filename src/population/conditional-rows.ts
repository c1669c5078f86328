/**
 * The rows of a conditional attribute (`given:` with `table:` or `distributions:`): with one given
 * attribute a row per value of it; with several (`given: [age_band, seniority]`) rows nested as
 * deep as they are named, a level per given attribute, so every combination of their values has a
 * row of its own (a tenure given age band and seniority). The rows come back flat, keyed by
 * `rowKey` of the combination, in the order the given attributes list their values. Pure.
 */

/** The most attributes one attribute may be given: 4 of 5 values each are already 625 rows to write. */
export const MAX_GIVEN = 4;

/** Joins a combination's values into one key; a value is one line without NUL, so the separator cannot be in one. */
const SEPARATOR = '\u0000';

/** The key of a row: the given attributes' values, in the order `given:` names them (one value is its own key). */
export function rowKey(values: readonly string[]): string {
  return values.join(SEPARATOR);
}

/** The values of a row's key, in the order `given:` names their attributes. */
export function rowValues(key: string): string[] {
  return key.split(SEPARATOR);
}

export type RowProblem = { path: string[]; message: string };

/**
 * The leaves of `rows`, nested a level per given attribute (each with its values), flat in
 * combination order; every missing and every extra row is a problem naming its path.
 */
export function flattenRows(rows: unknown, given: ReadonlyArray<{ name: string; values: readonly string[] }>): { rows?: Map<string, unknown>; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const flat = new Map<string, unknown>();
  const walk = (node: unknown, depth: number, path: string[], values: string[]): void => {
    const level = given[depth];
    if (level === undefined) {
      flat.set(rowKey(values), node);
      return;
    }
    const rest = given.slice(depth + 1).map((parent) => parent.name);
    if (typeof node !== 'object' || node === null || Array.isArray(node)) {
      problems.push({ path, message: `must be a row for each value of ${level.name} (${level.values.join(', ')})${rest.length > 0 ? `, each of them rows for ${rest.join(', then ')}` : ''}` });
      return;
    }
    const record = node as Record<string, unknown>;
    const missing = level.values.filter((value) => !Object.hasOwn(record, value));
    const extra = Object.keys(record).filter((value) => !level.values.includes(value));
    if (missing.length > 0) problems.push({ path, message: `has no row for ${missing.map((value) => JSON.stringify(value)).join(', ')}: a row for each value of ${level.name} (${level.values.join(', ')})` });
    if (extra.length > 0) problems.push({ path, message: `has a row for ${extra.map((value) => JSON.stringify(value)).join(', ')}, which ${extra.length > 1 ? 'are not values' : 'is not a value'} of ${level.name} (${level.values.join(', ')})` });
    for (const value of level.values) if (Object.hasOwn(record, value)) walk(record[value], depth + 1, [...path, value], [...values, value]);
  };
  walk(rows, 0, [], []);
  return problems.length > 0 ? { problems } : { rows: flat, problems };
}
