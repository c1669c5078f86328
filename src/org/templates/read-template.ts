import { join } from 'node:path';
import { MAX_ORG_YAML_BYTES } from '../../editable/edited-file.js';
import { EXIT, LemmingError } from '../../errors.js';
import { closeQuietly, openBase, openBeneath } from '../../sandbox/beneath/open-beneath.js';
import { readHeld } from '../../sandbox/beneath/read-beneath.js';
import { KIND_REASONS, KIND_WORDS, walkBeneath, type PassedOver } from '../../sandbox/beneath/walk-beneath.js';
import { isValidAgentName } from '../names.js';
import { AGENT_TEMPLATES_FOLDER } from './agent-templates.js';

/** How far a template's folder is walked: its files lie two folders down, and a template is a few hundred files at most. */
const TEMPLATE_BOUNDS = { depth: 3, pathBytes: 1024, entries: 10_000, fileBytes: MAX_ORG_YAML_BYTES, totalBytes: 256 * 1024 * 1024 };

/** Whether a path of a template folder is one lemming copies into an org: org.yaml, chart.yaml, each resume, each agent template. Pure. */
function isTemplateFile(parts: readonly string[]): boolean {
  const path = parts.join('/');
  if (path === 'org/org.yaml' || path === 'org/chart.yaml') return true;
  if (parts.length === 3 && parts[0] === 'agents' && parts[2] === 'resume.md') return isValidAgentName(parts[1] as string);
  return parts.length === 3 && `${parts[0]}/${parts[1]}` === AGENT_TEMPLATES_FOLDER && (parts[2] as string).endsWith('.md');
}

/**
 * An org template's files (org/org.yaml, org/chart.yaml, each agent's resume, each agent template),
 * by path relative to its folder, read through the one walker of what others wrote
 * (sandbox/beneath/walk-beneath.ts), as an import reads an archive: a template is often a clone of
 * someone's repository. Only plain files are read: a symbolic link, a pipe or a device in the
 * template's `org/` or `agents/` is refused, naming it (a link to /etc/shadow would otherwise be
 * written into the new org, and one to a resume would become a hire's prompt). Throws LemmingError
 * `bad-template`; a folder that cannot be opened reads as having no files.
 */
export function readTemplateFiles(templateRoot: string): Map<string, string> {
  const files = new Map<string, string>();
  const base = openBase(templateRoot);
  if ('code' in base) return files;
  let refused: (PassedOver & { reason: keyof typeof KIND_WORDS }) | undefined;
  try {
    const walked = walkBeneath(
      base.fd,
      TEMPLATE_BOUNDS,
      (entry) => {
        if (entry.passed !== undefined) {
          if (KIND_REASONS.has(entry.passed)) refused ??= { path: entry.path, reason: entry.passed as keyof typeof KIND_WORDS };
          return undefined;
        }
        if (!entry.stat.isFile() || !isTemplateFile(entry.parts)) return undefined;
        const opened = openBeneath(entry.folder, [entry.name], { kind: 'file' });
        if ('code' in opened) return undefined;
        try {
          const read = readHeld(opened.fd, MAX_ORG_YAML_BYTES);
          if (read !== undefined) files.set(entry.path, read.text);
        } finally {
          closeQuietly(opened.fd);
        }
        return undefined;
      },
      // Only its org's folders: a clone's .git, README and the rest are not read.
      { leaveOut: (name, parts) => parts.length === 0 && name !== 'org' && name !== 'agents' },
    );
    const met = walked.passed.find((passed) => KIND_REASONS.has(passed.reason));
    if (met) refused ??= { ...met, reason: met.reason as keyof typeof KIND_WORDS };
  } finally {
    closeQuietly(base.fd);
  }
  if (refused !== undefined) {
    throw new LemmingError(
      'bad-template',
      `${join(templateRoot, refused.path)} is ${KIND_WORDS[refused.reason]}; a template's files are read as an import reads an archive, plain files only, following no link: put the file itself there`,
      { exitCode: EXIT.usage },
    );
  }
  return files;
}
