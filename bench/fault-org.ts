import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Engine } from '../src/engine/engine.js';
import { sendAsHuman } from '../src/engine/human/send-as-human.js';
import { loadOrg } from '../src/org/load-org-once.js';
import type { ProviderFactory } from '../src/providers/create-provider.js';
import type { Provider, ProviderRequest, ProviderResponse, ToolCall } from '../src/providers/provider.js';
import { streamSeed } from '../src/random/seeded-random.js';

/**
 * Runs with a known fault injected (lemming issues 63 and 74): agents r0, r1, ... hand `lanes` notes
 * on at once, each `VALUE=42 lane=j hop=h next=<agent>` passed one hop a turn for `turns` turns, so a
 * turn has as many calls as agents holding a note (up to `lanes`); the holder of a note's last hop
 * sends it to the person, and the check wants every lane's note there with the value and the hop count.
 * A holder passes a note on to one of the two agents after it round the ring, as its call's draw
 * (its seed) picks: runs differ by their seed as real ones do, and a changed call sends the note down
 * another path, which may miss a faulty call downstream. Without a fault the run passes.
 *
 * A fault is injected into one call (an agent's, in a turn) as a model that errs on it would, on the
 * first note that call passes on:
 * - `wrong-value`: the note says VALUE=41;
 * - `dropped`: the note is not passed on;
 * - `wrong-recipient`: the note goes to the other agent after it, whose name is not `next`, so it stops there;
 * - `refused`: the note is sent to `archive`, whom the agent may not write to: the engine refuses the tool call.
 *
 * `fixedBy: 'reseed'`: the fault happens under the run's own seed only, so a control errs again and a
 * changed call (another seed) does not, or, with `culpritFix` below 1, does not with that chance.
 * `fixedBy: 'repair'`: the agent's model errs on that call under any seed (a defect of the model), and
 * only the repair model (`ring-repair`, blame's `--model`) passes the note on right.
 *
 * With `noise`, every changed call checks each note it passes with that chance: it puts the value right
 * and marks the note CHECKED, and a CHECKED note is not spoiled. So changing a call before the culprit,
 * or after a wrong value, flips some forks too.
 */
export type FaultKind = 'wrong-value' | 'dropped' | 'wrong-recipient' | 'refused';
export const FAULT_KINDS: readonly FaultKind[] = ['wrong-value', 'dropped', 'wrong-recipient', 'refused'];

export interface Fault {
  kind: FaultKind;
  agent: string;
  turn: number;
  /** What undoes it: another seed (`reseed`) or only the repair model (`repair`). */
  fixedBy: 'reseed' | 'repair';
}

export interface RingSettings {
  agents: number;
  /** Notes handed on at once: the most calls a turn. */
  lanes: number;
  /** Hops each note makes: its last holder answers the person in this turn. */
  turns: number;
  /** The run's own seed: the one under which a `reseed` fault happens. */
  seed: number;
  /** The chance a changed call checks each note it passes (0: none). */
  noise: number;
  /** The chance the culprit's changed call does not err, for a `reseed` fault (1: always right). */
  culpritFix: number;
}

/** The registry key of the repair model: a model that never errs. */
export const REPAIR_MODEL = 'ring-repair';

export const ringAgent = (index: number, agents: number): string => `r${((index % agents) + agents) % agents}`;

/** Where lane `lane`'s note starts: the lanes spread round the ring. */
const startOf = (lane: number, ring: RingSettings): string => ringAgent(Math.floor((lane * ring.agents) / ring.lanes), ring.agents);

/** The check: every lane's note reached the person with VALUE=42 and its last hop. */
export const ringCheck = (ring: Pick<RingSettings, 'lanes' | 'turns'>): { name: string; run: string } => ({
  name: 'delivered',
  run: `for lane in ${Array.from({ length: ring.lanes }, (_, lane) => lane).join(' ')}; do cat "$SHARED"/agents/*/outbox/*-human.md 2>/dev/null | grep -q "VALUE=42 lane=$lane hop=${ring.turns} " || exit 1; done`,
});

function draw(seed: number, agent: string, turn: number, what: string): number {
  return streamSeed(seed, `${agent} ${turn} ${what}`) / 2 ** 32;
}

function send(lane: number, to: string, body: string): ToolCall {
  return { id: `call_${lane}`, name: 'send_message', arguments: { to, subject: 'Note', body } };
}

