import { describe, expect, test } from 'vitest';
import { OrgLoader } from '../../src/org/load-org.js';
import { parseChartFile, parseOrgFile, parseResume } from '../../src/org/parse-files.js';
import { defaultOrg, read, write } from '../helpers/temp-org.js';

const chart = [
  'agents:', //                                  1
  '  planner:', //                               2
  '    reports_to: manager', //                  3
  '    send_to: [manager, coder_01', //          4  the mistake
  '    read_from: [manager]', //                 5
  '  coder_01:', //                              6
  '    reports_to: planner', //                  7
  '',
].join('\n');

describe('a YAML mistake is reported at its own line', () => {
  test('an unclosed [ in the chart, a line before the parser notices', () => {
    expect(parseChartFile(chart).problems).toEqual([
      expect.objectContaining({ file: 'org/chart.yaml', line: 4, message: 'is not valid YAML: the [ opened on this line is never closed with ]' }),
    ]);
  });

  test('an unclosed [ opening the whole chart is one problem at its line, not the same line twelve times beside what it made of the rest', () => {
    const root = defaultOrg();
    const broken = read(root, 'org/chart.yaml').replace(/^agents:$/m, 'agents: [');
    expect(parseChartFile(broken).problems.map((problem) => [problem.line, problem.message])).toEqual([[3, 'is not valid YAML: the [ opened on this line is never closed with ]']]);
  });

  test('an unclosed [ at the end of the chart', () => {
    expect(parseChartFile('agents:\n  manager: [\n').problems).toEqual([expect.objectContaining({ line: 2 })]);
  });

  test('an unclosed quote and an unclosed { in org.yaml', () => {
    expect(parseOrgFile('name: "my org\nengine:\n  max_turns: 5\nmodels: {}\n').problems).toEqual([
      expect.objectContaining({ file: 'org/org.yaml', line: 1, message: 'is not valid YAML: the " opened on this line is never closed with "' }),
    ]);
    expect(parseOrgFile('name: my-org\nengine: {max_turns: 5\nmodels: {}\n').problems).toEqual([expect.objectContaining({ line: 2 })]);
  });

  test("a quote inside plain text is not an opener; a comment's brackets do not count", () => {
    const text = "name: it's-mine # [not a list\nengine:\n  max_turns: [5\nmodels: {}\n";
    expect(parseOrgFile(text).problems).toEqual([expect.objectContaining({ line: 3 })]);
  });

  test('in resume front matter, counting the opening --- as line 1', () => {
    const resume = '---\ntitle: Planner\nmodel: offline\ncredits: [1\nschedule: { every: 0 }\n---\nPlan.\n';
    expect(parseResume(resume, 'agents/planner/resume.md').problems).toEqual([
      expect.objectContaining({ file: 'agents/planner/resume.md', line: 4, message: expect.stringContaining('the [ opened on this line') }),
    ]);
  });

  test('other mistakes keep the line the parser gives', () => {
    expect(parseOrgFile('name: a\nname: b\n').problems).toEqual([expect.objectContaining({ line: 2, message: expect.stringMatching(/unique/) })]);
    expect(parseOrgFile('engine:\n\tmax_turns: 5\n').problems).toEqual([expect.objectContaining({ line: 2, message: expect.stringMatching(/Tabs/) })]);
  });

  test('through the loader, as validate and the run screen show it', () => {
    const root = defaultOrg();
    const text = read(root, 'org/chart.yaml');
    const line = text.split('\n').findIndex((entry) => entry.includes('send_to: [manager, coder_01]')) + 1;
    write(root, 'org/chart.yaml', text.replace('send_to: [manager, coder_01]', 'send_to: [manager, coder_01'));
    expect(new OrgLoader(root).load().problems).toContainEqual(expect.objectContaining({ file: 'org/chart.yaml', line }));
  });
});
