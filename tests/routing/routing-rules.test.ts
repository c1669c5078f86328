import { afterEach, describe, expect, test } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrg } from '../../src/org/load-org-once.js';
import { parseRouting } from '../../src/org/routing/load-routing.js';
import { defaultOrg } from '../helpers/temp-org.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function org() {
  const root = defaultOrg();
  roots.push(root);
  return loadOrg(root).org;
}

describe('org/routing.yaml', () => {
  test('a valid file gives its rules, names filled in', () => {
    const loaded = parseRouting('forward:\n  - mail_to: manager\n    about: [budget, "cost report"]\n    forward_to: hr\n  - name: from-human\n    mail_to: manager\n    from: human\n    forward_to: planner\nescalate:\n  after_turns: 2\n  priorities: [urgent]\n', org());
    expect(loaded.problems).toEqual([]);
    expect(loaded.rules).toEqual({
      forward: [
        { name: 'forward.0', mailTo: 'manager', about: ['budget', 'cost report'], forwardTo: 'hr' },
        { name: 'from-human', mailTo: 'manager', from: 'human', forwardTo: 'planner' },
      ],
      escalate: { afterTurns: 2, priorities: ['urgent'] },
    });
  });

  test('a forward the chart does not allow is refused at load, with the chart field that refuses it', () => {
    // coder_01 may send only to planner: its mail cannot be forwarded to hr.
    const loaded = parseRouting('forward:\n  - mail_to: coder_01\n    about: [budget]\n    forward_to: hr\n', org());
    expect(loaded.rules).toBeUndefined();
    expect(loaded.problems).toHaveLength(1);
    const [problem] = loaded.problems;
    expect(problem).toMatchObject({ file: 'org/routing.yaml', field: 'forward.0.forward_to', line: 4, severity: 'error' });
    expect(problem?.message).toContain('this rule is refused: coder_01 may not send to hr (chart.yaml: agents.coder_01.send_to)');
    // The other end of the edge: manager may send to hr, and hr reads only from planner here.
    const root = defaultOrg();
    roots.push(root);
    const chart = readFileSync(join(root, 'org/chart.yaml'), 'utf8');
    writeFileSync(join(root, 'org/chart.yaml'), chart.replace('  hr:\n    reports_to: manager\n    send_to: [manager]\n    read_from: [manager]', '  hr:\n    reports_to: manager\n    send_to: [manager]\n    read_from: [planner]'));
    const otherEnd = parseRouting('forward:\n  - mail_to: manager\n    from: human\n    forward_to: hr\n', loadOrg(root).org);
    expect(otherEnd.problems[0]?.message).toContain('this rule is refused: hr does not read from manager (chart.yaml: agents.hr.read_from)');
  });

  test('every mistake is named with its file, line and field, and a valid example', () => {
    const text = [
      'forward:',
      '  - mail_to: managr',
      '    forward_to: hr',
      '    about: [budget]',
      '  - mail_to: manager',
      '    forward_to: hr',
      '  - mail_to: human',
      '    from: manager',
      '    forward_to: manager',
      '    colour: red',
      'escalate:',
      '  after_turns: 0',
      '  priorities: [asap]',
      'extra: 1',
    ].join('\n');
    const { problems, rules } = parseRouting(text, org());
    expect(rules).toBeUndefined();
    const byField = Object.fromEntries(problems.map((problem) => [problem.field, `${problem.line}: ${problem.message.split('\n')[0]}`]));
    expect(byField['forward.0.mail_to']).toMatch(/^2: "managr" is not an agent of this org/);
    expect(byField['forward.1']).toMatch(/^5: says neither `from:` nor `about:`/);
    expect(byField['forward.2.colour']).toMatch(/^10: unknown field "colour"/);
    expect(byField['forward.2.mail_to']).toMatch(/^7: human is a person/);
    expect(byField['escalate.after_turns']).toMatch(/^12: must be a whole number of turns from 1 to 10000/);
    expect(byField['escalate.priorities']).toMatch(/^13: must list priorities among low, normal, high, urgent/);
    expect(byField.extra).toMatch(/^14: unknown field "extra"/);
    expect(problems[0]?.message).toContain('a valid file looks like\nforward:\n  - name: refunds');
  });

  test('broken YAML is a problem with its line', () => {
    const { problems } = parseRouting('forward: [\n  - x\n', org());
    expect(problems[0]).toMatchObject({ file: 'org/routing.yaml', line: 1 });
    expect(problems[0]?.message).toContain('is not valid YAML');
  });
});
