import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Org } from '../../src/org/org.js';
import { parseDotEnv } from '../../src/secrets/dot-env.js';
import { MIN_SECRET_LENGTH } from '../../src/secrets/secrets.js';

/** Text shaped like a vendor key: `sk-...`, `sk-ant-...`, `sk-proj-...`. */
const KEY_SHAPE = /\bsk-[A-Za-z0-9_-]{16,}/;

/** Values of the environment's key-like variables, long enough not to match by chance. */
export function environmentSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(env)
    .filter(([name, value]) => /KEY|TOKEN|SECRET|PASSWORD/i.test(name) && value !== undefined && value.length >= 12)
    .map(([, value]) => value as string);
}

/**
 * What the org names as secret, found here on its own (not with lemming's code, which is what is
 * checked): each registry entry's key variable (`api_key_env`, or OPENAI_API_KEY / ANTHROPIC_API_KEY
 * for those vendors), each MCP server's `env:` and `headers:` variables.
 */
function namedVariables(org: Org): string[] {
  const names: string[] = [];
  for (const entry of Object.values(org.models)) {
    const variable = entry.api_key_env ?? (entry.provider === 'openai' ? 'OPENAI_API_KEY' : entry.provider === 'anthropic' ? 'ANTHROPIC_API_KEY' : undefined);
    if (variable !== undefined) names.push(variable);
  }
  for (const config of Object.values(org.mcpServers)) names.push(...('command' in config ? config.env : Object.values(config.headers)));
  return names;
}

/**
 * The values a run of the org held as secrets: every named variable's value, from `env` (the
 * run's environment) or else the root's `.env`, and every value in that `.env`. Values shorter
 * than lemming's minimum are left out: docs/real-models.md says they are not treated as secrets.
 */
export function orgSecrets(root: string, org: Org, env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  let dotEnv = new Map<string, string>();
  try {
    dotEnv = parseDotEnv(readFileSync(join(root, '.env'), 'utf8'));
  } catch {
    // No .env: the environment alone.
  }
  const values = namedVariables(org).map((variable) => (env[variable] === undefined || env[variable] === '' ? dotEnv.get(variable) : env[variable]));
  return [...new Set([...values, ...dotEnv.values()])].filter((value): value is string => value !== undefined && value.length >= MIN_SECRET_LENGTH);
}

/** A secret as it may appear: as written, and escaped inside a JSON string (a value with a quote or a backslash). */
function formsOf(secret: string): string[] {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1)])];
}

/** One line per secret found in `text` (never the secret itself). */
export function secretsIn(label: string, text: string, secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const secret of secrets) {
    if (formsOf(secret).some((form) => text.includes(form))) found.push(`${label}: holds a secret (${secret.length} characters, starting ${JSON.stringify(secret.slice(0, 3))})`);
  }
  return found;
}

/**
 * No secret, and nothing shaped like a key, in any file under the root (the `.env` a person
 * keeps keys in aside) or in the other files named (a cassette, and the tool tape beside it).
 */
export function secretViolations(root: string, files: readonly string[], secrets: readonly string[], alsoSearch: readonly string[]): string[] {
  const violations: string[] = [];
  const tapes = alsoSearch.map((path) => `${path}.tools.jsonl`).filter((path) => existsSync(path));
  const search = [...files.filter((file) => file !== '.env').map((file) => ({ label: file, path: join(root, file) })), ...[...alsoSearch, ...tapes].map((path) => ({ label: path, path }))];
  for (const { label, path } of search) {
    let text: string;
    try {
      text = readFileSync(path, 'latin1');
    } catch {
      continue; // A link that points nowhere, or a pipe: nothing written there.
    }
    violations.push(...secretsIn(label, text, secrets));
    const shaped = KEY_SHAPE.exec(text);
    if (shaped) violations.push(`${label}: holds something shaped like an API key (${shaped[0].slice(0, 6)}...)`);
  }
  return violations;
}
