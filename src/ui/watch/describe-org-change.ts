import { formatProblem } from '../../errors.js';
import type { OrgLoadResult } from '../../org/load-org.js';
import { CHART_FILE, ORG_FILE } from '../../org/load-org.js';

/** One line about a hand edit: taken in, refused, or worth a look. */
export interface EditNotice {
  key: string;
  /** ok: the edit is valid and takes effect; problem: it is broken and the last valid version stays; info: a warning. */
  tone: 'ok' | 'problem' | 'info';
  text: string;
}

const NEXT_TURN = 'takes effect next turn';
const KEPT = 'the last valid version stays in force';
/** A broken edit can produce dozens of problems; the first few say enough, `lemming validate` says the rest. */
const MAX_PROBLEMS = 4;

/**
 * What a person should be told about a reload of the org's files, as the file watcher
 * sees it. Warnings already shown are passed in `seenWarnings` and are not repeated,
 * since every load reports them again. Pure apart from adding to `seenWarnings`.
 */
export function describeOrgChange(result: OrgLoadResult, seenWarnings: Set<string>, keyPrefix: string): EditNotice[] {
  const notices: Omit<EditNotice, 'key'>[] = [];
  const errors = result.problems.filter((problem) => problem.severity === 'error');
  if (errors.length > 0) {
    for (const problem of errors.slice(0, MAX_PROBLEMS)) notices.push({ tone: 'problem', text: `${formatProblem(problem)} — ${KEPT}` });
    if (errors.length > MAX_PROBLEMS) {
      notices.push({ tone: 'problem', text: `and ${errors.length - MAX_PROBLEMS} more problem(s); \`lemming validate\` lists them all` });
    }
  } else {
    const joined = new Set(result.joined);
    for (const file of result.reloaded) {
      const agent = agentOfResume(file);
      if (agent !== undefined && joined.has(agent)) continue;
      notices.push({ tone: 'ok', text: `${describeFile(file)} reloaded — ${NEXT_TURN}` });
    }
    for (const name of result.joined) notices.push({ tone: 'ok', text: `${name}: joins at the next turn` });
    for (const name of result.left) notices.push({ tone: 'ok', text: `${name}: leaves at the next turn` });
  }
  for (const problem of result.problems) {
    if (problem.severity !== 'warning') continue;
    const text = formatProblem(problem);
    if (seenWarnings.has(text)) continue;
    seenWarnings.add(text);
    notices.push({ tone: 'info', text: `warning: ${text}` });
  }
  return notices.map((notice, index) => ({ ...notice, key: `${keyPrefix}-${index}` }));
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
