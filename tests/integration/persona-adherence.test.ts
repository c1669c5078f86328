import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { Experiment } from '../../src/experiment/experiment-file.js';
import { measurePersonas } from '../../src/experiment/personas/measure-personas.js';
import { personaTables } from '../../src/experiment/personas/persona-report.js';
import type { RunMetrics } from '../../src/experiment/run-metrics.js';
import { seededRandom } from '../../src/random/seeded-random.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { populate } from '../../src/population/populate.js';
import { lemmingAsync } from '../helpers/cli.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';
import { DEFAULT_ORG, read, tempDir, write } from '../helpers/temp-org.js';

/** The share of messages written in persona: what adherence, on a scale of 10, must come to (7). */
const IN_PERSONA = 0.7;
const MESSAGES = 200;

/** A population of 20 in two departments, under one lead. */
async function panel(): Promise<string> {
  const folder = tempDir();
  const spec = join(folder, 'people.yaml');
  writeFileSync(
    spec,
    `name: panel\nseed: 3\nsize: 20\nattributes:\n  department:\n    shares: { sales: 0.5, engineering: 0.5 }\nstructure:\n  team_size: 20\nroles:\n  lead: { title: "Team lead: runs the team", model: offline, credits: 1 }\n  member: { title: "Analyst: answers questions on {department}", model: offline, credits: 1 }\npersona: "You are {name}, of {department}."\n`,
  );
  const root = join(folder, 'panel');
  await populate(spec, root, { template: DEFAULT_ORG });
  return root;
}

/**
 * A scripted model's run: 200 messages, one a turn from each agent of the panel in turns 1 to 10, written
 * in persona (speaking for its own department) with chance 0.7, else speaking for the other one,
 * drawn from a seed. Returns how many were written in persona.
 */
function writeRun(root: string): number {
  const org = loadOrg(root).org;
  const people = [...org.agents.values()].filter((agent) => !agent.isHuman);
  const draw = seededRandom(11);
  let kept = 0;
  for (let index = 0; index < MESSAGES; index += 1) {
    const writer = people[index % people.length];
    if (!writer) throw new Error('no people');
    const own = String(writer.persona?.department);
    const inPersona = draw() < IN_PERSONA;
    if (inPersona) kept += 1;
    const department = inPersona ? own : own === 'sales' ? 'engineering' : 'sales';
    // Each agent writes once a turn, turns 1 to 10, so drift is measured within each agent.
    const turn = 1 + Math.floor(index / people.length);
    const seq = 1;
    const outbox = join(root, 'agents', writer.name, 'outbox');
    mkdirSync(outbox, { recursive: true });
    writeFileSync(join(outbox, `${String(turn).padStart(6, '0')}-${String(seq).padStart(3, '0')}-human.md`), `---\nto: human\nsubject: Week ${turn}\n---\nSpeaking for ${department}: the week went as planned.\n`);
  }
  return kept;
}

function experimentOf(judge: string): Experiment {
  return { file: 'study.yaml', name: 'study', parallel: 1, survey: [], personas: { judge, scale: 10, maxMessages: 1000 }, variants: [{ name: 'scripted', messages: [], repeats: 1, outcome: { seed: 5, checks: [] }, interventions: [] }] };
}

