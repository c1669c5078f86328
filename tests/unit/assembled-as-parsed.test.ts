import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { assembleOrg, OrgAssembly } from '../../src/org/assemble-org.js';
import { orgOfFiles } from '../../src/org/check-candidate.js';
import { parseChartFile, parseOrgFile, parseResume, type ChartFile, type ParsedResume } from '../../src/org/parse-files.js';
import { checkedChartOf } from '../../src/org/plain-checks.js';
import { schemas, type OrgFile } from '../../src/org/schema.js';
import { DEFAULT_ORG, resume, tempDir, write } from '../helpers/org-files.js';

/**
 * A load that reads (no change asked) assembles each agent as its resume is parsed, on the listing's
 * word that every folder has a valid resume (src/org/check-candidate.ts, OrgAssembly), and takes that
 * only when the word held. A change to a resume turns it off, so the same files read with their own
 * text given as a change go through the one assembly after every resume: both must make the same org
 * and say the same problems in the same order, whether the word held or not.
 */
const CASES: Record<string, (root: string) => void> = {
  'the default org': () => {},
  'a chart naming nobody, a manager who is not there, an unknown name to send to': (root) =>
    appendFileSync(join(root, 'org', 'chart.yaml'), '  ghost:\n    reports_to: nobody\n    send_to: ["*"]\n    read_from: [manager]\n'),
  'a resume with no place in the chart, a chart out of name order': (root) => {
    write(root, 'agents/aaa_first/resume.md', resume({ title: 'First', model: 'offline', credits: '1' }));
    appendFileSync(join(root, 'org', 'chart.yaml'), '  zz_last:\n    send_to: [manager, someone_else]\n    read_from: ["*"]\n');
  },
  'a folder with no resume, named by the chart': (root) => {
    mkdirSync(join(root, 'agents', 'empty_folder'));
    appendFileSync(join(root, 'org', 'chart.yaml'), '  empty_folder:\n    reports_to: manager\n    send_to: ["*"]\n    read_from: ["*"]\n  late:\n    send_to: [empty_folder]\n    read_from: [empty_folder]\n');
    write(root, 'agents/late/resume.md', resume({ title: 'Late', model: 'offline', credits: '1' }));
  },
  'a resume that does not parse': (root) => write(root, 'agents/planner/resume.md', '---\ntitle: [unclosed\nmodel: offline\n---\n'),
  'a resume naming a tool that is neither built in nor an MCP grant (the command checks)': (root) =>
    write(root, 'agents/janitor/resume.md', resume({ title: 'Janitor', model: 'offline', credits: '1', tools: '[send_message, my_command]' })),
  'a model org.yaml does not list': (root) => write(root, 'agents/hr/resume.md', resume({ title: 'HR', model: 'no-such-model', credits: '1' })),
  'an outside seat that is not a person': (root) => appendFileSync(join(root, 'org', 'org.yaml'), '\noutside_seats: [human, planner]\n'),
  // The chart's names are placed among the agents' by walking both in name order, again from where a name falls back (assemble-org.ts, placesOf).
  'agents numbered past a power of ten, the chart in number order (w_9 before w_10, which sorts first), one name in it no agent has': (root) =>
    chartOfNumbered(root, 'w_', [...Array(120).keys()], (index) => (index === 57 ? ['  w_ghost:\n    send_to: [w_3]\n    read_from: ["*"]\n'] : [])),
  'a chart in the reverse of name order, falling back more often than the walk takes': (root) => chartOfNumbered(root, 'r_', [...Array(90).keys()].reverse().map((index) => String(index).padStart(3, '0'))),
};

/** An agent for each number, written to the chart in the order given, each reporting to the one before; `between` adds lines after an entry. */
function chartOfNumbered(root: string, prefix: string, numbers: Array<number | string>, between: (index: number) => string[] = () => []): void {
  const lines: string[] = [];
  numbers.forEach((number, index) => {
    const name = `${prefix}${number}`;
    write(root, `agents/${name}/resume.md`, resume({ title: name, model: 'offline', credits: '1' }));
    const boss = index === 0 ? 'manager' : `${prefix}${numbers[index - 1]}`;
    lines.push(`  ${name}:\n    reports_to: ${boss}\n    send_to: [${boss}]\n    read_from: ["*"]\n`, ...between(index));
  });
  appendFileSync(join(root, 'org', 'chart.yaml'), lines.join(''));
}

