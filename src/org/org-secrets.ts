import type { Problem } from '../errors.js';
import { keyLookup, registerDotEnv } from '../secrets/key-lookup.js';
import { MIN_SECRET_LENGTH } from '../secrets/secrets.js';
import type { Org } from './org.js';
import type { ModelEntry } from './schema.js';
import { environment } from '../invocation.js';

/**
 * The environment variable that holds an entry's key: `api_key_env`, else the
 * vendor's usual name. An `openai-compatible` server needs no key unless the entry
 * names one, so that a local server is never sent an OpenAI key by accident.
 */
export function keyVariableFor(entry: ModelEntry): string | undefined {
  if (entry.api_key_env !== undefined) return entry.api_key_env;
  if (entry.provider === 'openai') return 'OPENAI_API_KEY';
  if (entry.provider === 'anthropic') return 'ANTHROPIC_API_KEY';
  return undefined;
}

/** A variable the org names as holding a secret, and where it names it (for a warning about its value). */
export interface NamedVariable {
  variable: string;
  /** `models.gpt.api_key_env`, `mcp_servers.github.env`, `mcp_servers.search.headers.Authorization`. */
  field: string;
}

/**
 * What an org says holds secrets: each registry entry's key variable (an agent program's `env:`, an
 * HTTP agent's `headers:`), the variables each MCP server's `env:` and `headers:` name, and each
 * `notify:` entry's URL and headers. Pure.
 */
export function namedVariables(org: Pick<Org, 'models' | 'mcpServers'> & Partial<Pick<Org, 'notify'>>): NamedVariable[] {
  const named: NamedVariable[] = [];
  for (const [key, entry] of Object.entries(org.models)) {
    const variable = keyVariableFor(entry);
    if (variable !== undefined) named.push({ variable, field: `models.${key}.api_key_env` });
    for (const passed of entry.env ?? []) named.push({ variable: passed, field: `models.${key}.env` });
    for (const [header, value] of Object.entries(entry.headers ?? {})) named.push({ variable: value, field: `models.${key}.headers.${header}` });
  }
  (org.notify ?? []).forEach((target, index) => {
    named.push({ variable: target.url_env, field: `notify.${index}.url_env` });
    for (const [header, value] of Object.entries(target.headers)) named.push({ variable: value, field: `notify.${index}.headers.${header}` });
  });
  for (const [name, config] of Object.entries(org.mcpServers)) {
    if ('command' in config) for (const variable of config.env) named.push({ variable, field: `mcp_servers.${name}.env` });
    else for (const [header, variable] of Object.entries(config.headers)) named.push({ variable, field: `mcp_servers.${name}.headers.${header}` });
  }
  return named;
}

/**
 * Register the org's secrets for this process: the value of every variable it names, from the
 * environment or the root's `.env` (as the providers read them), and every value in that `.env`.
 * Called whenever an org is loaded (load-org.ts, settled-org-cache.ts), so the engine, `serve`
 * and every command cut them from what they write and print.
 */
export function registerOrgSecrets(org: Pick<Org, 'root' | 'models' | 'mcpServers'> & Partial<Pick<Org, 'notify'>>, env: Readonly<Record<string, string | undefined>> = environment()): void {
  const lookup = keyLookup(org.root, env, registerDotEnv(org.root));
  for (const { variable } of namedVariables(org)) lookup(variable);
}

/**
 * A warning for each variable the org names whose value is set but shorter than MIN_SECRET_LENGTH:
 * lemming cannot tell it from ordinary text, so it is not cut from what lemming writes.
 */
export function shortSecretWarnings(org: Pick<Org, 'root' | 'models' | 'mcpServers'> & Partial<Pick<Org, 'notify'>>, env: Readonly<Record<string, string | undefined>> = environment()): Problem[] {
  const lookup = keyLookup(org.root, env);
  const warned = new Set<string>();
  const problems: Problem[] = [];
  for (const { variable, field } of namedVariables(org)) {
    const value = lookup(variable);
    if (value === undefined || value.length >= MIN_SECRET_LENGTH || warned.has(variable)) continue;
    warned.add(variable);
    problems.push({
      file: 'org/org.yaml',
      field,
      message: `names ${variable}, whose value is ${value.length} character(s) long: lemming treats only values of ${MIN_SECRET_LENGTH} characters or more as secrets, so this one is not cut from files, logs and recordings; check that it is the right value (a key or token is longer)`,
      severity: 'warning',
    });
  }
  return problems;
}
