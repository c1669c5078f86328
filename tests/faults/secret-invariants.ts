import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Text shaped like a vendor key: `sk-...`, `sk-ant-...`, `sk-proj-...`. */
const KEY_SHAPE = /\bsk-[A-Za-z0-9_-]{16,}/;

/** Values of the environment's key-like variables, long enough not to match by chance. */
export function environmentSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(env)
    .filter(([name, value]) => /KEY|TOKEN|SECRET|PASSWORD/i.test(name) && value !== undefined && value.length >= 12)
    .map(([, value]) => value as string);
}

/**
 * No key, and nothing shaped like one, in any file under the root (the `.env` a person
 * keeps keys in aside) or in the other files named (a cassette).
 */
export function secretViolations(root: string, files: readonly string[], secrets: readonly string[], alsoSearch: readonly string[]): string[] {
  const violations: string[] = [];
  const search = [...files.filter((file) => file !== '.env').map((file) => ({ label: file, path: join(root, file) })), ...alsoSearch.map((path) => ({ label: path, path }))];
  for (const { label, path } of search) {
    let text: string;
    try {
      text = readFileSync(path, 'latin1');
    } catch {
      continue; // A link that points nowhere, or a pipe: nothing written there.
    }
    for (const secret of secrets) if (text.includes(secret)) violations.push(`${label}: holds an API key from the environment`);
    const shaped = KEY_SHAPE.exec(text);
    if (shaped) violations.push(`${label}: holds something shaped like an API key (${shaped[0].slice(0, 6)}...)`);
  }
  return violations;
}
