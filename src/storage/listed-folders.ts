/**
 * The folders of `folder` a loop goes through, sorted: each entry that is a folder itself (a link to
 * one is not: its type is the link's) and not hidden (a name starting with a dot). The one rule of
 * it, for the loop (the org's `agents/`, settled-org-cache.ts) and for the thread that lists for it
 * (FolderReads). Throws as `readdirSync` does. Run in the thread from its source text: it uses only its arguments.
 */
export function listedFolders(files: Pick<typeof import('node:fs'), 'readdirSync'>, folder: string): string[] {
  const names: string[] = [];
  for (const entry of files.readdirSync(folder, { withFileTypes: true })) if (entry.isDirectory() && !entry.name.startsWith('.')) names.push(entry.name);
  return names.sort();
}
