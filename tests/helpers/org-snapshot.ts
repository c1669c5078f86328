import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { recordLayout } from '../../src/storage/record-pieces.js';

function walk(directory: string, files: string[] = []): string[] {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) walk(path, files);
    else files.push(path);
  }
  return files;
}

/** Every file under the root, relative, sorted. */
export function allFiles(root: string): string[] {
  return walk(root)
    .map((path) => relative(root, path))
    .sort();
}

/** Every message file with its content, minus the `created:` time, which is wall-clock. */
export function messageFiles(root: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const file of allFiles(root).filter((path) => /^agents\/[^/]+\/outbox\//.test(path))) {
    result[file] = readFileSync(join(root, file), 'utf8').replace(/^created: .*$/m, 'created: -');
  }
  return result;
}

/**
 * A record of the org's kept in pieces (the ledger, taken.jsonl: storage/record-pieces.ts) as one text,
 * read file by file as a person would: its pieces in order, then the file itself; empty when it has none.
 */
export function recordText(path: string): string {
  const files = [...recordLayout(path).pieces.map((piece) => piece.path), path];
  return files.map((file) => (existsSync(file) ? readFileSync(file, 'utf8') : '')).join('');
}

/** The ledger's charges as `turn:agent:credits`, in the ledger's order (a turn's in its plan's order, engine/turn/turn-charges.ts), across its pieces. */
export function charges(root: string): string[] {
  return recordText(join(root, 'org/state/ledger.jsonl'))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { type: string; turn: number; agent: string; credits: number })
    .filter((entry) => entry.type === 'charge')
    .map((entry) => `${entry.turn}:${entry.agent}:${entry.credits}`);
}

/** Every agent's activity log, with the wall-clock `at` of each line taken out. */
export function activityLogs(root: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const file of allFiles(root).filter((path) => /^agents\/[^/]+\/logs\/activity\.jsonl$/.test(path))) {
    result[file] = readFileSync(join(root, file), 'utf8').replace(/"at":"[^"]*",/g, '');
  }
  return result;
}

/** Every file agents wrote with their tools (their workspaces and the shared one), with its content. */
export function workspaceFiles(root: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const file of allFiles(root).filter((path) => /^(workspace|agents\/[^/]+\/workspace)\//.test(path))) {
    result[file] = readFileSync(join(root, file), 'utf8');
  }
  return result;
}

/** Every file under the root with its text, the wall-clock times out (a message's `created:`, a line's time, how long a command ran as its result tells the model: docs/sandbox.md). */
export function orgFiles(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const file of allFiles(root)) {
    files[file] = readFileSync(join(root, file), 'utf8')
      .replace(/^created: .*$/gm, 'created: -')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
      .replace(/, ran \d+\.\d\d s/g, ', ran - s')
      // The ledger's checksum in engine.json covers its lines' times.
      .replace(/"crc":\d+/g, '"crc":-');
  }
  return files;
}

/**
 * The engine's own caches, which a run rebuilds as it likes (failing-agents.json, the held state, is not
 * one of them), and the history's store: its commits hold the wall-clock time they were made, and its
 * record of known files their stamps.
 */
const REBUILT = /^org\/state\/cache\/(parse-cache|settled-org|outbox-hints|planned-org)\.json$|^org\/state\/cache\/changed-agents\.log$|^org\/state\/history\.git\//;

/**
 * Every file of the org (orgFiles) but the engine's caches and the history's store (REBUILT), to compare two runs of it,
 * byte for byte: a turn's ledger lines, and the keys of the totals in its state part, are in the plan's order, however its calls ended.
 */
export function keptFiles(root: string): Record<string, string> {
  const files = orgFiles(root);
  for (const file of Object.keys(files)) if (REBUILT.test(file)) delete files[file];
  return files;
}
