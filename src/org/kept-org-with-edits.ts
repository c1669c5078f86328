import { resolve } from 'node:path';
import { MAX_EDITED_MARKDOWN_BYTES, parseEdited, readEditedFileAndStat } from '../editable/edited-file.js';
import type { Problem } from '../errors.js';
import { StatAhead } from '../storage/stat-ahead.js';
import { assembleAgent, type AgentContext } from './assemble-agent.js';
import { CHART_FILE, ORG_FILE } from './names.js';
import type { Agent, Org } from './org.js';
import type { Parsed, ParsedResume } from './parse-files.js';
import {
  agentFolders,
  currentStamps,
  fileStamp,
  readSettledOrgQuick,
  readSettledOrgUnder,
  readSettledStampLists,
  settledKey,
  settledOrgKept,
  stampOf,
  type Kept,
} from './settled-org-cache.js';

/**
 * The resume parser (parse-files.ts parseResume), asked for only when a resume was edited: the CLI
 * loads the parsers then (org-for-reading.ts), so a command on unchanged files loads none.
 */
export type ResumeParser = () => (text: string, file: string) => Parsed<ParsedResume>;

/**
 * Past this many resumes edited since the org was kept, the whole load reads the org (and keeps it
 * again, so the next command takes it whole): a few hand edits are parsed on their own.
 */
export const MAX_EDITED_RESUMES = 1_000;

/** The org a command that reads is shown, taken from what was kept: its problems, and the resumes parsed to make it. */
export interface SettledRead {
  org: Org;
  problems: Problem[];
  /** The resumes read and parsed again, edited since the org was kept (relative to the root): none when nothing changed. */
  reparsed: string[];
}

/**
 * The org and its warnings as the last error-free load settled them, for a command that only reads
 * (status, inbox, a dry run's bounds): every file it was made of `stat`ed now, so a hand edit shows
 * at once. A big org (taken by its quick key, settled-org-cache.ts) whose resumes were edited since
 * has those resumes, and only those, read and parsed again (withHandEdits). Undefined when anything
 * else changed, or an edit is not a valid resume: the whole load then reads the files and says why.
 */
export function readSettledOrg(root: string, parser: ResumeParser): SettledRead | undefined {
  const quick = readSettledOrgQuick(root);
  if (quick) return withHandEdits(root, quick, quick.key, parser);
  if (!settledOrgKept(root)) return undefined;
  const folders = agentFolders(root);
  const stamps = folders && currentStamps(root, folders.names);
  const kept = folders && stamps ? readSettledOrgUnder(root, settledKey(stamps, folders.ignored)) : undefined;
  return kept && { org: kept.org, problems: kept.problems, reparsed: [] };
}

/**
 * The kept org, its resumes `stat`ed (on two cores past a few thousand, look-ahead.ts) against the
 * stamps it was kept with, and each resume edited since read through the one gate of editable files,
 * parsed, and made an agent by the one rule of it (assemble-agent.ts) in its kept place. The quick
 * key already holds org.yaml, the chart and the listing of `agents/` as they were, so the chart's
 * checks, which ask only who exists, stand. Undefined (the whole load decides) when the stamps were
 * not kept, a resume is gone, too many were edited, the org has checks across agents (a budget by
 * department, outside seats), the kept problems name an edited resume, or an edited resume has any
 * problem of its own or against org.yaml.
 */
function withHandEdits(root: string, kept: Kept, key: string, parser: ResumeParser): SettledRead | undefined {
  const lists = readSettledStampLists(root, key);
  const { org } = kept;
  const names = [...org.agents.keys()];
  if (!lists || lists.files.length !== names.length + 2 || lists.files[0] !== ORG_FILE || lists.files[1] !== CHART_FILE) return undefined;
  const base = resolve(root);
  for (const index of [0, 1]) if (stampOf(`${base}/${lists.files[index] as string}`) !== lists.stamps[index]) return undefined;
  const edited: number[] = [];
  const ahead = StatAhead.of({ prefix: `${base}/agents/`, names, suffix: '/resume.md' });
  try {
    for (let index = 0; index < names.length; index += 1) {
      if (lists.files[index + 2] !== `agents/${names[index] as string}/resume.md`) return undefined;
      const stat = ahead.get(index);
      if (!stat?.isFile()) return undefined;
      if (fileStamp(stat) === lists.stamps[index + 2]) continue;
      edited.push(index);
      if (edited.length > MAX_EDITED_RESUMES) return undefined;
    }
  } catch {
    return undefined;
  } finally {
    ahead.done();
  }
  if (edited.length === 0) return { org, problems: kept.problems, reparsed: [] };
  if (org.budget || org.outsideSeats || kept.memory === null) return undefined;
  const context: AgentContext = { registry: Object.keys(org.models), models: org.models, mcpServers: org.mcpServers, orgMemory: kept.memory, checkModels: true, commandTools: org.commandTools };
  const agents = new Map<string, Agent>(org.agents);
  const reparsed: string[] = [];
  const parseResume = parser();
  for (const index of edited) {
    const name = names[index] as string;
    const file = `agents/${name}/resume.md`;
    if (kept.problems.some((problem) => problem.file === file)) return undefined;
    const read = readEditedFileAndStat(`${base}/${file}`, file, MAX_EDITED_MARKDOWN_BYTES, base).read;
    if (!('text' in read)) return undefined;
    const text = read.text;
    const parsed = parseEdited(file, () => parseResume(text, file)) as Parsed<ParsedResume>;
    reparsed.push(file);
    if (!parsed.value || parsed.problems.length > 0) return undefined;
    const problems: Problem[] = [];
    const agent = assembleAgent(name, parsed.value, agents.get(name) as Agent, context, problems, false);
    if (problems.length > 0) return undefined;
    agents.set(name, agent);
  }
  return { org: { ...org, agents }, problems: kept.problems, reparsed };
}
