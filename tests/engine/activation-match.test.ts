import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Output } from '../../src/cli/cli-context.js';
import { validateCommand } from '../../src/cli/commands/validate.js';
import { activationDraw, drawActive } from '../../src/engine/turn/activation.js';
import { matchesPattern } from '../../src/org/activation-rules.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { populate } from '../../src/population/populate.js';
import { fencedBlock } from '../helpers/docs.js';
import { DEFAULT_ORG, humanSends, ofType, REPO_ROOT, runEngine, tempDir } from '../helpers/temp-org.js';

/**
 * Activation rules a population can use: `match` names the role populate writes (`role: head`),
 * matches a title by its start (`{ prefix: "Chief" }`) or a pattern (`{ pattern: "… * …" }`), and a
 * rule that governs nobody is a `validate` warning naming the rule. Run on the docs' own population
 * (`structured.yaml` of docs/people.md, chiefs titled "Chief of {department}"), with its example.
 */

const PEOPLE_MD = readFileSync(join(REPO_ROOT, 'docs/people.md'), 'utf8');

/** The docs' spec as written, at 600 people rather than 10,000: its titles, roles and departments are the same, and it populates in a second. */
function docsSpec(): string {
  const text = fencedBlock(PEOPLE_MD, '# structured.yaml');
  expect(text).toContain('size: 10000\n');
  const file = join(tempDir(), 'structured.yaml');
  writeFileSync(file, text.replace('size: 10000\n', 'size: 600\n'));
  return file;
}

/** The docs' population, written once (outside the folders removed after each test): each test works on a copy of it. */
const kept = mkdtempSync(join(tmpdir(), 'lemming-activation-'));
const base = join(kept, 'panel');
beforeAll(async () => {
  await populate(docsSpec(), base, { template: DEFAULT_ORG });
});
afterAll(() => rmSync(kept, { recursive: true, force: true }));

/** A copy of the docs' population, with `activation` (the YAML under `engine:`) in its org.yaml. */
function populated(activation: string): { root: string } {
  const root = join(tempDir(), 'panel');
  cpSync(base, root, { recursive: true });
  const orgYaml = join(root, 'org', 'org.yaml');
  writeFileSync(orgYaml, readFileSync(orgYaml, 'utf8').replace(/^engine:\n/m, `engine:\n${activation.replace(/^engine:\n/, '')}`));
  return { root };
}

/** What `lemming validate --json` says of an org. */
async function validate(root: string): Promise<{ code: number; problems: Array<{ file: string; field?: string; message: string; severity: string }> }> {
  const lines: string[] = [];
  const output: Output = { out: (line) => lines.push(line), err: (line) => lines.push(line) };
  const code = await validateCommand(root, { json: true }, output);
  return { code, problems: (JSON.parse(lines.join('\n')) as { problems: Array<{ file: string; field?: string; message: string; severity: string }> }).problems };
}

const activationWarnings = (problems: Awaited<ReturnType<typeof validate>>['problems']) => problems.filter((problem) => problem.field?.startsWith('engine.activation'));

