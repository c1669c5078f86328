import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { tempDir, write } from '../helpers/temp-org.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';

/**
 * A chain a0 → a3 → a2 → a3 → a4 → the person, one call a turn (a3 in turns 2 and 4), the note
 * `VALUE=42 route=…` handed on. Three models on one local OpenAI-compatible server, told apart by the
 * model each request names: `good-1` and `repair-1` pass the value on, `bad-1` writes 41 whatever it was
 * handed. An experiment's intervention moves a3 to the bad model before turn 4, so the run fails
 * `delivered` at a3's turn-4 call, and only there (lemming issue 74, finding 5).
 */
const STUDY = `name: moved
turns: 8
messages:
  - to: a0
    subject: Note
    body: "VALUE=42 route=a3,a2,a3,a4,human"
checks:
  - name: delivered
    run: grep -q "VALUE=42" "$SHARED/answer.md"
variants:
  - name: moved
    interventions:
      - turn: 4
        resume: { agent: a3, set: { model: m_bad } }
`;

function chainOrg(baseUrl: string): string {
  const root = tempDir('lemming-repair-');
  const entry = (name: string, model: string) => `  ${name}: { provider: openai-compatible, model: ${model}, base_url: ${baseUrl}, seed: 5, max_retries: 0, timeout_ms: 20000, input_price: 1, output_price: 1, context_window: 8192, max_output_tokens: 200 }`;
  write(root, 'org/org.yaml', ['name: chain', 'engine: { max_turns: 8, max_steps: 1, sandbox: { isolation: none } }', 'history: { keep: true }', 'models:', entry('m_good', 'good-1'), entry('m_bad', 'bad-1'), entry('m_repair', 'repair-1'), ''].join('\n'));
  const agents = ['a0', 'a2', 'a3', 'a4'];
  const sendTo: Record<string, string> = { a0: 'a3', a2: 'a3', a3: 'a2, a4', a4: 'human' };
  const chart = ['agents:', '  human: { reports_to: null, send_to: [a0], read_from: ["*"] }'];
  for (const agent of agents) chart.push(`  ${agent}: { reports_to: human, send_to: [${sendTo[agent]}], read_from: ["*"] }`);
  write(root, 'org/chart.yaml', `${chart.join('\n')}\n`);
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nYou.\n');
  for (const agent of agents) write(root, `agents/${agent}/resume.md`, `---\ntitle: Link ${agent}\nmodel: m_good\ncredits: 100\ntools: [send_message]\n---\nPass the note on.\n`);
  write(root, 'study.yaml', STUDY);
  return root;
}

/** The chain's models: the last note in the request passed on to the head of its route, the value as the model writes it. */
function answer(body: { model: string; messages: Array<{ role: string; content: unknown }> }): Record<string, unknown> {
  const text = body.messages.map((message) => (typeof message.content === 'string' ? message.content : JSON.stringify(message.content))).join('\n');
  const note = [...text.matchAll(/VALUE=(\d+) route=([\w,]+)/g)].at(-1);
  if (!note) return chatCompletion({ content: 'Nothing to pass on.' });
  const [to, ...rest] = note[2]!.split(',');
  const value = body.model === 'bad-1' ? 41 : Number(note[1]);
  return chatCompletion({ toolCalls: [{ name: 'send_message', arguments: { to, subject: 'Note', body: `VALUE=${value} route=${rest.join(',') || 'done'}` } }] });
}

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('blame --model through an intervention', () => {
  test("a repair model re-runs the call an intervention moved to a faulty model: the fork's changed call runs on the repair model, and the report says so", { timeout: 600_000 }, async () => {
    server = await startWireServer((request) => ({ body: answer(request.body) }));
    const root = chainOrg(`${server.url}/v1`);
    const experiment = await lemmingAsync(root, ['experiment', join(root, 'study.yaml')]);
    expect(experiment.status, experiment.stderr).toBe(0);
    const run = join(root, 'experiments/moved/moved');
    const answers = readdirSync(join(run, 'agents/a4/outbox')).map((file) => readFileSync(join(run, 'agents/a4/outbox', file), 'utf8'));
    expect(answers.join('\n')).toContain('VALUE=41 route=done');

    const blamed = await lemmingAsync(run, ['blame', run, '--check', 'delivered', '--checks', join(root, 'study.yaml'), '--model', 'm_repair', '-k', '3', '--json']);
    expect(blamed.status, blamed.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(run, 'blame/delivered/report.json'), 'utf8')) as {
      steps: Array<{ turn: number; agent: string; passed: number; forks: number; verdict: string }>;
      forks: Array<{ turn: number; agent: string; fork: string; control: boolean; model: string; called?: string }>;
    };
    // a3's turn-4 call, re-run on the repair model, passes in every fork; its controls (the bad model, as the run had it) in none.
    expect(report.steps[0]).toMatchObject({ turn: 4, agent: 'a3', passed: 3, forks: 3 });
    const changed = report.forks.filter((fork) => fork.turn === 4 && fork.agent === 'a3' && !fork.control);
    expect(changed).toHaveLength(3);
    // The model each changed call ran on, read back from the fork's ledger, is the repair model (its copy with the fork's seed).
    for (const fork of changed) {
      expect(fork.called).toBe('m_repair-blame');
      const log = readFileSync(join(run, 'blame/delivered', fork.fork, 'agents/a3/logs/activity.jsonl'), 'utf8');
      expect(log).toMatch(/"turn":4[^\n]*"model":"m_repair-blame"/);
      // After its turn a3 is on the model the run's intervention gave it, as in the run.
      expect(readFileSync(join(run, 'blame/delivered', fork.fork, 'agents/a3/resume.md'), 'utf8')).toMatch(/^model: m_bad$/m);
    }
    for (const control of report.forks.filter((fork) => fork.turn === 4 && fork.agent === 'a3' && fork.control)) expect(control.called).toBe('m_bad-blame');
    // a3's turn-2 call ran on the good model (the intervention came after it): its controls re-run it there, not on the model a3 ended on.
    const early = report.forks.filter((fork) => fork.turn === 2 && fork.agent === 'a3' && fork.control);
    expect(early.map((fork) => [fork.model, fork.called])).toEqual([['m_good', 'm_good-blame'], ['m_good', 'm_good-blame'], ['m_good', 'm_good-blame']]);
    expect(readFileSync(join(run, 'blame/delivered/report.md'), 'utf8')).toMatch(/changed calls ran on m_repair/);
  });
});
