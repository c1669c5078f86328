import { describe, expect, test } from 'vitest';
import { OrgLoader } from '../../src/org/load-org.js';
import { defaultOrg, read, write } from '../helpers/temp-org.js';

/** The problems of org/org.yaml once `setting` is put under `engine:` (or at the end, when `at` says so). */
function problemsWith(root: string, base: string, setting: string, at: 'engine' | 'end' = 'engine') {
  const text = at === 'engine' ? base.replace(/^engine:\n/m, `engine:\n${setting}\n`) : `${base}\n${setting}\n`;
  write(root, 'org/org.yaml', text);
  return new OrgLoader(root).load().problems.filter((problem) => problem.file === 'org/org.yaml');
}

/** The example an error offers: the text between the backquotes of "a valid value looks like `…`", its comment left off. */
function offered(message: string): string | undefined {
  return /a valid value looks like `([^`]*?)(?:\s+#[^`]*)?`/.exec(message)?.[1];
}

/**
 * A mistake in the settings of activation, the loop breakers, the context and the history is named
 * with a valid value, and the value offered is valid where the mistake was: put in its place, the
 * file loads. Before, a probability of 2 said only "Too big", a breaker of -4 only "Invalid input",
 * and `history: { keep: 7 }` offered `keep: 50`, the call traces' setting, which history refuses too.
 */
describe('a wrong engine setting offers a value that is valid in its place', () => {
  const cases: Array<{ name: string; wrong: string; field: string; mend: (example: string) => string; at?: 'engine' | 'end' }> = [
    { name: 'an activation probability of 2', wrong: '  activation:\n    rules:\n      - probability: 2', field: 'engine.activation.rules.0.probability', mend: (example) => `  activation:\n    rules:\n      - ${example}` },
    { name: 'an activation probability of NaN', wrong: '  activation:\n    rules:\n      - probability: .nan', field: 'engine.activation.rules.0.probability', mend: (example) => `  activation:\n    rules:\n      - ${example}` },
    { name: 'an at_most of 0', wrong: '  activation:\n    rules:\n      - at_most: 0', field: 'engine.activation.rules.0.at_most', mend: (example) => `  activation:\n    rules:\n      - ${example}` },
    { name: 'a negative seed', wrong: '  activation:\n    seed: -5\n    rules: [{ probability: 0.5 }]', field: 'engine.activation.seed', mend: (example) => `  activation:\n    ${example}\n    rules: [{ probability: 0.5 }]` },
    { name: 'no rules', wrong: '  activation:\n    rules: []', field: 'engine.activation.rules', mend: (example) => `  activation:\n    ${example}` },
    { name: 'a ping-pong breaker of -4', wrong: '  breakers:\n    ping_pong: -4', field: 'engine.breakers.ping_pong', mend: (example) => `  breakers:\n    ${example}` },
    { name: 'a repeated-message breaker with times NaN', wrong: '  breakers:\n    repeated_messages: { times: .nan, within: 10 }', field: 'engine.breakers.repeated_messages', mend: (example) => `  breakers:\n    ${example}` },
    { name: 'an escalation storm to `stop`', wrong: '  breakers:\n    escalation_storm: stop', field: 'engine.breakers.escalation_storm', mend: (example) => `  breakers:\n    ${example}` },
    { name: 'a spend breaker of -1 a turn', wrong: '  breakers:\n    spend: { credits_per_turn: -1 }', field: 'engine.breakers.spend.credits_per_turn', mend: (example) => `  breakers:\n    spend: { ${example} }` },
    { name: 'a spend window of 1e309', wrong: '  breakers:\n    spend: { credits_per_turn: 0.1, window: 1e309 }', field: 'engine.breakers.spend.window', mend: (example) => `  breakers:\n    spend: { credits_per_turn: 0.1, ${example} }` },
    { name: 'a history kept as 7', wrong: 'history: { keep: 7 }', field: 'history.keep', mend: (example) => `history: { ${example} }`, at: 'end' },
  ];

  test.each(cases)('$name', ({ wrong, field, mend, at }) => {
    const root = defaultOrg();
    // The default org sets its context and history: the case gives its own.
    const base = read(root, 'org/org.yaml').replace(/^history:.*\n/m, at === 'end' ? '' : '$&');
    const [problem, ...others] = problemsWith(root, base, wrong, at);
    expect(others).toEqual([]);
    expect(problem).toMatchObject({ field, severity: 'error' });
    const example = offered(problem?.message ?? '');
    expect(example, problem?.message).toBeDefined();
    expect(problemsWith(root, base, mend(example ?? ''), at)).toEqual([]);
  });
});

describe("a resume's role of the wrong kind offers a valid one", () => {
  test('`role: 5` names the field and a role that loads in its place', () => {
    const root = defaultOrg();
    const resume = read(root, 'agents/hr/resume.md');
    const withRole = (role: string): void => write(root, 'agents/hr/resume.md', resume.replace(/^model: /m, `${role}\nmodel: `));
    withRole('role: 5');
    const [problem, ...others] = new OrgLoader(root).load().problems.filter((each) => each.file === 'agents/hr/resume.md');
    expect(others).toEqual([]);
    expect(problem).toMatchObject({ field: 'role', severity: 'error' });
    const example = offered(problem?.message ?? '');
    expect(example, problem?.message).toBeDefined();
    withRole(example ?? '');
    expect(new OrgLoader(root).load().problems.filter((each) => each.file === 'agents/hr/resume.md')).toEqual([]);
  });
});
