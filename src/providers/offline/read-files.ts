import type { InboxItemMarkup } from '../../mailbox/prompt-markup.js';
import type { PromptView } from './read-prompt.js';
import { isChecker } from './team-work.js';
import type { OfflineCall, SeenResult } from './tool-use.js';

/**
 * A checker reads what it checks. A task that names the files behind the work (`The file: …`,
 * as a report says where its work was saved) is read before it is judged, by an agent whose role
 * is checking and who holds read_file; what was read goes into the report, so the person at the
 * top hears what the check found in the files, not only that it happened. Pure.
 */

/** A file a task names: as it was shown (from the org root), and the path read_file takes, or why it cannot be read. */
export interface NamedFile {
  shown: string;
  path?: string;
  unreadable?: string;
}

/**
 * The files a task names, as the agent's tools reach them: the shared workspace's `workspace/x` is
 * `shared/x`; its own `agents/<self>/workspace/x` is `x`; another agent's workspace is closed to it,
 * which is said rather than tried.
 */
export function filesNamed(view: Pick<PromptView, 'self'>, body: string): NamedFile[] {
  const files: NamedFile[] = [];
  for (const match of body.matchAll(/^The file: (\S+)$/gm)) {
    const shown = match[1] ?? '';
    if (files.some((file) => file.shown === shown)) continue;
    const own = `agents/${view.self}/workspace/`;
    const other = /^agents\/([a-z][a-z0-9_-]*)\/workspace\//.exec(shown)?.[1];
    if (shown.startsWith('workspace/')) files.push({ shown, path: `shared/${shown.slice('workspace/'.length)}` });
    else if (shown.startsWith(own)) files.push({ shown, path: shown.slice(own.length) });
    else files.push({ shown, unreadable: other ? `it is in ${other}'s own workspace, which only ${other} can open; it belongs in the shared workspace` : 'it is not in a workspace I can open' });
  }
  return files;
}

/** How many of a file's claims (its list items) a check quotes. */
const QUOTED_CLAIMS = 3;

/** What the checker says it read in one file: its size and its first claims, or why it could not. */
function readingOf(file: NamedFile, result: SeenResult | undefined): string {
  if (file.unreadable !== undefined) return `- I could not read ${file.shown}: ${file.unreadable}.`;
  if (!result || result.error) return `- I could not read ${file.shown}: ${result?.content.split('\n')[0] ?? 'no result came back'}.`;
  const lines = result.content.split('\n').filter((line) => line.trim() !== '');
  const claims = lines.filter((line) => /^\s*[-*] /.test(line)).map((line) => line.replace(/^\s*[-*] /, '').trim());
  const quoted = claims.slice(0, QUOTED_CLAIMS).map((claim) => `"${claim}"`).join('; ');
  return `- I read ${file.shown} (${lines.length} line(s)); ${claims.length > 0 ? `its claims: ${quoted}${claims.length > QUOTED_CLAIMS ? `, and ${claims.length - QUOTED_CLAIMS} more` : ''}` : 'it makes no claim I could list'}.`;
}

/**
 * A checker's reading of the files a task names: first the read_file calls (one step), then, once
 * their results are back, the lines its report gives them. Undefined when the agent does not check,
 * cannot read, or the task names no file.
 */
export function readNamedFiles(view: PromptView, item: InboxItemMarkup, results: readonly SeenResult[]): { calls: OfflineCall[] } | { said: string } | undefined {
  if (!view.tools.has('read_file') || !isChecker(view.title)) return undefined;
  const files = filesNamed(view, item.body);
  if (files.length === 0) return undefined;
  const readable = files.filter((file) => file.path !== undefined);
  const reads = results.filter((result) => result.name === 'read_file');
  if (readable.length > 0 && reads.length === 0) return { calls: readable.map((file) => ({ name: 'read_file', arguments: { path: file.path } })) };
  return { said: ['What I read:', ...files.map((file) => readingOf(file, file.path === undefined ? undefined : reads[readable.indexOf(file)]))].join('\n') };
}