class RingModel implements Provider {
  constructor(
    private readonly seed: number,
    private readonly repair: boolean,
    private readonly ring: RingSettings,
    private readonly fault: Fault | undefined,
  ) {}

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    const inbox = request.messages.map((message) => (typeof message.content === 'string' ? message.content : '')).join('\n');
    const me = request.agent;
    // Each lane's latest note addressed to this agent.
    const notes = new Map<number, RegExpMatchArray>();
    for (const note of inbox.matchAll(/VALUE=(\d+) lane=(\d+) hop=(\d+) next=(\w+) from=\w+( CHECKED)?/g)) if (note[4] === me) notes.set(Number(note[2]), note);
    const index = Number(me.slice(1));
    const changed = this.repair || this.seed !== this.ring.seed;
    const fault = this.fault;
    const faulty = fault !== undefined && fault.agent === me && fault.turn === request.turn;
    const calls: ToolCall[] = [];
    let spoiled = false;
    for (const lane of [...notes.keys()].sort((left, right) => left - right)) {
      const note = notes.get(lane)!;
      let value = Number(note[1]);
      let checked = note[5] !== undefined;
      if (changed && !this.repair && this.ring.noise > 0 && draw(this.seed, me, request.turn, `check ${lane}`) < this.ring.noise) {
        value = 42;
        checked = true;
      }
      const hop = Number(note[3]) + 1;
      const [near, far] = draw(this.seed, me, request.turn, `route ${lane}`) < 0.5 ? [1, 2] : [2, 1];
      const next = hop >= this.ring.turns ? 'human' : ringAgent(index + near!, this.ring.agents);
      const text = (v: number, to: string): string => `VALUE=${v} lane=${lane} hop=${hop} next=${to} from=${me}${checked ? ' CHECKED' : ''}`;
      const errs = faulty && !spoiled && !checked && this.errs(request.turn);
      if (!errs) {
        calls.push(send(lane, next, text(value, next)));
        continue;
      }
      spoiled = true;
      if (fault!.kind === 'wrong-value') calls.push(send(lane, next, text(41, next)));
      else if (fault!.kind === 'wrong-recipient') calls.push(send(lane, hop >= this.ring.turns ? ringAgent(index + 1, this.ring.agents) : ringAgent(index + far!, this.ring.agents), text(value, next)));
      else if (fault!.kind === 'refused') calls.push(send(lane, 'archive', text(value, next)));
    }
    return { text: '', toolCalls: calls, usage: { inputTokens: 200, outputTokens: 20, estimated: false }, modelKey: request.modelKey };
  }

  /** Whether the faulty call errs on this model and seed. */
  private errs(turn: number): boolean {
    if (this.repair) return false;
    if (this.fault!.fixedBy === 'repair') return true;
    if (this.seed === this.ring.seed) return true;
    return draw(this.seed, this.fault!.agent, turn, 'fix') >= this.ring.culpritFix;
  }
}

/** The ring's models: each registry entry's seed decides its calls; `fault` is injected as it says; the repair model never errs. */
export function ringModels(ring: RingSettings, fault?: Fault): ProviderFactory {
  return (_key, entry) => new RingModel(entry.seed ?? 0, entry.provider === 'offline' && 'model' in entry && entry.model === 'ring-fix-1', ring, fault);
}

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** The ring org at `root`, keeping its history, run to idle with `fault` injected: a run that fails its check because of that call. */
export async function faultyRun(root: string, ring: RingSettings, fault?: Fault): Promise<void> {
  const entry = (model: string) => `{ provider: offline, model: ${model}, seed: ${ring.seed}, input_price: 1, output_price: 1, context_window: 32000, max_output_tokens: 400, max_retries: 0 }`;
  write(root, 'org/org.yaml', `name: ring\nengine: { max_turns: ${ring.turns + 2}, max_steps: 1, sandbox: { isolation: none } }\nhistory: { keep: true }\nmodels:\n  ring: ${entry('ring-1')}\n  ${REPAIR_MODEL}: ${entry('ring-fix-1')}\n`);
  const starts = [...new Set(Array.from({ length: ring.lanes }, (_, lane) => startOf(lane, ring)))];
  const chart = ['agents:', `  human: { reports_to: null, send_to: [${starts.join(', ')}], read_from: ["*"] }`];
  for (let index = 0; index < ring.agents; index += 1) {
    const targets = [...new Set([ringAgent(index + 1, ring.agents), ringAgent(index + 2, ring.agents), 'human'])];
    chart.push(`  ${ringAgent(index, ring.agents)}: { reports_to: human, send_to: [${targets.join(', ')}], read_from: ["*"] }`);
  }
  write(root, 'org/chart.yaml', `${chart.join('\n')}\n`);
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nYou.\n');
  for (let index = 0; index < ring.agents; index += 1) write(root, `agents/${ringAgent(index, ring.agents)}/resume.md`, `---\ntitle: Ring member ${index}\nmodel: ring\ncredits: 1000\ntools: [send_message]\n---\nPass the notes on.\n`);
  for (let lane = 0; lane < ring.lanes; lane += 1) {
    const start = startOf(lane, ring);
    sendAsHuman(root, loadOrg(root).org, { to: start, subject: `Note ${lane}`, body: `VALUE=42 lane=${lane} hop=0 next=${start} from=human` });
  }
  const engine = Engine.open({ root, providerFactory: ringModels(ring, fault) });
  try {
    for await (const event of engine.run({})) void event;
  } finally {
    engine.close();
  }
}
