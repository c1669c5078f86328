import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { sweepTemporaries } from '../storage/temporary-files.js';
import { isValidAgentName } from './names.js';
import { ensureStateGitignore } from './state-gitignore.js';
import { AGENT_TEMPLATES_FOLDER } from './templates/agent-templates.js';
import { readTemplateFiles } from './templates/read-template.js';

/** What `lemming bootstrap` did; paths are relative to the org root. */
export interface BootstrapReport {
  /** Files written because they were missing. */
  written: string[];
  /** Files that differ from the default: a person's edits, left alone. */
  kept: string[];
  /** Folders created because they were missing. */
  folders: string[];
}

/**
 * Write an org template (a folder of the package's `templates/`, or a user's) into `root`, its files
 * read through the one walker (templates/read-template.ts: a link in it is refused). Idempotent: a
 * missing file is written, an existing one is never overwritten (whether a person edited it or
 * not), and missing folders are made again, for every agent that has a resume. A template without
 * agent templates of its own gets those of `agentTemplatesFrom` (the default org's), so every org can
 * hire from them.
 */
export function bootstrapOrg(root: string, templateRoot: string, agentTemplatesFrom: string = templateRoot): BootstrapReport {
  const report: BootstrapReport = { written: [], kept: [], folders: [] };
  const files = readTemplateFiles(templateRoot);
  const isAgentTemplate = (file: string): boolean => file.startsWith(`${AGENT_TEMPLATES_FOLDER}/`);
  if (![...files.keys()].some(isAgentTemplate)) {
    for (const [file, content] of readTemplateFiles(agentTemplatesFrom)) if (isAgentTemplate(file)) files.set(file, content);
  }
  for (const [file, content] of [...files].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))) {
    const target = join(root, file);
    // A bootstrap killed part-way may have left a temporary here; it is run again to finish.
    sweepTemporaries(dirname(target));
    if (!existsSync(target)) {
      writeFileAtomic(target, content);
      report.written.push(file);
    } else if (readFileSync(target, 'utf8') !== content) {
      report.kept.push(file);
    }
  }
  const ensure = (folder: string): void => {
    const path = join(root, folder);
    if (!existsSync(path)) {
      mkdirSync(path, { recursive: true });
      report.folders.push(folder);
    }
  };
  ensure('org/state');
  if (ensureStateGitignore(root)) report.written.push('org/state/.gitignore');
  for (const name of readdirSync(join(root, 'agents')).sort()) {
    if (!isValidAgentName(name) || !existsSync(join(root, 'agents', name, 'resume.md'))) continue;
    for (const folder of ['outbox', 'memory', 'logs']) ensure(`agents/${name}/${folder}`);
  }
  return report;
}
