import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { LogEntry } from '../../src/engine/record/agent-log.js';
import { logSegments } from '../../src/engine/record/log-segments.js';
import { type EngineState } from '../../src/engine/record/engine-state.js';
import { loadState } from '../../src/engine/record/state-store.js';
import type { LedgerEntry } from '../../src/engine/money/ledger.js';
import { statePaths } from '../../src/engine/record/state-paths.js';
import { recordLayout } from '../../src/storage/record-pieces.js';
import { readMessageFile, type ReadMessageResult } from '../../src/mailbox/message-file.js';
import { isMessageFileName } from '../../src/mailbox/outbox-scan.js';
import { parseMessage } from '../../src/mailbox/message-format.js';
import { RETIRED_FOLDER } from '../../src/mailbox/retired-folders.js';
import { OrgLoader } from '../../src/org/load-org.js';
import { parseResume } from '../../src/org/parse-files.js';

/**
 * Everything an org root holds after a run, read the way a person (or `lemming`)
 * would: the files, each outbox's messages, each agent's log, the ledger and the
 * engine's state. Lines that do not parse are kept as problems, not dropped.
 */
export interface OrgRecord {
  root: string;
  /** Every regular file under the root, relative, sorted. */
  files: string[];
  /** Everything else that is not a folder (links, pipes): never followed or opened. */
  special: string[];
  messages: OutboxFile[];
  logs: Map<string, LogEntry[]>;
  ledger: LedgerEntry[];
  /** Budgets of agents retired so far, from the resumes that went with their folders to agents/.retired/. */
  retiredBudgets: Map<string, number>;
  state: EngineState;
  /** Lines of logs and the ledger that are not whole JSON lines. */
  problems: string[];
}

export interface OutboxFile {
  /** Relative to the root: `agents/<sender>/outbox/<name>`. */
  file: string;
  sender: string;
  name: string;
  /** As the engine reads it: sender from the outbox, id from the file name. */
  read: ReadMessageResult;
  /** The `from:` the file itself claims, if it parses. */
  claimedFrom?: string;
}

function walk(root: string, directory: string, files: string[], special: string[]): void {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) walk(root, path, files, special);
    else (entry.isFile() ? files : special).push(relative(root, path));
  }
}

/** Whole JSON lines of a JSONL file; anything else (a cut line, a missing final newline) is a problem. */
export function readJsonLines<T>(path: string, label: string, problems: string[]): T[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  if (text !== '' && !text.endsWith('\n')) problems.push(`${label}: the last line is not finished`);
  const values: T[] = [];
  text.split('\n').forEach((line, index) => {
    if (line === '') return;
    try {
      values.push(JSON.parse(line) as T);
    } catch {
      problems.push(`${label}:${index + 1}: is not JSON: ${line.slice(0, 80)}`);
    }
  });
  return values;
}

export function readOrgRecord(root: string): OrgRecord {
  const files: string[] = [];
  const special: string[] = [];
  walk(root, root, files, special);
  files.sort();
  const problems: string[] = [];
  const messages: OutboxFile[] = [];
  const logs = new Map<string, LogEntry[]>();
  const agents = existsSync(join(root, 'agents')) ? readdirSync(join(root, 'agents')).filter((name) => name !== RETIRED_FOLDER).sort() : [];
  // A retired agent's folder keeps its outbox and log: its messages and lines count as its own.
  const retired = existsSync(join(root, 'agents', RETIRED_FOLDER)) ? readdirSync(join(root, 'agents', RETIRED_FOLDER)).sort() : [];
  const folders = [...retired.map((folder) => ({ agent: folder.replace(/-\d{6,}-.*$/, ''), path: `agents/${RETIRED_FOLDER}/${folder}` })), ...agents.map((agent) => ({ agent, path: `agents/${agent}` }))];
  const retiredBudgets = new Map<string, number>();
  // Messages are read as the engine reads them: capped at the org's engine.max_body_chars.
  const maxBodyChars = new OrgLoader(root).load().org.settings.max_body_chars;
  for (const { agent, path } of folders) {
    const outbox = join(root, path, 'outbox');
    const names = existsSync(outbox) ? readdirSync(outbox, { withFileTypes: true }).filter((entry) => entry.isFile() && isMessageFileName(entry.name)).map((entry) => entry.name).sort() : [];
    for (const name of names) {
      // Read as the engine reads it: a retired agent's from where its folder went.
      const read = readMessageFile(root, agent, name, 0, maxBodyChars);
      const outboxFile: OutboxFile = { file: `${path}/outbox/${name}`, sender: agent, name, read };
      if (!('error' in read)) {
        const parsed = parseMessage(readFileSync(join(outbox, name), 'utf8'));
        if ('message' in parsed && parsed.message.claimedFrom !== undefined) outboxFile.claimedFrom = parsed.message.claimedFrom;
      }
      messages.push(outboxFile);
    }
    // The log's earlier pieces (log-segments.ts) first, then the log.
    const logFile = `${path}/logs/activity.jsonl`;
    for (const file of [...logSegments(join(root, logFile)).map((piece) => relative(root, piece)), logFile]) {
      logs.set(agent, [...(logs.get(agent) ?? []), ...readJsonLines<LogEntry>(join(root, file), file, problems)]);
    }
    if (path.startsWith(`agents/${RETIRED_FOLDER}/`) && existsSync(join(root, path, 'resume.md'))) {
      const credits = parseResume(readFileSync(join(root, path, 'resume.md'), 'utf8'), `${path}/resume.md`).value?.frontMatter.credits;
      if (credits !== undefined) retiredBudgets.set(agent, credits);
    }
  }
  const paths = statePaths(root);
  // The ledger's earlier pieces (storage/record-pieces.ts) first, then the file.
  const ledger = [...recordLayout(paths.ledger).pieces.map((piece) => piece.path), paths.ledger].flatMap((file) => readJsonLines<LedgerEntry>(file, relative(root, file), problems));
  return { root, files, special, messages, logs, ledger, retiredBudgets, state: loadState(paths.state), problems };
}

/** The entries of one kind in an agent's log. */
export function logEvents(record: OrgRecord, agent: string, event: string): LogEntry[] {
  return (record.logs.get(agent) ?? []).filter((entry) => entry.event === event);
}
