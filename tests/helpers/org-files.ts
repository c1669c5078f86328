import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tempDir } from './temp-dirs.js';

/*
 * The helpers of an org's files that need none of lemming's modules. A test file that only starts
 * the built CLI and reads what it wrote imports these from here, not from temp-org.ts: that one
 * loads the engine through vitest's transform, about half a second of CPU in every file that runs
 * in a process of its own (docs/code.md, "Tests").
 */

export { tempDir };

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
/** The default org's template (what `lemming bootstrap` writes), in the repository. */
export const DEFAULT_ORG = join(REPO_ROOT, 'templates', 'software-team');

export function write(root: string, file: string, content: string | Buffer): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), content);
}

export function read(root: string, file: string): string {
  return readFileSync(join(root, file), 'utf8');
}

export function listOutbox(root: string, agent: string): string[] {
  try {
    return readdirSync(join(root, 'agents', agent, 'outbox')).sort();
  } catch {
    return [];
  }
}

export function resume(front: Record<string, string>, body = 'Do your job.'): string {
  return `---\n${Object.entries(front)
    .map(([key, value]) => `${key}: ${value}`)
    .join('\n')}\n---\n${body}\n`;
}

/**
 * Set the org's `history:` line (org/org.yaml) to keep its history or not, as a person would edit
 * it: new orgs keep one (`history: { keep: true }`); an org.yaml without the line gets one.
 */
export function setKeepHistory(root: string, keep: boolean): void {
  const file = join(root, 'org', 'org.yaml');
  const text = readFileSync(file, 'utf8');
  const line = `history: { keep: ${String(keep)} }`;
  writeFileSync(file, /^history:.*$/m.test(text) ? text.replace(/^history:.*$/m, line) : `${text}\n${line}\n`);
}
