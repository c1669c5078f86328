import type { z } from 'zod';
import type { Problem } from '../errors.js';
import { FIELD_EXAMPLES } from './schema.js';
import type { YamlSource } from './yaml-source.js';

/** Turn zod's issues into problems that name the file, the field, the line and a valid example. */
export function schemaProblems(error: z.ZodError, file: string, source: YamlSource): Problem[] {
  return error.issues.map((issue) => {
    const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
    const field = path.length > 0 ? path.join('.') : undefined;
    const lastName = [...path].reverse().find((part): part is string => typeof part === 'string');
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      message = `unknown field(s) ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}; remove or rename them`;
    } else if (issue.code === 'invalid_type' && valueAt(source.value, path) === undefined) {
      message = 'is required but missing';
    }
    // A field named alike in two places (`command` of an MCP server and of a command tool) has an example per place.
    const placed = typeof path[0] === 'string' && lastName !== undefined ? FIELD_EXAMPLES[`${path[0]}.${lastName}`] : undefined;
    const example = placed ?? (lastName === undefined ? undefined : FIELD_EXAMPLES[lastName]);
    const problem: Problem = {
      file,
      message: example && issue.code !== 'unrecognized_keys' ? `${message}; a valid value looks like \`${example}\`` : message,
      severity: 'error',
    };
    if (field !== undefined) problem.field = field;
    const line = source.lineOf(path);
    if (line !== undefined) problem.line = line;
    return problem;
  });
}

function valueAt(value: unknown, path: ReadonlyArray<string | number>): unknown {
  let current = value;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}