describe('an org assembled as its resumes are parsed is the one assembled after them', () => {
  for (const [name, make] of Object.entries(CASES)) {
    test(name, () => {
      const root = tempDir('lemming-assembled-as-parsed-');
      rmSync(root, { recursive: true, force: true });
      cpSync(DEFAULT_ORG, root, { recursive: true });
      make(root);
      const asParsed = orgOfFiles(root, new Map());
      const resumeFile = 'agents/manager/resume.md';
      const after = orgOfFiles(root, new Map([[resumeFile, readFileSync(join(root, resumeFile), 'utf8')]]));
      expect(asParsed.problems).toEqual(after.problems);
      expect(asParsed.org).toEqual(after.org);
    });
  }
});

describe("a chart the plain check gave is assembled from the names and entries it kept (plain-checks.ts, checkedChartOf)", () => {
  test('as the same chart read back from JSON (the parse cache), listed and looked up again, is', () => {
    const root = tempDir('lemming-checked-chart-');
    // Fields out of the schema's order (an entry made again by the check), one with no reports_to, a name no agent has.
    const text = 'agents:\n  zed:\n    read_from: ["*"]\n    send_to: [amy]\n  amy:\n    send_to: ["*"]\n    reports_to: zed\n    read_from: [zed, ghost]\n  ghost:\n    reports_to: amy\n    send_to: ["*"]\n    read_from: ["*"]\n';
    const chart = parseChartFile(text).value as ChartFile;
    expect(checkedChartOf(chart)?.names).toEqual(['zed', 'amy', 'ghost']);
    const orgFile = parseOrgFile(readFileSync(join(DEFAULT_ORG, 'org', 'org.yaml'), 'utf8')).value as OrgFile;
    const resumes = new Map(['amy', 'zed'].map((name) => [name, parseResume(resume({ title: name, model: 'offline', credits: '1' }), `agents/${name}/resume.md`).value as ParsedResume]));
    const frame = { root, orgFile, chartLineOf: () => undefined, resumes };
    const kept = assembleOrg({ ...frame, chart });
    const readBack = assembleOrg({ ...frame, chart: JSON.parse(JSON.stringify(chart)) as ChartFile });
    expect(kept.problems.map((problem) => problem.field)).toEqual(['agents.ghost', 'agents.amy.read_from.1']);
    expect(kept.problems).toEqual(readBack.problems);
    expect(kept.org).toEqual(readBack.org);
  });

  test('a load that reads assembles it without making its record of agents by name; the record, asked for, is the schema\'s', () => {
    const root = tempDir('lemming-checked-chart-');
    const text = 'agents:\n  zed:\n    read_from: ["*"]\n    send_to: [amy]\n  amy:\n    send_to: ["*"]\n    reports_to: zed\n  ghost:\n    reports_to: amy\n';
    const chart = parseChartFile(text).value as ChartFile;
    // At 100,000 agents the record (each name made a property key, listed and looked up again) was most of the chart's read:
    // the assembly takes the names and entries the check kept, and the record is made only for one who asks.
    const made = Object.getOwnPropertyDescriptor(chart, 'agents')?.get;
    expect(made).toBeTypeOf('function');
    let asked = 0;
    Object.defineProperty(chart, 'agents', { enumerable: true, get: () => ((asked += 1), made?.call(chart)) });
    const orgFile = parseOrgFile(readFileSync(join(DEFAULT_ORG, 'org', 'org.yaml'), 'utf8')).value as OrgFile;
    const names = ['amy', 'zed'];
    const assembly = new OrgAssembly({ root, orgFile, chartLineOf: () => undefined, chart }, names, false);
    for (const name of names) assembly.add(name, parseResume(resume({ title: name, model: 'offline', credits: '1' }), `agents/${name}/resume.md`).value as ParsedResume);
    const { org, problems } = assembly.finish();
    expect(problems.map((problem) => problem.field)).toEqual(['agents.ghost']);
    expect(org?.agents.get('amy')?.reportsTo).toBe('zed');
    expect(asked).toBe(0);
    expect(JSON.stringify(chart)).toBe(JSON.stringify(schemas().chartFileSchema.parse(parse(text))));
    expect(asked).toBe(1);
  });
});
