import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { sweepTemporaries } from '../storage/temporary-files.js';
import { isValidAgentName } from './names.js';
import { ensureStateGitignore } from './state-gitignore.js';

/** What `lemming bootstrap` did; paths are relative to the org root. */
export interface BootstrapReport {
  /** Files written because they were missing. */
  written: string[];
  /** Files that differ from the default: a person's edits, left alone. */
  kept: string[];
  /** Folders created because they were missing. */
  folders: string[];
}

/** The default org's files inside a template root (the lemming package itself). */
export function templateFiles(templateRoot: string): string[] {
  const files = ['org/org.yaml', 'org/chart.yaml'];
  for (const name of readdirSync(join(templateRoot, 'agents')).sort()) {
    if (isValidAgentName(name) && existsSync(join(templateRoot, 'agents', name, 'resume.md'))) files.push(`agents/${name}/resume.md`);
  }
  return files;
}

/**
 * Write the default org into `root`. Idempotent: a missing file is written, an
 * existing one is never overwritten (whether a person edited it or not), and missing
 * folders are made again, for every agent that has a resume.
 */
export function bootstrapOrg(root: string, templateRoot: string): BootstrapReport {
  const report: BootstrapReport = { written: [], kept: [], folders: [] };
  for (const file of templateFiles(templateRoot)) {
    const target = join(root, file);
    const content = readFileSync(join(templateRoot, file), 'utf8');
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
