import { readDotEnv } from './dot-env.js';
import { registerSecret } from './secrets.js';
import { environment } from '../invocation.js';

/** Where the value of a variable the org names is looked up: the environment first, then the org root's `.env`. */
export type KeyLookup = (variable: string) => string | undefined;

/**
 * A lookup over the process environment and the root's `.env` (read once, when first needed, unless
 * `read` is what it holds). Every value it finds is registered as a secret under its variable's
 * name, and so is every value in the `.env`: whoever holds a secret has it cut out of whatever it writes.
 */
export function keyLookup(root: string, env: Readonly<Record<string, string | undefined>> = environment(), read?: Map<string, string>): KeyLookup {
  let dotEnv = read;
  return (variable) => {
    const fromEnv = env[variable];
    if (fromEnv !== undefined && fromEnv !== '') {
      registerSecret(variable, fromEnv);
      return fromEnv;
    }
    dotEnv ??= registerDotEnv(root);
    const fromFile = dotEnv.get(variable);
    return fromFile === '' ? undefined : fromFile;
  };
}

/** Register every value in the root's `.env` as a secret (under its own name); the values read. */
export function registerDotEnv(root: string): Map<string, string> {
  const values = readDotEnv(root);
  for (const [variable, value] of values) registerSecret(variable, value);
  return values;
}
