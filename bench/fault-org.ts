import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Engine } from '../src/engine/engine.js';
import { sendAsHuman } from '../src/engine/human/send-as-human.js';
import { loadOrg } from '../src/org/load-org-once.js';
import type { ProviderFactory } from '../src/providers/create-provider.js';
import type { Provider, ProviderRequest, ProviderResponse, ToolCall } from '../src/providers/provider.js';
import { streamSeed } from '../src/random/seeded-random.js';

/**
 * Runs with a known fault injected (lemming issue 63): a ring of agents r0, r1, ... hands a note
 * `VALUE=42 hop=h from=<agent>` on, one call a turn, for `turns` turns; the holder of the last hop
 * answers the human, and the check wants `VALUE=42 hop=<turns>` in the answer. Without a fault the run
 * passes. A fault is injected into one call (an agent's, in a turn) as a decorator of the model's
 * answer, under the run's own seed only, as a model that errs on that call would: a re-run of the call
 * as it was (a control) errs again; a changed call (another seed) does not, or, on the stochastic
 * model, does not with chance `culpritFix`.
 *
 * - `wrong-value`: the note says VALUE=41;
 * - `dropped`: the call sends nothing;
 * - `wrong-recipient`: the note goes to the agent after next, who passes on only what its predecessor sent;
 * - `refused`: the call sends to `archive`, whom it may not write to: the engine refuses the tool call.
 *
 * On the stochastic model every changed call also checks the note with chance `noise`: it puts the
 * value right and marks the note CHECKED, and a CHECKED holder does not err. So changing a call before
 * the culprit, or after it (a wrong value is put right downstream), flips some forks too.
 */
export type FaultKind = 'wrong-value' | 'dropped' | 'wrong-recipient' | 'refused';
export const FAULT_KINDS: readonly FaultKind[] = ['wrong-value', 'dropped', 'wrong-recipient', 'refused'];

export interface Fault {
  kind: FaultKind;
  agent: string;
  turn: number;
}

export interface RingSettings {
  agents: number;
  turns: number;
  /** The run's own seed: the one under which the fault happens. */
  seed: number;
  /** The chance a changed call checks the note (0: only the culprit's change flips a fork). */
  noise: number;
  /** The chance the culprit's changed call does not err (1: always right). */
  culpritFix: number;
}

export const ringAgent = (index: number, agents: number): string => `r${((index % agents) + agents) % agents}`;
/** The agent that holds the note in `turn` (1-based). */
export const holderAt = (turn: number, agents: number): string => ringAgent(turn - 1, agents);

export const ringCheck = (turns: number): { name: string; run: string } => ({ name: 'delivered', run: `grep -q "VALUE=42 hop=${turns}" "$SHARED/answer.md"` });

function draw(seed: number, agent: string, turn: number, what: string): number {
  return streamSeed(seed, `${agent} ${turn} ${what}`) / 2 ** 32;
}

function send(to: string, body: string): ToolCall {
  return { id: `call_${to}`, name: 'send_message', arguments: { to, subject: 'Note', body } };
}

class RingModel implements Provider {
  constructor(
    private readonly seed: number,
    private readonly ring: RingSettings,
    private readonly fault: Fault | undefined,
  ) {}

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    const inbox = request.messages.map((message) => (typeof message.content === 'string' ? message.content : '')).join('\n');
    const notes = [...inbox.matchAll(/VALUE=(\d+) hop=(\d+) from=(\w+)( CHECKED)?/g)];
    const last = notes.at(-1);
    const index = Number(request.agent.slice(1));
    const predecessor = index === 0 && last?.[3] === 'human' ? 'human' : ringAgent(index - 1, this.ring.agents);
    const answer = (toolCalls: ToolCall[]): ProviderResponse => ({ text: '', toolCalls, usage: { inputTokens: 200, outputTokens: 20, estimated: false }, modelKey: request.modelKey });
    if (!last || last[3] !== predecessor) return answer([]);
    const changed = this.seed !== this.ring.seed;
    let value = Number(last[1]);
    let checked = last[4] !== undefined;
    if (changed && draw(this.seed, request.agent, request.turn, 'check') < this.ring.noise) {
      value = 42;
      checked = true;
    }
    const hop = Number(last[2]) + 1;
    const to = hop >= this.ring.turns ? 'human' : ringAgent(index + 1, this.ring.agents);
    const note = (v: number): string => `VALUE=${v} hop=${hop} from=${request.agent}${checked ? ' CHECKED' : ''}`;
    const fault = this.fault;
    const errs = fault !== undefined && fault.agent === request.agent && fault.turn === request.turn && !checked && (!changed || draw(this.seed, request.agent, request.turn, 'fix') >= this.ring.culpritFix);
    if (!errs) return answer([send(to, note(value))]);
    if (fault.kind === 'wrong-value') return answer([send(to, note(41))]);
    if (fault.kind === 'dropped') return answer([]);
    if (fault.kind === 'wrong-recipient') return answer([send(ringAgent(index + 2, this.ring.agents), note(value))]);
    return answer([send('archive', note(value))]);
  }
}

/** The ring's models: each registry entry's seed decides its calls; `fault` is injected under the run's seed. */
export function ringModels(ring: RingSettings, fault?: Fault): ProviderFactory {
  return (_key, entry) => new RingModel(entry.seed ?? 0, ring, fault);
}

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** The ring org at `root`, keeping its history, run to idle with `fault` injected: a run that fails its check because of that call. */
export async function faultyRun(root: string, ring: RingSettings, fault?: Fault): Promise<void> {
  write(
    root,
    'org/org.yaml',
    `name: ring\nengine: { max_turns: ${ring.turns + 2}, max_steps: 1, sandbox: { isolation: none } }\nhistory: { keep: true }\nmodels:\n  ring: { provider: offline, model: ring-1, seed: ${ring.seed}, input_price: 1, output_price: 1, context_window: 32000, max_output_tokens: 400, max_retries: 0 }\n`,
  );
  const chart = ['agents:', '  human: { reports_to: null, send_to: [r0], read_from: ["*"] }'];
  for (let index = 0; index < ring.agents; index += 1) {
    const targets = [...new Set([ringAgent(index + 1, ring.agents), ringAgent(index + 2, ring.agents), 'human'])];
    chart.push(`  ${ringAgent(index, ring.agents)}: { reports_to: human, send_to: [${targets.join(', ')}], read_from: ["*"] }`);
  }
  write(root, 'org/chart.yaml', `${chart.join('\n')}\n`);
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nYou.\n');
  for (let index = 0; index < ring.agents; index += 1) write(root, `agents/${ringAgent(index, ring.agents)}/resume.md`, `---\ntitle: Ring member ${index}\nmodel: ring\ncredits: 1000\ntools: [send_message]\n---\nPass the note on.\n`);
  sendAsHuman(root, loadOrg(root).org, { to: 'r0', subject: 'Note', body: 'VALUE=42 hop=0 from=human' });
  const engine = Engine.open({ root, providerFactory: ringModels(ring, fault) });
  try {
    for await (const event of engine.run({})) void event;
  } finally {
    engine.close();
  }
}
