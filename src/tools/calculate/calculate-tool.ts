import { createRequire } from 'node:module';
import { toolError, toolOk, type ToolResult } from '../tool-result.js';

const require = createRequire(import.meta.url);

type MathInstance = ReturnType<(typeof import('mathjs'))['create']>;
let math: { evaluate: (expression: string) => unknown; format: (value: unknown) => string } | undefined;

/**
 * mathjs's number-only build (no units, matrices or big numbers to surprise anyone), made once,
 * loaded by the first calculation. Its parser is a parser, not `eval`; on top of that the functions
 * that would reach beyond arithmetic (defining functions and units, importing, parsing further
 * expressions) are taken out, as mathjs's own security notes advise.
 */
function calculator(): NonNullable<typeof math> {
  if (math) return math;
  const { create, all } = require('mathjs/number') as typeof import('mathjs');
  const instance: MathInstance = create(all ?? {}, {});
  const evaluate = instance.evaluate.bind(instance);
  const refuse = (name: string) => () => {
    throw new Error(`${name} is not available in calculate`);
  };
  instance.import(
    Object.fromEntries(['import', 'createUnit', 'evaluate', 'parse', 'simplify', 'derivative', 'resolve', 'reviver', 'replacer', 'compile', 'chain'].map((name) => [name, refuse(name)])),
    { override: true },
  );
  math = { evaluate: (expression) => evaluate(expression), format: (value) => instance.format(value as number, { precision: 14 }) };
  return math;
}

/** `calculate`: one expression, worked out exactly as written; a mistake in it is an error result saying where. */
export function calculateTool(expression: unknown): ToolResult {
  if (typeof expression !== 'string' || expression.trim() === '') return toolError('calculate: give the expression as "expression", like {"expression": "(2 + 3) * 4"}');
  if (expression.length > 2_000) return toolError('calculate: the expression is longer than 2,000 characters');
  try {
    const value = calculator().evaluate(expression);
    if (typeof value === 'function' || value === undefined) return toolError(`calculate: ${expression} is not a value`);
    const shown = typeof value === 'object' && value !== null && 'entries' in value ? JSON.stringify((value as { entries: unknown[] }).entries.map((entry) => calculator().format(entry))) : calculator().format(value);
    return toolOk(`${expression.trim()} = ${shown}`);
  } catch (error) {
    return toolError(`calculate: ${error instanceof Error ? error.message : String(error)}`);
  }
}
