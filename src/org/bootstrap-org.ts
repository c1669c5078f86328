import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { sweepTemporaries } from '../storage/temporary-files.js';
import { isValidAgentName } from './names.js';
import { ensureStateGitignore } from './state-gitignore.js';
import { AGENT_TEMPLATES_FOLDER } from './templates/agent-templates.js';

/** What `lemming bootstrap` did; paths are relative to the org root. */
export interface BootstrapReport {
  /** Files written because they were missing. */
  written: string[];
  /** Files that differ from the default: a person's edits, left alone. */
  kept: string[];
  /** Folders created because they were missing. */
  folders: string[];
}

/** An org template's files (org.yaml, chart.yaml, each resume, each agent template), relative to its folder. */
export function templateFiles(templateRoot: string): string[] {
  const files = ['org/org.yaml', 'org/chart.yaml'];
  const agents = join(templateRoot, 'agents');
  for (const name of existsSync(agents) ? readdirSync(agents).sort() : []) {
    if (isValidAgentName(name) && existsSync(join(agents, name, 'resume.md'))) files.push(`agents/${name}/resume.md`);
  }
  return [...files, ...agentTemplateFiles(templateRoot)];
}

/** The agent templates (`org/templates/*.md`) in a folder, relative to it. */
function agentTemplateFiles(templateRoot: string): string[] {
  const folder = join(templateRoot, AGENT_TEMPLATES_FOLDER);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((entry) => entry.endsWith('.md'))
    .sort()
    .map((entry) => `${AGENT_TEMPLATES_FOLDER}/${entry}`);
}

/**
 * Write an org template (a folder of the package's `templates/`, or a user's) into `root`. Idempotent: a
 * missing file is written, an existing one is never overwritten (whether a person edited it or
 * not), and missing folders are made again, for every agent that has a resume. A template without
 * agent templates of its own gets those of `agentTemplatesFrom` (the default org's), so every org can
 * hire from them.
 */
export function bootstrapOrg(root: string, templateRoot: string, agentTemplatesFrom: string = templateRoot): BootstrapReport {
  const report: BootstrapReport = { written: [], kept: [], folders: [] };
  const sources = new Map(templateFiles(templateRoot).map((file) => [file, templateRoot]));
  if (agentTemplateFiles(templateRoot).length === 0) for (const file of agentTemplateFiles(agentTemplatesFrom)) sources.set(file, agentTemplatesFrom);
  for (const [file, source] of sources) {
    const target = join(root, file);
    const content = readFileSync(join(source, file), 'utf8');
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
