import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test, vi } from 'vitest';
import { assembleOrg, OrgAssembly, SUGGESTED_NAMES } from '../../src/org/assemble-org.js';
import { parseChartFile, parseOrgFile, parseResume, type ChartFile, type ParsedResume } from '../../src/org/parse-files.js';
import type { OrgFile } from '../../src/org/schema.js';
import { DEFAULT_ORG, resume, tempDir } from '../helpers/org-files.js';

const AGENTS = 2_000;
const agentName = (index: number): string => `a_${String(index).padStart(4, '0')}`;

/**
 * An org of AGENTS agents whose chart has `unknown` names in the first agent's send_to, each one
 * digit short of an agent's (`a_001` for `a_0001`), assembled both ways an org is (after every
 * resume, and as each is parsed). Counted: the names compared while it is assembled (each
 * comparison of a suggestion lower-cases the agent's name), and the warnings that suggest one.
 */
function assembled(unknown: number): { compared: number; suggestions: number; problems: number } {
  const root = tempDir('lemming-chart-suggestions-');
  const names = Array.from({ length: AGENTS }, (_, index) => agentName(index));
  const typos = Array.from({ length: unknown }, (_, index) => `a_${String(index).padStart(3, '0')}`);
  const lines = names.map((name, index) => `  ${name}:\n    reports_to: null\n    send_to: [${index === 0 ? [...typos, names[1]].join(', ') : names[0]}]\n    read_from: ["*"]\n`);
  const chart = parseChartFile(`agents:\n${lines.join('')}`).value as ChartFile;
  const orgFile = parseOrgFile(readFileSync(join(DEFAULT_ORG, 'org', 'org.yaml'), 'utf8')).value as OrgFile;
  const parsed = parseResume(resume({ title: 'Worker', model: 'offline', credits: '1' }), 'agents/a_0000/resume.md').value as ParsedResume;
  const frame = { root, orgFile, chart, chartLineOf: () => undefined };
  const lowered = vi.spyOn(String.prototype, 'toLowerCase');
  const after = assembleOrg({ ...frame, resumes: new Map(names.map((name) => [name, parsed])) });
  const asParsed = new OrgAssembly(frame, names, false);
  for (const name of names) asParsed.add(name, parsed);
  const second = asParsed.finish();
  const compared = lowered.mock.calls.length;
  lowered.mockRestore();
  expect(second.problems).toEqual(after.problems);
  return { compared, suggestions: after.problems.filter((problem) => problem.message.includes('did you mean')).length, problems: after.problems.length };
}

afterEach(() => vi.restoreAllMocks());

// Counted, not timed (as tests/perf/scaling.test.ts counts file work): a busy machine cannot fail it.
test('a chart naming many agents that do not exist suggests a name for the first few only: a few scans of the agents, not one a name', () => {
  const few = assembled(SUGGESTED_NAMES);
  const many = assembled(500);
  expect({ few: few.suggestions, many: many.suggestions }).toEqual({ few: SUGGESTED_NAMES, many: SUGGESTED_NAMES });
  expect(many.problems).toBe(500);
  // Each of the first few scans the agents once, in each of the two assemblies: names compared in the thousands.
  expect(few.compared).toBeGreaterThanOrEqual(2 * SUGGESTED_NAMES * AGENTS);
  expect(few.compared).toBeLessThanOrEqual(2 * SUGGESTED_NAMES * 2 * AGENTS + 1_000);
  // 495 more names that name no agent cost no scan more: a scan a name would be 495 × 2,000 comparisons.
  expect(many.compared - few.compared).toBeLessThan(AGENTS);
});
