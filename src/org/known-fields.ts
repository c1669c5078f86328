import type { z } from 'zod';

/** The parts of a zod 4 schema's definition this walk reads; the rest of it is left alone. */
interface Definition {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: readonly z.ZodType[];
  valueType?: z.ZodType;
  element?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
  getter?: () => z.ZodType;
}

/** Wrappers and pipes are looked through at most this deep at each step: a schema that refers to itself ends here. */
const MAX_UNWRAP = 32;

function definitionOf(schema: z.ZodType): Definition {
  return (schema as unknown as { _zod: { def: Definition } })._zod.def;
}

/** The schemas a value may be checked by, seen through defaults, optionals, pipes, unions and lazies. */
function unwrapped(schema: z.ZodType, depth = 0): z.ZodType[] {
  if (depth > MAX_UNWRAP) return [];
  const definition = definitionOf(schema);
  const inner = [definition.innerType, definition.in, definition.out, definition.left, definition.right, ...(definition.options ?? [])].filter(
    (part): part is z.ZodType => part !== undefined,
  );
  if (definition.type === 'lazy' && definition.getter) inner.push(definition.getter());
  if (definition.type === 'object' || definition.type === 'record' || definition.type === 'array') return [schema];
  return inner.flatMap((part) => unwrapped(part, depth + 1));
}

/** The schemas of the value at `path` under `schema`. */
function schemasAt(schema: z.ZodType, path: ReadonlyArray<string | number>): z.ZodType[] {
  let current = unwrapped(schema);
  for (const part of path) {
    current = current.flatMap((each) => {
      const definition = definitionOf(each);
      const next =
        definition.type === 'object' && typeof part === 'string' && definition.shape && Object.hasOwn(definition.shape, part)
          ? definition.shape[part]
          : definition.type === 'record'
            ? definition.valueType
            : definition.type === 'array' && typeof part === 'number'
              ? definition.element
              : undefined;
      return next === undefined ? [] : unwrapped(next);
    });
  }
  return current;
}

/**
 * The fields an object at `path` of a file checked by `schema` may have, in the schema's order:
 * what an unknown field there could have been meant as. Empty when the schema has no object there.
 */
export function knownFields(schema: z.ZodType, path: ReadonlyArray<string | number>): string[] {
  const fields = new Set<string>();
  for (const each of schemasAt(schema, path)) {
    const { type, shape } = definitionOf(each);
    if (type === 'object' && shape) for (const field of Object.keys(shape)) fields.add(field);
  }
  return [...fields];
}
