import { relative, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { isMessageFileName } from '../../mailbox/outbox-scan.js';
import { formatProblem } from '../../errors.js';
import { OrgLoader } from '../../org/load-org.js';
import { describeOrgChange, type EditNotice } from './describe-org-change.js';

/** What the watcher reports: hand edits to the org's files (already validated), or a new or changed mail file. */
export type FileChange = { kind: 'edits'; notices: EditNotice[] } | { kind: 'mail'; file: string };

/** A source of file changes a screen can subscribe to; tests pass a scripted one. */
export interface FileWatch {
  subscribe(listener: (change: FileChange) => void): () => void;
  /** Resolves once the watcher sees every file, so an edit from then on is reported. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** What `watchOrgFiles` watches: hand edits, new mail, or both. */
export interface WatchOptions {
  /** Watch `org/*.yaml` and `agents/<name>/resume.md`, and validate each edit. */
  edits: boolean;
  /** Watch outboxes (and the engine's state, which holds the human's notices) for new mail. */
  mail: boolean;
  /** Editors save in several steps; wait this long after the last change before validating. */
  settleMs?: number;
}

/**
 * Watch an org root with chokidar: hand edits to the org's files are validated at
 * once with a loader of the watcher's own (the engine keeps its own and takes the
 * edit in at the next turn), and new mail files are reported as soon as they appear.
 */
export function watchOrgFiles(root: string, options: WatchOptions): FileWatch {
  const listeners = new Set<(change: FileChange) => void>();
  const emit = (change: FileChange): void => {
    for (const listener of listeners) listener(change);
  };
  const loader = new OrgLoader(root);
  const seen = new Set<string>();
  // The baseline: edits are reported relative to the org as it is when the watch starts; the problems it
  // has then are the screen's to show once (see problemNotices), not news at the first edit.
  if (options.edits) for (const problem of loader.load().problems) seen.add(formatProblem(problem));
  let checks = 0;
  let timer: NodeJS.Timeout | undefined;
  const checkEdits = (): void => {
    timer = undefined;
    checks += 1;
    const notices = describeOrgChange(loader.load(), seen, `watch-${checks}`);
    if (notices.length > 0) emit({ kind: 'edits', notices });
  };

  const watcher: FSWatcher = watch([`${root}${sep}org`, `${root}${sep}agents`], {
    ignoreInitial: true,
    depth: 3,
    ignored: (path) => isIgnored(relative(root, path).split(sep), options),
  });
  watcher.on('all', (event, path) => {
    const parts = relative(root, path).split(sep);
    if (isMailPath(parts)) {
      if (options.mail && (event === 'add' || event === 'change')) emit({ kind: 'mail', file: parts.join('/') });
      return;
    }
    if (!options.edits) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(checkEdits, options.settleMs ?? 120);
  });
  // A watcher that cannot watch (too many files, permissions) must not take the screen down: the engine still reloads.
  watcher.on('error', () => undefined);
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ready,
    async close() {
      if (timer) clearTimeout(timer);
      listeners.clear();
      await watcher.close();
    },
  };
}

function isMailPath(parts: string[]): boolean {
  return (parts.length === 4 && parts[0] === 'agents' && parts[2] === 'outbox') || parts.join('/') === 'org/state/engine.json';
}

/** Only the files a person edits and the mail files are watched; memory, logs and temporary files are not. */
function isIgnored(parts: string[], options: WatchOptions): boolean {
  const [top, second, third, fourth] = parts;
  if (top === 'org') {
    if (second === undefined) return false;
    if (second === 'org.yaml' || second === 'chart.yaml') return !options.edits;
    if (second === 'state') return !options.mail || (third !== undefined && third !== 'engine.json') || fourth !== undefined;
    return true;
  }
  if (top === 'agents') {
    if (second === undefined) return false;
    if (second.startsWith('.')) return true;
    if (third === undefined) return false;
    if (third === 'resume.md') return !options.edits || fourth !== undefined;
    if (third === 'outbox') return !options.mail || (fourth !== undefined && (!isMessageFileName(fourth) || parts.length > 4));
    return true;
  }
  return true;
}