describe('activation rules over a population', () => {
  test('`match: { title: Chief }` draws none of the chiefs titled "Chief of …": validate says so, naming the rule, the values there are and how to match a start', async () => {
    const { root } = populated('  activation:\n    seed: 7\n    rules:\n      - match: { title: Chief }\n        probability: 1\n      - match: { department: [ward, icu] }\n        probability: 0.2\n      - probability: 0.05\n');
    const { code, problems } = await validate(root);
    expect(code).toBe(0);
    const warnings = activationWarnings(problems);
    expect(warnings.map((warning) => [warning.file, warning.field, warning.severity])).toEqual([
      ['org/org.yaml', 'engine.activation.rules.0.match', 'warning'],
      ['org/org.yaml', 'engine.activation.rules.1.match', 'warning'],
    ]);
    expect(warnings[0]?.message).toMatch(/^\{ title: Chief \} matches no agent of the 600, so this rule draws nobody: title is, for example, "Chief of admin"/);
    expect(warnings[0]?.message).toContain('`{ title: { prefix: "Chief" } }` matches the titles that begin so');
    // docs/people.md shows the warning as `lemming validate` prints it at 10,000 people: the same words.
    const said = `warning: ${warnings[0]?.file}: ${warnings[0]?.field}: ${warnings[0]?.message}`;
    const shown = fencedBlock(PEOPLE_MD, '$ lemming validate --root panel').split('\n')[1] ?? '';
    const numbersOut = (text: string): string => text.replace(/\d[\d,]*/g, 'N');
    expect(numbersOut(shown)).toBe(numbersOut(said));
    expect(warnings[1]?.message).toMatch(/^\{ department: \[ward, icu\] \} matches no agent of the 600, so this rule draws nobody: department is, for example, "admin", "sales", "engineering"$/);
  });

  test('a rule whose agents an earlier rule governs draws nobody too, and is said so', async () => {
    const { root } = populated('  activation:\n    rules:\n      - match: { department: [admin, sales, engineering] }\n        probability: 0.5\n      - match: { role: lead }\n        probability: 0.1\n');
    const warnings = activationWarnings((await validate(root)).problems);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ field: 'engine.activation.rules.1.match' });
    expect(warnings[0]?.message).toMatch(/^\{ role: lead \} matches \d+ agent\(s\), each governed by an earlier rule \(the first rule an agent matches governs it; rules\.0 first\)/);
  });

  test('role, prefix and pattern each govern the agents they name; the draw keeps to each rule', async () => {
    const { root } = populated(
      '  activation:\n    seed: 3\n    rules:\n      - match: { title: { prefix: "Chief" } }\n      - match: { role: lead, department: sales }\n        probability: 0.5\n      - match: { title: { pattern: "Analyst in *ing" } }\n        probability: 0.25\n',
    );
    expect(activationWarnings((await validate(root)).problems)).toEqual([]);
    const { org } = loadOrg(root);
    const agents = [...org.agents.values()].filter((agent) => !agent.isHuman);
    expect(agents.filter((agent) => agent.role === 'head').map((agent) => agent.title)).toEqual(['Chief of admin', 'Chief of sales', 'Chief of engineering']);
    const calls = agents.map((agent) => ({ agent: agent.name }));
    const drawn = new Set(drawActive(org.settings.activation, org, 4, calls).calls.map((call) => call.agent));
    for (const agent of agents) {
      const draw = activationDraw(3, 4, agent.name);
      const expected = agent.role === 'head' ? true : agent.role === 'lead' && agent.persona?.department === 'sales' ? draw < 0.5 : agent.title === 'Analyst in engineering' ? draw < 0.25 : true;
      expect(drawn.has(agent.name), `${agent.name} (${agent.title})`).toBe(expected);
    }
  });

  test("docs/people.md's example on the docs' population: valid with no warning; the chiefs act in turn 1, and the leads they hand work to whose draw is under 0.5 in turn 2", async () => {
    const example = fencedBlock(PEOPLE_MD, 'engine:\n  activation:');
    const { root } = populated(example);
    const { code, problems } = await validate(root);
    expect(code).toBe(0);
    expect(activationWarnings(problems)).toEqual([]);
    const { org } = loadOrg(root);
    expect(org.settings.activation).toEqual({
      seed: 7,
      rules: [
        { match: { role: 'head' }, probability: 1 },
        { match: { title: { prefix: 'Team lead' } }, probability: 0.5, at_most: 50 },
        { match: { department: ['sales', 'engineering'] }, probability: 0.2 },
        { match: {}, probability: 0.05 },
      ],
    });
    const chiefs = [...org.agents.values()].filter((agent) => agent.role === 'head').map((agent) => agent.name);
    for (const chief of chiefs) humanSends(root, chief, 'Please review the quarter with your teams.', 'Quarter review');
    const events = await runEngine(root, { maxTurns: 2 });
    const called = (turn: number) => ofType(events, 'agent-called').filter((event) => event.turn === turn).map((event) => event.agent);
    expect(called(1)).toEqual(chiefs);
    // Each chief handed the work to a lead; of those, the ones drawn under 0.5 in turn 2 act.
    const handedTo = ofType(events, 'message-delivered').filter((event) => event.turn === 1 && chiefs.includes(event.message.from)).map((event) => event.message.to);
    expect(handedTo).toHaveLength(3);
    expect(handedTo.every((lead) => org.agents.get(lead)?.role === 'lead')).toBe(true);
    expect(called(2)).toEqual(handedTo.filter((lead) => activationDraw(7, 2, lead) < 0.5).sort());
  });
});

describe('a match the schema cannot read', () => {
  test('is refused, naming the file, the field and the forms a value may take', async () => {
    const { root } = populated('  activation:\n    rules:\n      - match: { title: { prefx: Chief } }\n');
    const { code, problems } = await validate(root);
    expect(code).toBe(1);
    const refused = problems.find((problem) => problem.severity === 'error');
    expect(refused).toMatchObject({ file: 'org/org.yaml', field: 'engine.activation.rules.0.match.title' });
    expect(refused?.message).toContain('`{ prefix: "Chief" }` (the value begins so) or `{ pattern: "Team lead: * of ward" }`');
  });
});

describe('a pattern: `*` is any run of characters', () => {
  test.each([
    ['Team lead: runs team 3 of sales', 'Team lead: runs team * of sales', true],
    ['Team lead: runs team 3 of sales', 'Team lead: * of admin', false],
    ['Chief of admin', 'Chief*', true],
    ['Chief', 'Chief*', true],
    ['aXbXc', 'a*b*c', true],
    ['abc', 'a*b*b*c', false],
    ['Analyst in engineering', '*in*ing', true],
    ['ab', 'a*b*', true],
    ['a', 'a*a', false],
    ['exact', 'exact', true],
  ])('%j against %j', (text, pattern, expected) => {
    expect(matchesPattern(text, pattern)).toBe(expected);
  });
});
