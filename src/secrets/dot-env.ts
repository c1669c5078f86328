import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Read `KEY=value` lines as a `.env` file writes them: `#` comments, an optional
 * `export `, values in single quotes (as written), double quotes (with \n, \t, \" and \\)
 * or bare (a ` #` starts a comment). Lines that are none of these are skipped. Pure.
 */
export function parseDotEnv(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(raw);
    if (!match || match[1] === undefined) continue;
    values.set(match[1], readValue(match[2] ?? ''));
  }
  return values;
}

function readValue(raw: string): string {
  const value = raw.trim();
  if (value.startsWith("'")) {
    const end = value.indexOf("'", 1);
    return end > 0 ? value.slice(1, end) : value.slice(1);
  }
  if (value.startsWith('"')) {
    let result = '';
    for (let index = 1; index < value.length; index += 1) {
      const character = value[index];
      if (character === '"') return result;
      if (character === '\\' && index + 1 < value.length) {
        index += 1;
        const escaped = value[index] ?? '';
        result += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
        continue;
      }
      result += character;
    }
    return result;
  }
  const comment = value.search(/\s#/);
  return (comment >= 0 ? value.slice(0, comment) : value).trim();
}

/** The `.env` file in the org root, if there is one. */
export function readDotEnv(root: string): Map<string, string> {
  try {
    return parseDotEnv(readFileSync(join(root, '.env'), 'utf8'));
  } catch {
    return new Map();
  }
}
