import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { parsePlainChart, parsePlainFrontMatter } from '../../src/org/plain-org-files.js';

/** Front matter a person or lemming might write: the fast path must read each as YAML does, or leave it to YAML. */
const FRONT_MATTERS = [
  'title: Engineering manager\nmodel: offline\ncredits: 0.5\n',
  'title: "Analyst: answers questions"\nmodel: [offline, gpt-4o-mini]\ncredits: 1e-3\ntools: [send_message, remember, "files/*"]\nschedule: { every: 10, offset: 5 }\nshared_workspace: write\n',
  'title: x\npersona:\n  department: sales\n  age: 34\n  remote: "1"\n  manager: true\n',
  'title: yes\nmodel: offline\n',
  'title: x\ncredits: 01\n',
  'title: x\ncredits: 0x1F\n',
  'title: x\ncredits: 1_000\n',
  'title: a # not a comment?\n',
  'title: trailing \n',
  'title:\tx\n',
  'title: x\ntitle: y\n',
  '__proto__: x\ntitle: y\n',
  'title: x\npersona:\n',
  'title: x\npersona:\n    deep: 1\n',
  'title: x\ntools:\n  - send_message\n',
  'title: &a x\nmodel: *a\n',
  'title: x # comment\n',
  'title: "a, b"\ntools: ["a, b"]\n',
  'title: [a, [b]]\n',
  'title: { a: 1, a: 2 }\n',
  'title: x\ncredits: -0.25\n',
  'title: x\ncredits: .5\n',
  'title: null\n',
  'title: ~\n',
  'title: "\\u00e9t\\u00e9"\n',
  'title: x\r\nmodel: y\r\n',
];

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
  ];

  test.each(CHARTS)('chart %j: read as YAML reads it, or left to YAML', (text) => {
    const plain = parsePlainChart(text);
    if (plain) expect(plain.value).toEqual(parse(text));
  });

  test('a chart lemming writes is read by the fast path', () => {
    expect(parsePlainChart(CHARTS[0] as string)?.lines.get('agents.agent_00001.send_to')).toBe(9);
    expect(parsePlainChart(CHARTS[0] as string)?.lineOf(['agents', 'agent_00001', 'read_from', 0])).toBe(10);
  });

  test('entries that say the same each get their own list, as from the YAML parser', () => {
    const agents = parsePlainChart(CHARTS[10] as string)?.value.agents as Record<string, { send_to: string[] }>;
    expect(agents.a?.send_to).toEqual(['*']);
    expect(agents.a?.send_to).not.toBe(agents.b?.send_to);
  });
});
