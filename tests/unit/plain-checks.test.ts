import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { parseChartFile, parseResume } from '../../src/org/parse-files.js';
import { checkChartColumns, checkPlainResume } from '../../src/org/plain-checks.js';
import { parsePlainChart, parsePlainFrontMatter } from '../../src/org/plain-org-files.js';
import { schemas } from '../../src/org/schema.js';
import { FRONT_MATTERS } from '../helpers/front-matters.js';

/** What a check gave, as the schema's parse would give it: the same values, in the same order of fields, or nothing (the schema decides). */
function expectSameVerdict(fast: unknown, slow: { success: boolean; data?: unknown }): void {
  if (fast === undefined) return;
  expect(slow.success).toBe(true);
  expect(fast).toEqual(slow.data);
  // Same order of fields all the way down: the caches write what they are given.
  expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.data));
}

/**
 * A chart's value (as YAML gives it) checked as the plain reader hands it over, by column; undefined
 * where the reader would not (no `agents` record alone, an entry that is no record, a field the
 * chart has not): the schema decides those.
 */
function checkPlainChart(value: Record<string, unknown>): ReturnType<typeof checkChartColumns> {
  const agents = value.agents;
  if (Object.keys(value).join() !== 'agents' || agents === null || typeof agents !== 'object' || Array.isArray(agents)) return undefined;
  const names = Object.keys(agents);
  const entries = names.map((name) => (agents as Record<string, unknown>)[name]);
  const fields = ['reports_to', 'send_to', 'read_from'];
  if (entries.some((entry) => entry === null || typeof entry !== 'object' || Array.isArray(entry) || Object.keys(entry).some((key) => !fields.includes(key)))) return undefined;
  const column = (field: string): unknown[] => entries.map((entry) => (entry as Record<string, unknown>)[field]);
  return checkChartColumns({ names, reportsTo: column('reports_to'), sendTo: column('send_to'), readFrom: column('read_from') });
}

const RESUMES: Array<Record<string, unknown>> = [
  { title: 'Worker agent_0001', model: 'bench', credits: 1000000 },
  { title: 'x', model: ['offline', 'gpt-4o-mini'], credits: 0.5, tools: ['send_message', 'files/*', 'read_file'], shared_workspace: 'write' },
  { title: 'x', model: 'm', schedule: { every: 10, offset: 5 } },
  { title: 'x', model: 'm', schedule: { offset: 2 } },
  { title: 'x', model: 'm', schedule: { every: 2 ** 53 } },
  { title: 'x', model: 'm', schedule: { every: 1.5 } },
  { title: 'x', model: 'm', schedule: { every: -1 } },
  { title: 'x', model: 'm', schedule: { every: 1, later: 2 } },
  { title: 'x', model: 'm', schedule: null },
  { title: 'x', model: 'm', credits: -0.25 },
  { title: 'x', model: 'm', credits: -0 },
  { title: 'x', model: 'm', credits: Number.POSITIVE_INFINITY },
  { title: 'x', model: 'm', credits: '1' },
  { title: '', model: 'm' },
  { title: 3, model: 'm' },
  { title: 'x', model: '' },
  { title: 'x', model: [] },
  { title: 'x', model: ['a', ''] },
  { title: 'x' },
  { model: 'm' },
  { title: 'x', model: 'm', tools: [] },
  { title: 'x', model: 'm', tools: ['not a tool'] },
  { title: 'x', model: 'm', tools: 'send_message' },
  { title: 'x', model: 'm', shared_workspace: 'all' },
  { title: 'x', model: 'm', persona: { department: 'sales', age: 34, remote: true } },
  { title: 'x', model: 'm', persona: { Department: 'sales' } },
  { title: 'x', model: 'm', persona: { note: 'a\nb' } },
  { title: 'x', model: 'm', persona: { note: 'x'.repeat(201) } },
  { title: 'x', model: 'm', persona: { age: Number.NaN } },
  { title: 'x', model: 'm', persona: [] },
  { title: 'x', role: 'lead', model: 'm' },
  { title: 'x', role: 'Team lead', model: 'm' },
  { title: 'x', role: 3, model: 'm' },
  { title: 'x', role: '', model: 'm' },
  { title: 'x', model: 'm', web_allow: ['docs.python.org'] },
  { title: 'x', model: 'm', memory: 'off' },
  { title: 'x', model: 'm', sandbox: { memory_mb: 64 } },
  { title: 'x', model: 'm', colour: 'blue' },
];

