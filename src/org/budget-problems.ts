import type { Problem } from '../errors.js';
import type { OrgBudget } from './budget-schema.js';
import type { Agent } from './org.js';

/**
 * What is wrong with org.yaml `budget:` against the org it belongs to: a department keyed by a name
 * that is no agent of the org. Pure.
 */
export function budgetProblems(budget: OrgBudget, agents: ReadonlyMap<string, Pick<Agent, 'name'>>): Problem[] {
  const problems: Problem[] = [];
  for (const lead of Object.keys(budget.departments ?? {})) {
    if (agents.has(lead)) continue;
    const some = [...agents.keys()].find((name) => name !== 'human') ?? 'manager';
    problems.push({
      file: 'org/org.yaml',
      field: `budget.departments.${lead}`,
      message: `names no agent of this org (there is no agents/${lead}/resume.md); a department is keyed by its lead in org/chart.yaml, for example \`departments: { ${some}: { credits: 5 } }\``,
      severity: 'error',
    });
  }
  if (budget.credits === undefined && Object.keys(budget.departments ?? {}).length === 0) {
    problems.push({ file: 'org/org.yaml', field: 'budget.credits', message: 'a budget with no ceiling sets nothing: give the org one, for example `budget: { credits: 20 }`, or a department one under `departments:`', severity: 'error' });
  }
  return problems;
}
