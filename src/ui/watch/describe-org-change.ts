import { formatProblem, type Problem } from '../../errors.js';
import type { OrgLoadResult } from '../../org/load-org.js';
import { CHART_FILE, ORG_FILE } from '../../org/load-org.js';

/** One line about a hand edit: taken in, refused, or worth a look. */
export interface EditNotice {
  key: string;
  /** ok: the edit is valid and takes effect; problem: it is broken and the last valid version stays; info: a warning. */
  tone: 'ok' | 'problem' | 'info';
  text: string;
  /** The file the line is about, relative to the root: a problem is cleared from the screen once its file is fixed. */
  file?: string;
  /** The file had errors and has none now. */
  fixed?: boolean;
}

const NEXT_TURN = 'takes effect next turn';
const KEPT = 'the last valid version stays in force';
/** A broken edit can produce dozens of problems; the first few say enough, `lemming validate` says the rest. */
const MAX_PROBLEMS = 4;

/**
 * What a person should be told about a reload of the org's files, as the file watcher
 * sees it. Each file stands on its own: a valid edit is taken in while another file is
 * broken. Problems and warnings already shown are in `seen` and are not repeated, since
 * every load reports them again; a fixed file's are forgotten, so breaking it again is
 * told again. Pure apart from updating `seen`.
 */
export function describeOrgChange(result: OrgLoadResult, seen: Set<string>, keyPrefix: string): EditNotice[] {
  const notices: Omit<EditNotice, 'key'>[] = [];
  for (const file of result.fixed) {
    for (const text of [...seen]) if (text.startsWith(`${file}:`)) seen.delete(text);
  }
  const fresh = result.problems.filter((problem) => problem.severity === 'error' && !seen.has(formatProblem(problem)));
  for (const problem of fresh.slice(0, MAX_PROBLEMS)) {
    const text = formatProblem(problem);
    seen.add(text);
    notices.push({ tone: 'problem', text: `${text} — ${keptText(result, problem.file)}`, file: problem.file });
  }
  if (fresh.length > MAX_PROBLEMS) {
    for (const problem of fresh.slice(MAX_PROBLEMS)) seen.add(formatProblem(problem));
    notices.push({ tone: 'problem', text: `and ${fresh.length - MAX_PROBLEMS} more problem(s); \`lemming validate\` lists them all` });
  }
  const joined = new Set(result.joined);
  const fixed = new Set(result.fixed);
  for (const file of new Set([...result.reloaded, ...result.fixed])) {
    const agent = agentOfResume(file);
    if (agent !== undefined && joined.has(agent)) continue;
    const isFixed = fixed.has(file);
    notices.push({ tone: 'ok', text: `${describeFile(file)} ${isFixed ? 'fixed' : 'reloaded'} — ${NEXT_TURN}`, file, ...(isFixed ? { fixed: true } : {}) });
  }
  for (const name of result.joined) notices.push({ tone: 'ok', text: `${name}: joins at the next turn` });
  for (const name of result.left) notices.push({ tone: 'ok', text: `${name}: leaves at the next turn` });
  for (const problem of result.problems) {
    if (problem.severity !== 'warning') continue;
    const text = formatProblem(problem);
    if (seen.has(text)) continue;
    seen.add(text);
    notices.push({ tone: 'info', text: `warning: ${text}`, file: problem.file });
  }
  return notices.map((notice, index) => ({ ...notice, key: `${keyPrefix}-${index}` }));
}

/** What stays in force while `file` is broken: its last valid version, or, for a new agent, nothing yet. */
function keptText(result: OrgLoadResult, file: string): string {
  const agent = agentOfResume(file);
  if (agent !== undefined && !result.org.agents.has(agent)) return `${agent} is not in the org until it is fixed`;
  if (result.standIns.includes(file)) return 'there is no valid version to use until it is fixed';
  return KEPT;
}

/** The org's problems as they stand when a screen opens: each with its file, so mending it clears it. Pure. */
export function problemNotices(problems: readonly Problem[], keyPrefix: string): EditNotice[] {
  return problems.map((problem, index) => ({
    key: `${keyPrefix}-${index}`,
    tone: problem.severity === 'error' ? 'problem' : 'info',
    text: `${problem.severity === 'warning' ? 'warning: ' : ''}${formatProblem(problem)}`,
    file: problem.file,
  }));
}

/**
 * Add notices to those on screen: a fixed file's problems are cleared, and only the last
 * `max` lines are kept. Pure; the run screen and the chat both use it.
 */
export function addEditNotices(shown: readonly EditNotice[], incoming: readonly EditNotice[], max: number): EditNotice[] {
  const fixed = incoming.flatMap((notice) => (notice.fixed && notice.file ? [notice.file] : []));
  const all = [...clearFixed(shown, fixed), ...incoming];
  return all.length > max ? all.slice(-max) : all;
}

/** The notices on screen without the problems of files that are fixed now. Pure. */
export function clearFixed(shown: readonly EditNotice[], fixedFiles: readonly string[]): EditNotice[] {
  if (fixedFiles.length === 0) return [...shown];
  const fixed = new Set(fixedFiles);
  return shown.filter((notice) => notice.tone !== 'problem' || notice.file === undefined || !fixed.has(notice.file));
}

/** "manager: resume", "chart", "org.yaml": how a person names the file they just saved. */
function describeFile(file: string): string {
  if (file === CHART_FILE) return 'chart.yaml';
  if (file === ORG_FILE) return 'org.yaml';
  const agent = agentOfResume(file);
  return agent === undefined ? file : `${agent}: resume`;
}

function agentOfResume(file: string): string | undefined {
  return /^agents\/([^/]+)\/resume\.md$/.exec(file)?.[1];
}
