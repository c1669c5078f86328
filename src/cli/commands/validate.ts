import { formatProblem, type Problem } from '../../errors.js';
import { listMessageFiles, outboxPath, readMessageFile } from '../../mailbox/message-file.js';
import { OrgLoader } from '../../org/load-org.js';
import { shortSecretWarnings } from '../../org/org-secrets.js';
import type { Output } from '../cli-context.js';

/** Every message file of every outbox that cannot be read, as warnings. */
function messageProblems(root: string, agents: string[], maxBodyChars: number): Problem[] {
  const problems: Problem[] = [];
  for (const agent of agents) {
    for (const name of listMessageFiles(root, agent)) {
      const result = readMessageFile(root, agent, name, 0, maxBodyChars);
      if ('error' in result) {
        problems.push({ file: `${outboxPath(agent)}/${name}`, message: `${result.error}; the engine skips it`, severity: 'warning' });
      }
    }
  }
  return problems;
}

/** `lemming validate`: check every file; each problem with file, field and a valid example; exit 1 on any error. */
export async function validateCommand(root: string, options: { json?: boolean }, output: Output): Promise<number> {
  const loaded = new OrgLoader(root).load();
  const problems = [...loaded.problems, ...(loaded.org ? [...shortSecretWarnings(loaded.org), ...messageProblems(root, [...loaded.org.agents.keys()], loaded.org.settings.max_body_chars)] : [])];
  if (loaded.org) {
    // Commands that cannot run here, isolation switched off, a fetch with nothing to reach: said once each, as warnings.
    const { outsideToolWarnings } = await import('../../tools/outside-warnings.js');
    problems.push(...(await outsideToolWarnings(loaded.org)));
  }
  const errors = problems.filter((problem) => problem.severity === 'error');
  if (options.json) {
    output.out(JSON.stringify({ valid: errors.length === 0, problems }, null, 2));
    return errors.length > 0 ? 1 : 0;
  }
  for (const problem of problems) output.out(`${problem.severity}: ${formatProblem(problem)}`);
  const warnings = problems.length - errors.length;
  if (errors.length === 0) {
    const agents = loaded.org ? loaded.org.agents.size : 0;
    output.out(`valid: ${agents} agent(s)${warnings > 0 ? `, ${warnings} warning(s)` : ''}`);
    return 0;
  }
  output.err(`${errors.length} error(s), ${warnings} warning(s)`);
  return 1;
}
