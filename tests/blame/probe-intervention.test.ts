import { describe, expect, it } from 'vitest';
import { blameRun } from '../../src/blame/blame-run.js';
import type { ProviderFactory } from '../../src/providers/create-provider.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { humanSends, runEngine, tempDir, write } from '../helpers/temp-org.js';

const RUN_SEED = 31;
const CHECK = { name: 'right', run: 'grep -q RIGHT "$SHARED/answer.md"' };

/**
 * a (turn 1) → b (turn 2) → c (turn 3) → the person. An intervention moves c to `alt` before turn 3;
 * on `alt` under the run's seed c writes WRONG, under any other seed RIGHT. Every other call passes on
 * what it was handed. The run fails at c's turn-3 call, a model an intervention gave it.
 */
const models: ProviderFactory = (key, entry) =>
  new ScriptedProvider((request) => {
    const inbox = request.messages.map((message) => (typeof message.content === 'string' ? message.content : '')).join('\n');
    const next = { a: 'b', b: 'c', c: 'human' }[request.agent]!;
    const wrong = key.startsWith('alt') && ('seed' in entry ? entry.seed : undefined) === RUN_SEED;
    return { text: '', toolCalls: [sendCall(next, wrong ? 'the note: WRONG' : inbox.includes('WRONG') ? 'the note: WRONG' : 'the note: RIGHT')] };
  });

async function failedRun(): Promise<string> {
  const root = tempDir();
  const entry = (model: string) => `{ provider: offline, model: ${model}, seed: ${RUN_SEED}, input_price: 1, output_price: 1, context_window: 32000 }`;
  write(root, 'org/org.yaml', `name: probe\nengine: { max_turns: 6, sandbox: { isolation: none } }\nhistory: { keep: true }\nmodels:\n  main: ${entry('main-1')}\n  alt: ${entry('alt-1')}\n`);
  write(root, 'org/chart.yaml', 'agents:\n  human: { reports_to: null, send_to: [a], read_from: ["*"] }\n  a: { reports_to: human, send_to: [b], read_from: ["*"] }\n  b: { reports_to: human, send_to: [c], read_from: ["*"] }\n  c: { reports_to: human, send_to: [human], read_from: ["*"] }\n');
  write(root, 'org/interventions.yaml', 'interventions:\n  - turn: 3\n    resume: { agent: c, set: { model: alt } }\n');
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nYou.\n');
  for (const agent of ['a', 'b', 'c']) write(root, `agents/${agent}/resume.md`, `---\ntitle: Link ${agent}\nmodel: main\ncredits: 10\ntools: [send_message]\n---\nPass it on.\n`);
  humanSends(root, 'a', 'Please pass the note on.', 'Note');
  await runEngine(root, {}, { providerFactory: models });
  return root;
}

describe('bisection through an intervention', () => {
  it("a probe that changes every call from a turn on changes the calls an intervention moves to another model too", async () => {
    const root = await failedRun();
    const report = await blameRun(root, { check: CHECK, k: 1, controls: 1, strategy: 'bisect', providerFactory: () => models });
    // From turn 1 every call is changed, c's turn-3 call on alt included: the probe passes, and so does the one from turn 3.
    expect(report.search!.bisection!.probes.filter((probe) => probe.turn !== null).every((probe) => probe.passed === probe.forks)).toBe(true);
    expect(report.search!.bisection!.turn).toBe(3);
    expect(report.steps[0]).toMatchObject({ turn: 3, agent: 'c', passed: 1, control: { passed: 0 } });
    expect(report.forks.find((fork) => fork.turn === 3 && !fork.control)!.called).toBe('alt-blame');
  }, 120_000);
});
