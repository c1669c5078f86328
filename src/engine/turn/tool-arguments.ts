/**
 * What a tool's argument may be: a string, one of a few strings, a list of strings (`names`), or
 * either a string or a list of strings (`name-or-names`: `to` of send_message).
 */
export type ArgumentSpec =
  | { kind: 'string'; required: boolean }
  | { kind: 'enum'; values: readonly string[]; required: boolean }
  | { kind: 'names' | 'name-or-names'; required: boolean };

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Check a model's tool arguments against a small spec. Pure, and cheap enough to run
 * for every call without loading a validation library. Extra fields are ignored.
 */
export function checkArguments<T>(value: unknown, spec: Record<string, ArgumentSpec>): { value: T } | { problems: string[] } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { problems: [`arguments: expected an object, received ${describe(value)}`] };
  }
  const input = value as Record<string, unknown>;
  const problems: string[] = [];
  const output: Record<string, unknown> = {};
  // Every call of a turn is checked: `for in` walks the spec without making an array of its entries.
  for (const field in spec) {
    const rule = spec[field] as ArgumentSpec;
    const given = input[field];
    if (given === undefined) {
      if (rule.required) problems.push(`${field}: is required`);
      continue;
    }
    if (rule.kind === 'names' || rule.kind === 'name-or-names') {
      const list = Array.isArray(given) && given.every((item) => typeof item === 'string');
      if (list && given.length === 0) problems.push(`${field}: must name at least one`);
      else if (list || (rule.kind === 'name-or-names' && typeof given === 'string')) output[field] = given;
      else problems.push(`${field}: expected ${rule.kind === 'names' ? 'a list of names' : 'a name or a list of names'}, received ${describe(given)}`);
      continue;
    }
    if (typeof given !== 'string') {
      problems.push(`${field}: expected ${rule.kind === 'enum' ? rule.values.join(' | ') : 'string'}, received ${describe(given)}`);
      continue;
    }
    if (rule.kind === 'enum' && !rule.values.includes(given)) {
      problems.push(`${field}: expected ${rule.values.join(' | ')}, received ${JSON.stringify(given.slice(0, 40))}`);
      continue;
    }
    output[field] = given;
  }
  return problems.length > 0 ? { problems } : { value: output as T };
}
