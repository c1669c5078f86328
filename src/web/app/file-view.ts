import { ApiError, getJson } from './api.js';
import { el, show, tokens } from './dom.js';
import type { WorkspaceFileView } from './types.js';

/** The page's address of a workspace file: `#/file/coder_01/work/notes.md`. */
export function fileHash(agent: string, path: string): string {
  return `#/file/${encodeURIComponent(agent)}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * A file of an agent's workspace, read-only, as `GET /api/agents/:name/workspace` gives it (the
 * `read_file` tool's rules): its text as text (never markup), or why it is not shown: a binary, a
 * link, a path that leaves the workspace, a file that is not there.
 */
export async function filePage(main: HTMLElement, agent: string, path: string): Promise<() => void> {
  const box = el('div', { id: 'file-view' });
  show(main, box);
  const heading = el('h2', {}, `${agent} · ${path}`);
  try {
    const file = await getJson<WorkspaceFileView>(`/agents/${encodeURIComponent(agent)}/workspace`, { path });
    show(
      box,
      heading,
      el('p', { class: 'muted' }, el('code', {}, file.file), ` · ${tokens(file.size)} bytes · read-only · `, el('a', { href: `#/agent/${encodeURIComponent(agent)}` }, `${agent}'s page`)),
      file.binary ? el('p', { class: 'file-note' }, `a binary file (${tokens(file.size)} bytes): not shown`) : '',
      file.truncated && !file.binary ? el('p', { class: 'file-note' }, `only the first ${tokens(file.text.length)} characters of ${tokens(file.size)} bytes are shown`) : '',
      file.binary ? '' : el('pre', { class: 'file-text' }, file.text),
    );
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    show(box, heading, el('p', { class: 'error-text' }, error.message), el('p', {}, el('a', { href: `#/agent/${encodeURIComponent(agent)}` }, `${agent}'s page`)));
  }
  return () => undefined;
}