const servers: WireServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('persona adherence of a scripted model whose adherence is known', () => {
  test('the offline judge: every message judged, the mean is the share kept, and the known 7 of 10 lies in its interval; no drift', { timeout: 60_000 }, async () => {
    const root = await panel();
    const kept = writeRun(root);
    const folder = tempDir();
    const measured = await measurePersonas(folder, 'scripted', root, experimentOf('offline').personas, [], 5);
    expect(measured?.adherence?.written).toBe(MESSAGES);
    expect(measured?.adherence?.judged.length).toBe(MESSAGES);
    const [variant] = personaTables(experimentOf('offline'), [{ run: 'scripted', variant: 'scripted', personas: measured } as unknown as RunMetrics]).adherence?.variants ?? [];
    expect(variant?.mean).toBeCloseTo((10 * kept) / MESSAGES, 6);
    expect(variant?.ci?.[0]).toBeLessThanOrEqual(10 * IN_PERSONA);
    expect(variant?.ci?.[1]).toBeGreaterThanOrEqual(10 * IN_PERSONA);
    // Written alike in every turn: the drift's interval holds 0.
    expect(variant?.drift?.ci?.[0]).toBeLessThanOrEqual(0);
    expect(variant?.drift?.ci?.[1]).toBeGreaterThanOrEqual(0);
    expect(variant?.byTurn.map((turn) => turn.n)).toEqual(Array.from({ length: 10 }, () => 20));
    // Each judgement is charged to the experiment's ledger, none to an agent.
    const lines = read(folder, 'ledger.jsonl').trim().split('\n').map((line) => JSON.parse(line) as { agent: string; purpose: string; run: string; credits: number });
    expect(lines).toHaveLength(MESSAGES);
    expect(lines.every((line) => line.agent === 'experiment' && line.purpose === 'adherence' && line.run === 'scripted' && line.credits > 0)).toBe(true);
    // Measured again (an experiment killed after its judges were asked, before the run's result was saved):
    // the judges are asked again, and every call made is a line, so what was spent adds up.
    await measurePersonas(folder, 'scripted', root, experimentOf('offline').personas, [], 5);
    expect(read(folder, 'ledger.jsonl').trim().split('\n')).toHaveLength(2 * MESSAGES);
  });

  test("a model judge reading each message against its persona: the same known adherence, each call charged at the registry's prices and capped at its max_output_tokens", { timeout: 60_000 }, async () => {
    const server = await startWireServer((request) => {
      const prompt = String((request.body as { messages: Array<{ content: string }> }).messages.at(-1)?.content ?? '');
      const own = /department: (\w+)/.exec(prompt)?.[1];
      const spoken = /Speaking for (\w+)/.exec(prompt)?.[1];
      return { body: chatCompletion({ content: `SCORE: ${own === spoken ? 10 : 0}\nREASON: speaks for ${spoken}.`, usage: { prompt_tokens: 400, completion_tokens: 12 } }) };
    });
    servers.push(server);
    const root = await panel();
    write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace('models:\n', `models:\n  judge:\n    provider: openai-compatible\n    model: judge-model\n    base_url: ${server.url}/v1\n    max_retries: 0\n    input_price: 100\n    output_price: 200\n    context_window: 8192\n    max_output_tokens: 64\n`));
    const kept = writeRun(root);
    const folder = tempDir();
    const measured = await measurePersonas(folder, 'scripted', root, experimentOf('judge').personas, [], 5);
    expect(server.requests).toHaveLength(MESSAGES);
    expect(server.requests.every((request) => (request.body as { max_tokens: number }).max_tokens === 64)).toBe(true);
    // The persona and the message are fenced as data in what the judge is shown.
    expect(String(server.requests[0]?.body.messages.at(-1).content)).toMatch(/<persona>\ndepartment: (sales|engineering)\n[\s\S]*<\/persona>[\s\S]*<written>\nSpeaking for/);
    const [variant] = personaTables(experimentOf('judge'), [{ run: 'scripted', variant: 'scripted', personas: measured } as unknown as RunMetrics]).adherence?.variants ?? [];
    expect(variant?.mean).toBeCloseTo((10 * kept) / MESSAGES, 6);
    expect(variant?.ci?.[0]).toBeLessThanOrEqual(7);
    expect(variant?.ci?.[1]).toBeGreaterThanOrEqual(7);
    const lines = readFileSync(join(folder, 'ledger.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { model: string; credits: number; input_tokens: number; output_tokens: number });
    expect(lines).toHaveLength(MESSAGES);
    // 400 input tokens at 100 and 12 output at 200 credits a million.
    for (const line of lines) expect(line).toMatchObject({ model: 'judge', input_tokens: 400, output_tokens: 12, credits: (400 * 100 + 12 * 200) / 1e6 });
  });
});

describe("an experiment's personas: setting, checked before any run", () => {
  test('a judge not in the registry is refused, naming the file, the field and what a valid value looks like; nothing runs', { timeout: 60_000 }, async () => {
    const root = await panel();
    const file = join(root, 'study.yaml');
    writeFileSync(file, 'name: study\nmessages:\n  - to: agent_00001\n    body: How is the week going?\npersonas:\n  judge: gpt-5-judge\nvariants:\n  - name: baseline\n');
    const refused = await lemmingAsync(root, ['experiment', file]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`${file}: variant "baseline": personas.judge: "gpt-5-judge" is not in the org's model registry; use one of `);
    expect(refused.stderr).toContain('for example `personas: { judge: offline }`');
    expect(existsSync(join(root, 'experiments/study/baseline/experiment-result.json'))).toBe(false);
    writeFileSync(file, 'name: study\nmessages:\n  - to: agent_00001\n    body: How is the week going?\npersonas:\n  judge: offline\n  max_messages: 0\nvariants:\n  - name: baseline\n');
    // A field of the file that is not valid: its line, and a valid value (exit 1, as every problem of an experiment file's fields).
    const invalid = await lemmingAsync(root, ['experiment', file]);
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toContain('study.yaml:7: personas.max_messages: is 1 to 10,000, for example `max_messages: 200`');
  });
});
