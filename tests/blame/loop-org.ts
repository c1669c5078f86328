import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import type { ProviderFactory } from '../../src/providers/create-provider.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { streamSeed } from '../../src/random/seeded-random.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { tempDir } from '../helpers/temp-org.js';

/**
 * A scripted org whose changed call starts a loop. The human asks a; under the run's own seed a answers
 * the human in turn 1 (`WRONG`), and the run is idle: one call, and the check fails. Re-run with another
 * seed, a's call hands the work to b instead, marked `LOOP` or `FINISH` (drawn from the seed, or always
 * `LOOP`): a and b then pass it back and forth, one call a turn, each call at the same tokens; with
 * `FINISH` the call of turn FINISH_TURN answers the human `RIGHT` (a right path that takes longer than
 * the original did), with `LOOP` they go on until the turn cap stops them.
 */
export const ORIGINAL_SEED = 11;
export const FINISH_TURN = 4;
export const LOOP_CHECK = { name: 'right', run: 'grep -q RIGHT "$SHARED/answer.md"' };
/** Every call's tokens: most of the context window and a short answer (the registry below allows 4,000 and 400). */
export const CALL_TOKENS = { inputTokens: 3600, outputTokens: 100 };
/** Credits per million tokens, in and out: a call costs 0.37 credits, and the most an answer can be charged is 0.44. */
export const PRICE = 100;

const other = (agent: string): string => (agent === 'a' ? 'b' : 'a');

/** The mark a's changed call (seed `seed`) starts the work with. */
export function startedMark(seed: number, always?: 'LOOP'): 'LOOP' | 'FINISH' {
  return always ?? (streamSeed(seed, 'loop') % 2 === 0 ? 'LOOP' : 'FINISH');
}

/** The scripted model (see above), keeping every request it is asked in `calls`. */
export function loopModels(calls: ProviderRequest[] = [], always?: 'LOOP'): ProviderFactory {
  return (_key, entry) =>
    new ScriptedProvider((request) => {
      calls.push(request);
      const inbox = request.messages.map((message) => (typeof message.content === 'string' ? message.content : '')).join('\n');
      const usage = { ...CALL_TOKENS, estimated: false };
      const mark = inbox.includes('FINISH') ? 'FINISH' : inbox.includes('LOOP') ? 'LOOP' : undefined;
      if (mark === undefined) {
        // a's first call, on the human's request.
        if ((entry.seed ?? 0) === ORIGINAL_SEED) return { text: '', toolCalls: [sendCall('human', 'WRONG: done at once')], usage };
        return { text: '', toolCalls: [sendCall('b', `over to you: ${startedMark(entry.seed ?? 0, always)}`)], usage };
      }
      if (mark === 'FINISH' && request.turn >= FINISH_TURN) return { text: '', toolCalls: [sendCall('human', 'RIGHT: checked by both of us')], usage };
      return { text: '', toolCalls: [sendCall(other(request.agent), `back to you: ${mark}`)], usage };
    });
}

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** The org, not run: a and b, the human asking a; engine.max_turns `maxTurns`, one step a call, history kept. */
export function loopOrg(maxTurns: number): string {
  const root = tempDir();
  write(
    root,
    'org/org.yaml',
    [
      'name: loop',
      'engine:',
      `  max_turns: ${maxTurns}`,
      '  max_steps: 1',
      '  sandbox: { isolation: none }',
      'history: { keep: true }',
      'models:',
      '  scripted:',
      '    provider: offline',
      '    model: scripted-1',
      `    seed: ${ORIGINAL_SEED}`,
      `    input_price: ${PRICE}`,
      `    output_price: ${PRICE}`,
      '    context_window: 4000',
      '    max_output_tokens: 400',
      '    max_retries: 0',
      '',
    ].join('\n'),
  );
  const chart = ['agents:', '  human:', '    reports_to: null', '    send_to: [a, b]', '    read_from: ["*"]'];
  for (const agent of ['a', 'b']) chart.push(`  ${agent}:`, '    reports_to: human', `    send_to: [${other(agent)}, human]`, '    read_from: ["*"]');
  write(root, 'org/chart.yaml', `${chart.join('\n')}\n`);
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nYou.\n');
  for (const agent of ['a', 'b']) write(root, `agents/${agent}/resume.md`, `---\ntitle: Checker ${agent}\nmodel: scripted\ncredits: 1000\ntools: [send_message]\n---\nCheck the work.\n`);
  return root;
}

/** The human's request to a, as `lemming send` makes it. */
export function askA(root: string): void {
  sendAsHuman(root, loadOrg(root).org, { to: 'a', body: 'Please get this checked.', subject: 'Check' });
}
