import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import type { ProviderFactory } from '../../src/providers/create-provider.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { streamSeed } from '../../src/random/seeded-random.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { runEngine, tempDir } from '../helpers/temp-org.js';

/**
 * A scripted org whose failure is made by one known step. Four agents pass a note round a ring
 * (a → b → c → d → a) in turns 1 to 4, each told first by the human; in turn 5 c answers the human
 * and the others only read: 20 calls. A note carries marks: `BAD` spoils the answer (the check fails
 * when the human's answer holds it), `CAREFUL` makes the next writer careful. What a call writes is
 * drawn from its model's seed, the agent and the turn:
 *
 * - b's call of turn 4 (the culprit) writes `BAD` unless it is careful, with chance BAD_CHANCE;
 * - any call becomes careful with chance NOISE (and passes it on), and any call that is handed
 *   `BAD` drops it with chance NOISE: so re-running a call upstream of the culprit (c@1, d@2, a@3)
 *   or after it (c@5) also flips the outcome, now and then, and the other calls never do.
 *
 * The original seed is one under which the culprit writes `BAD` and nothing else is careful or
 * drops it: the run fails, because of b's turn-4 call.
 */
export const CULPRIT = { turn: 4, agent: 'b' } as const;
export const BAD_CHANCE = 0.1;
export const NOISE = 0.05;
const RING = ['a', 'b', 'c', 'd'] as const;
const next = (agent: string): string => RING[(RING.indexOf(agent as (typeof RING)[number]) + 1) % RING.length]!;

function draw(seed: number, agent: string, turn: number, what: string): number {
  return streamSeed(seed, `${agent} ${turn} ${what}`) / 2 ** 32;
}

/** The marks a call writes, from its seed and the marks it was handed. Pure: the test and the model share it. */
export function marks(seed: number, agent: string, turn: number, handed: { careful: boolean; bad: boolean }): { careful: boolean; bad: boolean } {
  const careful = handed.careful || draw(seed, agent, turn, 'careful') < NOISE;
  if (turn === CULPRIT.turn && agent === CULPRIT.agent) return { careful, bad: !careful && draw(seed, agent, turn, 'bad') < BAD_CHANCE };
  return { careful, bad: handed.bad && draw(seed, agent, turn, 'drop') >= NOISE };
}

/** A seed from `from` on under which the run fails through the culprit alone (see above). */
export function failingSeed(from: number): number {
  for (let seed = from; ; seed += 1) {
    const upstream = ['c 1', 'd 2', 'a 3'].every((call) => {
      const [agent, turn] = call.split(' ');
      return draw(seed, agent!, Number(turn), 'careful') >= NOISE;
    });
    if (!upstream) continue;
    const culprit = marks(seed, CULPRIT.agent, CULPRIT.turn, { careful: false, bad: false });
    if (!culprit.bad) continue;
    if (draw(seed, 'c', 5, 'drop') < NOISE || draw(seed, 'c', 5, 'careful') < NOISE) continue;
    return seed;
  }
}

/** The scripted model: each call's note, from the seed of the registry entry it runs on. */
export function scriptedModels(calls: ProviderRequest[] = []): ProviderFactory {
  return (_key, entry) =>
    new ScriptedProvider((request) => {
      calls.push(request);
      const inbox = request.messages.map((message) => (typeof message.content === 'string' ? message.content : '')).join('\n');
      const written = marks(entry.seed ?? 0, request.agent, request.turn, { careful: inbox.includes('CAREFUL'), bad: inbox.includes('BAD') });
      const note = `note from ${request.agent} at turn ${request.turn}:${written.careful ? ' CAREFUL' : ''}${written.bad ? ' BAD' : ''}`;
      if (request.turn <= 4) return { text: '', toolCalls: [sendCall(next(request.agent), note)] };
      if (request.agent === 'c') return { text: '', toolCalls: [sendCall('human', note)] };
      return { text: '' };
    });
}

/** The check the run fails: the human has an answer, and it is not spoilt. */
export const CHECK = { name: 'clean-answer', run: 'test -s "$SHARED/answer.md" && ! grep -q BAD "$SHARED/answer.md"' };

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** The org with `seed` on its model, keeping its history, run to idle by the scripted model. */
export async function failedRun(seed: number, calls: ProviderRequest[] = []): Promise<string> {
  const root = tempDir('lemming-blame-');
  write(
    root,
    'org/org.yaml',
    [
      'name: ring',
      'engine:',
      '  max_turns: 12',
      '  sandbox: { isolation: none }',
      'history: { keep: true }',
      'models:',
      '  scripted:',
      '    provider: offline',
      '    model: scripted-1',
      `    seed: ${seed}`,
      '    input_price: 1',
      '    output_price: 1',
      '    context_window: 32000',
      '',
    ].join('\n'),
  );
  const chart = ['agents:', '  human:', '    reports_to: null', '    send_to: [a, b, c, d]', '    read_from: ["*"]'];
  for (const agent of RING) chart.push(`  ${agent}:`, '    reports_to: human', `    send_to: [${next(agent)}, human]`, '    read_from: ["*"]');
  write(root, 'org/chart.yaml', `${chart.join('\n')}\n`);
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nYou.\n');
  for (const agent of RING) write(root, `agents/${agent}/resume.md`, `---\ntitle: Ring member ${agent}\nmodel: scripted\ncredits: 10\ntools: [send_message]\n---\nPass the note on.\n`);
  const org = loadOrg(root).org;
  for (const agent of RING) sendAsHuman(root, org, { to: agent, body: 'Start the ring.', subject: 'Ring' });
  await runEngine(root, {}, { providerFactory: scriptedModels(calls) });
  return root;
}
