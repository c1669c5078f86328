import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import type { ProviderFactory } from '../../src/providers/create-provider.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { runEngine, tempDir } from '../helpers/temp-org.js';

/**
 * A two-step relay: the human asks a; a's call of turn 1 writes a note to b; b's call of turn 2 answers
 * the human. The check wants the answer to say RIGHT. Two ways for the run to fail:
 *
 * - `seeded` (a model that repeats a call, as the offline model does): a's note says WRONG under the
 *   run's own seed and RIGHT under any other; b passes on what it was handed. Re-running a's call as it
 *   was (a control) fails again; changing it passes.
 * - `noisy` (a model that takes no seed and answers as it pleases): b does the work again itself, and
 *   the run's one failure was its draw; asked again, whatever its seed or model, it answers RIGHT. The
 *   run passes by its own noise: in controls as often as in changed forks.
 */
export const RELAY_SEED = 21;
export const RELAY_CHECK = { name: 'right', run: 'grep -q RIGHT "$SHARED/answer.md"' };

/** The scripted model of the relay; `original` draws the run's own (failing) answer in `noisy` mode. */
export function relayModels(mode: 'seeded' | 'noisy', options: { original?: boolean; calls?: ProviderRequest[] } = {}): ProviderFactory {
  return (_key, entry) =>
    new ScriptedProvider((request) => {
      options.calls?.push(request);
      const inbox = request.messages.map((message) => (typeof message.content === 'string' ? message.content : '')).join('\n');
      if (request.agent === 'a') {
        const right = mode === 'seeded' && ('seed' in entry ? entry.seed : undefined) !== RELAY_SEED;
        return { text: '', toolCalls: [sendCall('b', right ? 'the figures are RIGHT' : 'the figures are WRONG')] };
      }
      if (mode === 'seeded') return { text: '', toolCalls: [sendCall('human', inbox.includes('RIGHT') ? 'checked: RIGHT' : 'checked: WRONG')] };
      return { text: '', toolCalls: [sendCall('human', options.original ? 'redone: WRONG' : 'redone: RIGHT')] };
    });
}

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/**
 * The relay org, run to idle (2 calls) and failing its check. `seeded`: both agents on the offline-provider
 * entry `scripted` with seed RELAY_SEED. `noisy`: both on `cloud` (provider anthropic: no seed), with
 * `repair` (offline) beside it to re-run a call on.
 */
export async function failedRelay(mode: 'seeded' | 'noisy'): Promise<string> {
  const root = tempDir();
  const models =
    mode === 'seeded'
      ? ['  scripted:', '    provider: offline', '    model: scripted-1', `    seed: ${RELAY_SEED}`, '    input_price: 1', '    output_price: 1', '    context_window: 32000']
      : [
          '  cloud:',
          '    provider: anthropic',
          '    model: claude-stand-in',
          '    input_price: 1',
          '    output_price: 1',
          '    context_window: 32000',
          '  repair:',
          '    provider: offline',
          '    model: repair-1',
          '    input_price: 1',
          '    output_price: 1',
          '    context_window: 32000',
        ];
  write(root, 'org/org.yaml', ['name: relay', 'engine:', '  max_turns: 6', '  sandbox: { isolation: none }', 'history: { keep: true }', 'models:', ...models, ''].join('\n'));
  write(
    root,
    'org/chart.yaml',
    ['agents:', '  human:', '    reports_to: null', '    send_to: [a]', '    read_from: ["*"]', '  a:', '    reports_to: human', '    send_to: [b]', '    read_from: ["*"]', '  b:', '    reports_to: human', '    send_to: [human]', '    read_from: ["*"]', ''].join('\n'),
  );
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nYou.\n');
  const model = mode === 'seeded' ? 'scripted' : 'cloud';
  for (const agent of ['a', 'b']) write(root, `agents/${agent}/resume.md`, `---\ntitle: Relay ${agent}\nmodel: ${model}\ncredits: 10\ntools: [send_message]\n---\nPass it on.\n`);
  sendAsHuman(root, loadOrg(root).org, { to: 'a', body: 'Please get the figures checked.', subject: 'Figures' });
  await runEngine(root, {}, { providerFactory: relayModels(mode, { original: true }) });
  return root;
}
