import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitFrontMatter } from '../../mailbox/front-matter.js';
import { yaml } from '../../lazy-modules.js';

/** A proposal waiting in `org/proposals/`, as its file says. */
export interface ProposalView {
  file: string;
  /** The front matter's fields, when it parses. */
  fields: Record<string, unknown>;
  body: string;
}

/** The proposals folder's files, in name order, or undefined when the org has no such folder. */
export function proposalsView(root: string): ProposalView[] | undefined {
  const directory = join(root, 'org', 'proposals');
  let names: string[];
  try {
    names = readdirSync(directory).filter((name) => !name.startsWith('.') && /\.(md|ya?ml|json)$/.test(name)).sort();
  } catch {
    return undefined;
  }
  return names.map((name) => {
    let text = '';
    try {
      text = readFileSync(join(directory, name), 'utf8');
    } catch {
      text = '';
    }
    const split = splitFrontMatter(text);
    let fields: Record<string, unknown> = {};
    try {
      const parsed: unknown = split ? yaml().parse(split.yaml) : undefined;
      if (parsed && typeof parsed === 'object') fields = parsed as Record<string, unknown>;
    } catch {
      fields = {};
    }
    return { file: `org/proposals/${name}`, fields, body: split ? split.body : text };
  });
}
