import { formatProblem, type Problem } from '../../errors.js';
import { listMessageFiles, outboxPath, readMessageFile } from '../../mailbox/message-file.js';
import { OrgLoader } from '../../org/load-org.js';
import { activationProblems } from '../../org/activation-rules.js';
import { shortSecretWarnings } from '../../org/org-secrets.js';
import type { Org } from '../../org/org.js';
import { findProgram } from '../../providers/command/find-program.js';
import type { Output } from '../cli-context.js';
import { ORG_FILE } from '../../org/names.js';
import { checkedFile, orgFileProblems } from '../../engine/org-file-problems.js';
import { readAgentTemplates, templateGrantProblems } from '../../org/templates/agent-templates.js';
import { listProposals, PROPOSALS_DIRECTORY } from '../../tools/proposals/proposal-store.js';
import { uncountableLines } from '../../engine/money/ledger.js';
import { LEDGER_FILE } from '../../org/ledger-line.js';
import { statePaths } from '../../engine/record/state-paths.js';
import { keptStateProblems } from '../../engine/record/kept-state-problems.js';
import { lookedAt, ownFolderProblems, workspaceOutside } from '../../org/own-folders.js';
import { SHARED_WORKSPACE } from '../../tools/workspace/workspace-path.js';

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

/** Every agent's folder, and the shared workspace, that leads out of the org (org/own-folders.ts). */
function linkedOutProblems(root: string, agents: readonly string[]): Problem[] {
  const problems = agents.flatMap((agent) => ownFolderProblems(root, agent));
  const shared = workspaceOutside(root, SHARED_WORKSPACE);
  return shared ? [...problems, shared] : problems;
}

/**
 * Each agent program of the registry that cannot be run from here (not installed, not executable):
 * an error, or a warning when the org sends its calls to workers (`engine.queue`), which need it instead.
 */
function programProblems(org: Org): Problem[] {
  const problems: Problem[] = [];
  for (const [modelKey, entry] of Object.entries(org.models)) {
    if (entry.provider !== 'command' || entry.command === undefined) continue;
    const found = findProgram(entry.command, org.root);
    if (!('problem' in found)) continue;
    const queued = org.settings.queue !== undefined;
    const message = queued ? `${found.problem}; the workers that serve it need it (engine.queue sends its calls to them)` : found.problem;
    problems.push({ file: 'org/org.yaml', field: `models.${modelKey}.command`, message, severity: queued ? 'warning' : 'error' });
  }
  return problems;
}

/** Agent templates (`org/templates/`) that cannot be read or would be refused as hires, and proposals that cannot be read: warnings, since the org runs without them. */
function sideFileWarnings(root: string, org: Org): Problem[] {
  const read = readAgentTemplates(root);
  const templates = [...read.problems, ...templateGrantProblems(read.grants, org)];
  const proposals = listProposals(root).problems.map((text): Problem => {
    const match = /^(org\/proposals\/[^\s:]+)(?::(\d+))?:?\s([\s\S]*)$/.exec(text);
    const line = match?.[2] === undefined ? undefined : Number(match[2]);
    return { file: match?.[1] ?? PROPOSALS_DIRECTORY, ...(line === undefined ? {} : { line }), message: `${match?.[3] ?? text}; it cannot be approved or carried out`, severity: 'warning' };
  });
  return [...templates, ...proposals];
}

/**
 * Every line of the ledger lemming cannot count: each stops the engine, `status` and `top-up` at the first,
 * so all are listed here at once, for a person mending them.
 */
function ledgerProblems(root: string): Problem[] {
  return uncountableLines(statePaths(root).ledger).map(({ file, line, problem }) => ({
    file,
    line,
    message: `${problem}; lemming cannot count this line, so no balance is shown and no turn runs until it is mended or removed`,
    severity: 'error',
  }));
}

/** `lemming validate`: check every file; each problem with file, field and a valid example; exit 1 on any error. */
export async function validateCommand(root: string, options: { json?: boolean }, output: Output): Promise<number> {
  let loaded: { org?: Org; problems: Problem[] } = { problems: [] };
  const problems = checkedFile('org/', () => {
    loaded = new OrgLoader(root).load();
    return loaded.problems;
  });
  const org = loaded.org;
  problems.push(...checkedFile(LEDGER_FILE, () => ledgerProblems(root)));
  // What the engine reads back at its next run (what servers taught, an unfinished turn's journal and planned org), through the run's own gates: what is not believed is said.
  problems.push(...checkedFile('org/state/', () => keptStateProblems(root, org)));
  if (org) {
    // Routing, lists, meetings and interventions: the checks a proposal is held to on the org it would make.
    problems.push(...orgFileProblems(root, org));
    problems.push(...checkedFile(ORG_FILE, () => [...programProblems(org), ...shortSecretWarnings(org), ...activationProblems(org)]));
    // Folders of the org that lead out of it, as a run would look at each agent's: before its outbox is read for messages.
    problems.push(...checkedFile('agents/', () => linkedOutProblems(root, [...org.agents.keys()])));
    // Not an outbox that leads out of the org: its files are no messages of the org's (said above).
    problems.push(...checkedFile('agents/', () => messageProblems(root, [...org.agents.keys()].filter((agent) => lookedAt(root, agent) === undefined), org.settings.max_body_chars)));
    problems.push(...checkedFile('org/', () => sideFileWarnings(root, org)));
    // Commands that cannot run here, isolation switched off, a fetch with nothing to reach: said once each, as warnings.
    const { outsideToolWarnings } = await import('../../tools/outside-warnings.js');
    problems.push(...(await checkedFile(ORG_FILE, () => outsideToolWarnings(org))));
  }
  const errors = problems.filter((problem) => problem.severity === 'error');
  if (options.json) {
    output.out(JSON.stringify({ valid: errors.length === 0, problems }, null, 2));
    return errors.length > 0 ? 1 : 0;
  }
  for (const problem of problems) output.out(`${problem.severity}: ${formatProblem(problem)}`);
  const warnings = problems.length - errors.length;
  if (errors.length === 0) {
    const agents = org ? org.agents.size : 0;
    output.out(`valid: ${agents} agent(s)${warnings > 0 ? `, ${warnings} warning(s)` : ''}`);
    return 0;
  }
  output.err(`${errors.length} error(s), ${warnings} warning(s)`);
  return 1;
}