const CHARTS: Array<Record<string, unknown>> = [
  { agents: { a: { reports_to: null, send_to: ['*'], read_from: ['*'] } } },
  { agents: { a: { send_to: ['b'] }, b: { read_from: ['a'], reports_to: 'a' } } },
  { agents: { a: { reports_to: 'b', send_to: [], read_from: [] } } },
  { agents: {} },
  { agents: { a: { reports_to: 3 } } },
  { agents: { a: { send_to: 'b' } } },
  { agents: { a: { send_to: [1] } } },
  { agents: { a: { extra: 1 } } },
  { agents: { a: null } },
  { agents: { 'Bad Name': { send_to: [] } } },
  { agents: { lemming: { send_to: [] } } },
  { agents: { constructor: { send_to: ['*'] } } },
  { agents: [] },
  { agents: { a: {} }, name: 'x' },
];

describe('the schemas\' verdict on the plain form, without zod', () => {
  test.each(RESUMES)('resume %j: the resume schema\'s value, or left to the schema', (value) => {
    expectSameVerdict(checkPlainResume(value), schemas().resumeSchema.safeParse(value));
  });

  test.each(CHARTS)('chart %j: the chart schema\'s value, or left to the schema', (value) => {
    const fast = checkPlainChart(value);
    const slow = schemas().chartFileSchema.safeParse(value);
    expectSameVerdict(fast, slow);
    // Its agents in a record with no prototype, as the schema gives them.
    if (fast) expect(Object.getPrototypeOf(fast.agents)).toBe(Object.getPrototypeOf((slow.data as { agents: object }).agents));
  });

  test('the forms lemming writes are checked without zod: a bench worker, a populated person, a chart of everyone', () => {
    for (const text of ['title: Worker agent_0001\nmodel: bench\ncredits: 1000000\n', 'title: "Analyst: reads the data"\nmodel: offline\ncredits: 0.2\ntools: [send_message, remember, read_file]\npersona:\n  age: 34\n  department: sales\n', 'title: "Team lead: runs team 1"\nrole: lead\nmodel: offline\ncredits: 0.5\n']) {
      const plain = parsePlainFrontMatter(text);
      expect(plain && checkPlainResume(plain.value)).toEqual(schemas().resumeSchema.parse(parse(text)));
    }
    const chart = parsePlainChart('agents:\n  a:\n    reports_to: null\n    send_to: ["*"]\n    read_from: ["*"]\n  b:\n    reports_to: a\n    send_to: [a]\n    read_from: [a]\n');
    expect(chart && checkChartColumns(chart.columns)).toBeDefined();
  });

  test('a chart read by the plain reader, its entries with all, some or other orders of their fields, is the schema\'s value, in its order of fields', () => {
    const text = [
      'agents:',
      '  a:\n    reports_to: null\n    send_to: ["*"]\n    read_from: ["*"]',
      '  b:\n    send_to: [a]\n    read_from: [a]',
      '  c:\n    read_from: [a]\n    reports_to: a',
      '  constructor:\n    send_to: [a]',
      '',
    ].join('\n');
    const fast = parseChartFile(text);
    expect(fast.plain).toBe(true);
    expectSameVerdict(fast.value, schemas().chartFileSchema.safeParse(parse(text)));
    expect(Object.getPrototypeOf(fast.value?.agents)).toBeNull();
  });

  test('a chart the check refuses is read by the schema from the plain reader\'s value, which the check never changed', () => {
    const refused = parsePlainChart('agents:\n  a:\n    send_to: [b]\n  b:\n    send_to: 5\n');
    expect(refused && checkChartColumns(refused.columns)).toBeUndefined();
    expect(refused?.value).toEqual({ agents: { a: { send_to: ['b'] }, b: { send_to: 5 } } });
    const kept = parsePlainChart('agents:\n  a:\n    send_to: [b]\n  b:\n    read_from: [a]\n');
    expect(kept && checkChartColumns(kept.columns)?.agents).toEqual({ a: { reports_to: null, send_to: ['b'], read_from: [] }, b: { reports_to: null, send_to: [], read_from: ['a'] } });
    expect(kept?.value).toEqual({ agents: { a: { send_to: ['b'] }, b: { read_from: ['a'] } } });
  });
});


describe('a resume read by the fast path is the resume the YAML parser and the schema make', () => {
  test.each(FRONT_MATTERS)('front matter %j', (yaml) => {
    const text = `---\n${yaml}---\nDo the work.\n`;
    const parsed = parseResume(text, 'agents/a/resume.md');
    let value: unknown;
    try {
      value = parse(yaml) ?? {};
    } catch {
      // Not YAML at all: an error, said by the long way with its line.
      expect(parsed.value).toBeUndefined();
      expect(parsed.problems[0]?.line).toBeGreaterThan(1);
      return;
    }
    const slow = schemas().resumeSchema.safeParse(value);
    if (slow.success) {
      expect(parsed.problems).toEqual([]);
      expect(JSON.stringify(parsed.value?.frontMatter)).toBe(JSON.stringify(slow.data));
    } else {
      expect(parsed.value).toBeUndefined();
      expect(parsed.problems.length).toBeGreaterThan(0);
    }
  });
});
