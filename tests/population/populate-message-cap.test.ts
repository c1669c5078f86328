import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { populateLines } from '../../src/cli/commands/populate.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { withMessageCap } from '../../src/population/message-cap.js';
import { populate } from '../../src/population/populate.js';
import { DEFAULT_ORG, humanSends, ofType, runEngine, tempDir } from '../helpers/temp-org.js';

/**
 * A populated org's per-turn cap (`engine.max_messages_per_turn`) is set from its own chart, as
 * `import-network` sets it: the template's default of 5 would refuse all but five of a head's
 * hand-offs to its leads in a turn, and a cascade would be cut by a setting nobody chose.
 */

/** Two departments of 40, teams of 3 under a lead: each head has 10 leads; the head splits every task between them. */
const SPEC = `name: cascade
seed: 3
size: 80
attributes:
  department:
    shares: { ward: 0.5, clinic: 0.5 }
structure:
  departments: department
  team_size: 3
roles:
  head:
    title: "Chief of {department}: runs the department"
    model: offline
    credits: 5
    instructions: Split every task between your team leads.
  lead: { title: "Team lead: runs team {team} of {department}", model: offline, credits: 5 }
  member: { title: "Nurse: cares for patients in {department}", model: offline, credits: 5 }
persona: You are {name} of {department}.
`;

function specFile(text = SPEC): string {
  const file = join(tempDir(), 'cascade.yaml');
  writeFileSync(file, text);
  return file;
}

/** The most names any agent of the chart may write to. */
function largestSendTo(root: string): number {
  const chart = parse(readFileSync(join(root, 'org/chart.yaml'), 'utf8')) as { agents: Record<string, { send_to: string[] }> };
  return Math.max(...Object.entries(chart.agents).filter(([name]) => name !== 'human').map(([, entry]) => entry.send_to.length));
}

describe("populate sets the per-turn cap from its chart", () => {
  test('org.yaml lets every agent write to everyone it may in one turn, and says so', async () => {
    const root = join(tempDir(), 'org');
    const report = await populate(specFile(), root, { template: DEFAULT_ORG });
    const largest = largestSendTo(root);
    // A head writes to its 10 leads (and the human): more than the template's 5.
    expect(largest).toBeGreaterThan(5);
    const { org } = loadOrg(root);
    expect(org.settings.max_messages_per_turn).toBe(largest);
    expect(report.plan.messageCap).toEqual({ cap: largest, template: 5 });
    expect(populateLines(report)).toContain(
      `  org.yaml: engine.max_messages_per_turn ${largest}, the most people one agent here may write to, so a head or a lead hands a task to each in one turn (the template's 5 would refuse the rest)`,
    );
  });

  test("a head's split reaches every lead in one turn: no send is refused by the cap", async () => {
    const root = join(tempDir(), 'org');
    const report = await populate(specFile(), root, { template: DEFAULT_ORG });
    humanSends(root, report.first, 'Please prepare the monthly rota.', 'Monthly rota');
    const events = await runEngine(root, { maxTurns: 1 });
    const refused = ofType(events, 'message-refused');
    expect(refused.map((event) => event.reason)).toEqual([]);
    const handedOff = ofType(events, 'message-delivered').filter((event) => event.message.from === report.first);
    expect(handedOff).toHaveLength(10);
  });

  test('a template whose cap is higher already keeps it', async () => {
    const template = tempDir();
    const orgYaml = readFileSync(join(DEFAULT_ORG, 'org/org.yaml'), 'utf8').replace(/max_messages_per_turn: 5/, 'max_messages_per_turn: 500');
    mkdirSync(join(template, 'org'), { recursive: true });
    writeFileSync(join(template, 'org/org.yaml'), orgYaml);
    const root = join(tempDir(), 'org');
    const report = await populate(specFile(), root, { template });
    expect(loadOrg(root).org.settings.max_messages_per_turn).toBe(500);
    expect(report.plan.messageCap).toEqual({ cap: 500, template: 500 });
    expect(populateLines(report).some((line) => line.includes('max_messages_per_turn'))).toBe(false);
  });

  test('any org.yaml form gets the cap, its other settings and comments kept: a flow mapping, none at all, the templates\' line', () => {
    const engineOf = (text: string): Record<string, unknown> => (parse(text) as { engine: Record<string, unknown> }).engine;
    const flow = withMessageCap('name: x # the name\nengine: { max_turns: 3 }\n', 9);
    expect(flow).toMatchObject({ cap: 9, template: 5 });
    expect(engineOf(flow.text)).toEqual({ max_turns: 3, max_messages_per_turn: 9 });
    expect(flow.text).toContain('# the name');
    const none = withMessageCap('name: x\n', 9);
    expect(engineOf(none.text)).toEqual({ max_messages_per_turn: 9 });
    const line = withMessageCap('engine:\n  max_messages_per_turn: 5    # per agent\n', 9);
    expect(line.text).toBe('engine:\n  max_messages_per_turn: 9    # per agent\n');
    expect(withMessageCap('engine:\n  max_messages_per_turn: 50\n', 9)).toMatchObject({ cap: 50, template: 50 });
  });
});
