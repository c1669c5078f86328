/** A workspace file a message names: whose workspace, its path there (`shared/...` for the shared one), and the words that named it. */
export interface NamedFile {
  agent: string;
  path: string;
  named: string;
}

/** A path with a file's extension: `work/notes.md`, `agents/coder_01/workspace/app.py`, `README.md`. */
const PATH = /(?:^|[\s`'"(<[])((?:[\w.-]+\/)*[\w-][\w.-]*\.[A-Za-z][A-Za-z0-9]{0,7})(?=$|[\s`'"),.;:!?>\]])/g;

/**
 * The workspace files a message's body names, for the page to open: a path from the org root
 * (`agents/<name>/workspace/...` is that agent's, `workspace/...` the shared one), or a path of the
 * sender's workspace as its tools name it (`work/notes.md`, `shared/plan.md`). A bare name counts
 * only in a code span (`notes.md`), so "Node.js" in a sentence is not taken for a file; a link
 * (`https://...`) never matches, since a path starts after a space, a quote or a bracket. Each file once, in the order named. Pure.
 */
export function namedFiles(body: string, sender: string): NamedFile[] {
  const found = new Map<string, NamedFile>();
  const codeSpans = new Set([...body.matchAll(/`([^`\n]+)`/g)].flatMap((match) => (match[1] ?? '').split(/\s+/)));
  for (const match of body.matchAll(PATH)) {
    const named = match[1] ?? '';
    if (named.includes('..')) continue;
    let agent = sender;
    let path = named;
    const owned = /^agents\/([^/]+)\/workspace\/(.+)$/.exec(named);
    if (owned) {
      agent = owned[1] ?? sender;
      path = owned[2] ?? named;
    } else if (named.startsWith('workspace/')) {
      path = `shared/${named.slice('workspace/'.length)}`;
    } else if (!named.includes('/') && !codeSpans.has(named)) {
      continue;
    }
    const key = `${agent}\n${path}`;
    if (!found.has(key)) found.set(key, { agent, path, named });
  }
  return [...found.values()];
}
