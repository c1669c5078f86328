import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { parsePlainChart, parsePlainFrontMatter } from '../../src/org/plain-org-files.js';
import { FRONT_MATTERS } from '../helpers/front-matters.js';

describe('the plain form of a resume and a chart, read without the YAML parser', () => {
  test.each(FRONT_MATTERS)('front matter %j: read as YAML reads it, or left to YAML', (text) => {
    const plain = parsePlainFrontMatter(text);
    if (plain) expect(plain.value).toEqual(parse(text));
  });

  test('the fast path takes what populate writes, with the line of each field', () => {
    const plain = parsePlainFrontMatter('title: "Analyst: x"\nmodel: offline\ncredits: 0.2\npersona:\n  age: 34\n');
    expect(plain?.value).toEqual({ title: 'Analyst: x', model: 'offline', credits: 0.2, persona: { age: 34 } });
    // The front matter starts on the file's second line, after `---`.
    expect(plain?.lines.get('credits')).toBe(4);
    expect(plain?.lines.get('persona.age')).toBe(6);
    // The three lines a valid resume keeps are the ones its lines say (found again from the text when asked).
    expect([plain?.modelLine, plain?.creditsLine, plain?.toolsLine]).toEqual([3, 4, undefined]);
    const tools = parsePlainFrontMatter('tools: [send_message]\ntitle: x\ncredits: 1\nmodel: m\n');
    expect([tools?.modelLine, tools?.creditsLine, tools?.toolsLine]).toEqual([tools?.lines.get('model'), tools?.lines.get('credits'), tools?.lines.get('tools')]);
    expect(tools?.toolsLine).toBe(2);
  });

  const CHARTS = [
    '# a comment\nagents:\n  human:\n    reports_to: null\n    send_to: [agent_00001]\n    read_from: ["*"]\n  agent_00001:\n    reports_to: human\n    send_to: [human]\n    read_from: [human]\n',
    'agents:\n  a:\n    send_to: []\n',
    'agents:\n  a:\n',
    'agents:\n  a:\n    reports_to: b # boss\n',
    'agents:\n  a:\n    send_to:\n      - b\n',
    'agents:\n  a:\n    send_to: [b]\n  a:\n    send_to: [c]\n',
    'agents: {}\n',
    'name: x\nagents:\n  a:\n    send_to: [b]\n',
    'agents:\n  a:\n    send_to: [b]\n    extra: 1\n',
    'agents:\n  a:\n    send_to: ["*"]\n  b:\n',
    'agents:\n  a:\n    send_to: ["*"]\n    read_from: ["*"]\n  b:\n    send_to: ["*"]\n    read_from: ["*"]\n',
    'agents:\r\n  a:\r\n    send_to: [b]\r\n',
    'agents:\n  a:\n    reports_to: "b: c"\n    send_to: ["x, y", z]\n',
    'agents:\n  a:\n    reports_to: yes\n',
    'agents:\n  a:\n    reports_to: 1e3\n',
    'agents:\n  a:\n    reports_to:\n',
    'agents:\n  a:\n    send_to: [b]\n\n# the end\n',
    'agents:\n  a:\n    send_to: [b]   \n',
    'agents:\n  a:\n    send_to: >\n      b\n',
    'agents:\n  a:\n    send_to:[b]\n',
    'agents:\n  a:\n    reports_to: b: c\n',
    'agents:\n  constructor:\n    send_to: [a]\n  a-b_1:\n    reports_to: constructor\n',
    'agents:\n  a: \n    send_to: [b]\n',
    // A value that repeats the entry before it is compared where it lies; one that differs, or breaks a line, is read again.
    'agents:\n  a:\n    send_to: [b]\n  b:\n    send_to: [b]\n    read_from: [b]\n  c:\n    send_to: [b, c]\n    read_from: [b]\n  d:\n    send_to: [b]\n',
    'agents:\n  a:\n    send_to: [b]\n  b:\n    send_to: [b]\u2028\n',
    'agents:\n  a:\n    send_to: [b]\n  b:\n    send_to: [b]\n    send_to: [b]\n',
    'agents:\n  a:\n    reports_to: b\n  b:\n    reports_to: bb\n',
  ];

  test.each(CHARTS)('chart %j: read as YAML reads it, or left to YAML', (text) => {
    const plain = parsePlainChart(text);
    if (plain) expect(plain.value).toEqual(parse(text));
  });

  test('a chart whose entries repeat their values is read by the fast path, each entry its own', () => {
    const plain = parsePlainChart(CHARTS[CHARTS.length - 4] as string);
    expect(plain?.value).toEqual(parse(CHARTS[CHARTS.length - 4] as string));
    expect(parsePlainChart(CHARTS[CHARTS.length - 1] as string)?.value).toEqual({ agents: { a: { reports_to: 'b' }, b: { reports_to: 'bb' } } });
    // A line break JavaScript knows inside a value, and a field said twice, are left to YAML.
    expect(parsePlainChart(CHARTS[CHARTS.length - 3] as string)).toBeUndefined();
    expect(parsePlainChart(CHARTS[CHARTS.length - 2] as string)).toBeUndefined();
  });

  test('front matter with a line break JavaScript knows, a key run into its value, or a key with nothing under it is left to YAML', () => {
    for (const text of ['title: x\u2028y\nmodel: m\n', 'title:x\nmodel: m\n', 'title: x\npersona:\nmodel: m\n', 'title: x\nschedule: {}\n', 'title: x\n   age: 3\n', 'title: x\npersona:\n  age:3\n']) {
      expect({ text, plain: parsePlainFrontMatter(text) }).toEqual({ text, plain: undefined });
    }
    const nested = parsePlainFrontMatter('title: x\npersona:\n  age: 3\n  city: Oslo\nmodel: m\n');
    expect(nested?.value).toEqual({ title: 'x', persona: { age: 3, city: 'Oslo' }, model: 'm' });
    expect(nested?.lines.get('persona.city')).toBe(5);
  });

  test('a chart lemming writes is read by the fast path', () => {
    expect(parsePlainChart(CHARTS[0] as string)?.lines.get('agents.agent_00001.send_to')).toBe(9);
    expect(parsePlainChart(CHARTS[0] as string)?.lineOf(['agents', 'agent_00001', 'read_from', 0])).toBe(10);
  });
});
