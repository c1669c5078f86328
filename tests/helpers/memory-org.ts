import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import { parseMessage } from '../../src/mailbox/message-format.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { OfflineProvider } from '../../src/providers/offline/offline-provider.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { defaultOrg, runEngine, tempDir, write } from './temp-org.js';
import type { Random } from './seeded-random.js';

/** How the small org of the memory tests is made. */
export interface MemoryOrgOptions {
  /** org.yaml's `memory:` line, as YAML after the key (`{ keep: true }`); absent: no line (memory off, the default). */
  memory?: string;
  /** The offline model's seed and variability (the seeded repeats). */
  seed?: number;
  variability?: number;
  /** Mail shown per call: 1 makes each waiting message a turn of its own. */
  maxMessages?: number;
  /** org.yaml's `history:` line. */
  history?: boolean;
  /** The keeper's own `memory:` front matter, when it has one. */
  keeperMemory?: string;
}

/**
 * A two-member org: the human, and `keeper`, a records keeper on the offline model who reads the
 * human's mail and answers it. What the memory tests tell it, and later ask it.
 */
export function memoryOrg(options: MemoryOrgOptions = {}): string {
  const root = tempDir('lemming-memory-');
  const offline = ['provider: offline', 'model: offline-1', 'input_price: 2.5', 'output_price: 10', 'context_window: 32000'];
  if (options.seed !== undefined) offline.push(`seed: ${options.seed}`);
  if (options.variability !== undefined) offline.push(`variability: ${options.variability}`);
  const orgYaml = [
    'name: recall',
    'engine:',
    '  max_turns: 200',
    `  context: { max_messages: ${options.maxMessages ?? 20} }`,
    'models:',
    `  offline: { ${offline.join(', ')} }`,
    ...(options.memory !== undefined ? [`memory: ${options.memory}`] : []),
    ...(options.history ? ['history: { keep: true }'] : []),
  ];
  write(root, 'org/org.yaml', `${orgYaml.join('\n')}\n`);
  write(
    root,
    'org/chart.yaml',
    ['agents:', '  human:', '    reports_to: null', '    send_to: [keeper]', '    read_from: ["*"]', '  keeper:', '    reports_to: human', '    send_to: [human]', '    read_from: [human]', ''].join('\n'),
  );
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nThis is you.\n');
  const keeper = ['title: Records keeper', 'model: offline', 'credits: 100', 'tools: [send_message, remember]', ...(options.keeperMemory !== undefined ? [`memory: ${options.keeperMemory}`] : [])];
  write(root, 'agents/keeper/resume.md', `---\n${keeper.join('\n')}\n---\nYou keep the records of the organisation and answer what you are asked.\n`);
  return root;
}

/** The embedding entry's context window and input price (credits a million tokens) in embeddingOrg. */
export const EMBEDDER = { window: 8192, price: 20 } as const;

/**
 * The keeper's org, one message shown a turn, its memories' relevance by the `/v1/embeddings` at `url`
 * (org.yaml `memory.embeddings`: the `embedder` entry, EMBEDDER's window and price).
 */
export function embeddingOrg(url: string): string {
  const root = memoryOrg({ memory: '{ keep: true, budget_tokens: 200, reflect: { every: 0, importance: 0 }, embeddings: { model: embedder } }', maxMessages: 1 });
  const path = join(root, 'org/org.yaml');
  const embedder = `  embedder: { provider: openai-compatible, model: toy-embed, base_url: ${url}/v1, input_price: ${EMBEDDER.price}, output_price: 0, context_window: ${EMBEDDER.window} }\n`;
  writeFileSync(path, readFileSync(path, 'utf8').replace('models:\n', `models:\n${embedder}`));
  return root;
}

/** A charge line of the ledger as written, each model's share under `models`. */
export interface KeeperCharge {
  turn: number;
  agent: string;
  input_tokens: unknown;
  output_tokens: unknown;
  credits: number;
  models?: Record<string, { input_tokens: unknown; output_tokens: unknown; credits: number }>;
}

/** The keeper's charge lines, whole, in the order of their turns. */
export function keeperCharges(root: string): KeeperCharge[] {
  return readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.includes('"type":"charge"'))
    .map((line) => JSON.parse(line) as KeeperCharge)
    .filter((line) => line.agent === 'keeper')
    .sort((left, right) => left.turn - right.turn);
}

/** The human sends each of `bodies` to the keeper, in order, before the next turn (one org load for them all). */
export function humanSendsAll(root: string, bodies: ReadonlyArray<{ subject: string; body: string }>): string[] {
  const org = loadOrg(root).org;
  return bodies.map((message) => sendAsHuman(root, org, { to: 'keeper', subject: message.subject, body: message.body }).message.id);
}

/** The keeper's messages to the human, by the id each answers. */
export function keeperAnswers(root: string): Map<string, string> {
  const answers = new Map<string, string>();
  const outbox = join(root, 'agents', 'keeper', 'outbox');
  for (const name of readdirSync(outbox).sort()) {
    const parsed = parseMessage(readFileSync(join(outbox, name), 'utf8'));
    if ('message' in parsed && parsed.message.replyTo !== undefined) answers.set(parsed.message.replyTo, parsed.message.body);
  }
  return answers;
}

/** The files of an agent's memory stream, by name, with their text. */
export function streamFiles(root: string, agent = 'keeper'): Record<string, string> {
  return memoryFolderFiles(root, agent, 'stream');
}

/** The files that say which memories each of an agent's prompts recalled (memory/memory-access.ts), by name, with their text. */
export function recalledFiles(root: string, agent = 'keeper'): Record<string, string> {
  return memoryFolderFiles(root, agent, 'recalled');
}

function memoryFolderFiles(root: string, agent: string, name: string): Record<string, string> {
  const folder = join(root, 'agents', agent, 'memory', name);
  let names: string[];
  try {
    names = readdirSync(folder).sort();
  } catch {
    return {};
  }
  return Object.fromEntries(names.map((name) => [name, readFileSync(join(folder, name), 'utf8')]));
}

/** An offline model that keeps every request it is given. */
export function capturingFactory(): { requests: ProviderRequest[]; providerFactory: () => OfflineProvider } {
  const requests: ProviderRequest[] = [];
  class Capturing extends OfflineProvider {
    override async generate(request: ProviderRequest) {
      requests.push(request);
      return super.generate(request);
    }
  }
  const provider = new Capturing();
  return { requests, providerFactory: () => provider };
}

const TOPICS = ['vault', 'ferry', 'archive', 'garden', 'reactor', 'orchard', 'lighthouse', 'museum', 'harbour', 'observatory', 'library', 'bakery'];
const THINGS = ['code', 'password', 'colour', 'motto', 'keyword'];
const VALUES = ['amber', 'cobalt', 'juniper', 'saffron', 'tundra', 'quartz', 'marigold', 'sequoia', 'vermilion', 'zephyr', 'obsidian', 'lagoon'];
const CHORES = ['Draft the weekly summary of', 'Tidy the inventory list of', 'Check the opening hours of', 'Update the visitor log of', 'Review the budget notes of', 'Count the spare keys of', 'Write the safety checklist of'];

/** A fact told once, the question that asks for it later, and the value an answer must hold. */
export interface ToldFact {
  tell: { subject: string; body: string };
  ask: { subject: string; body: string };
  value: string;
}

/** A fact drawn from `random`: "the <topic> <thing> is <value>-<number>". */
export function drawFact(random: Random): ToldFact {
  const topic = random.pick(TOPICS);
  const thing = random.pick(THINGS);
  const value = `${random.pick(VALUES)}-${random.int(100, 999)}`;
  return {
    tell: { subject: `For the record: ${topic}`, body: `For the record, the ${topic} ${thing} is ${value}. Keep it safe.` },
    ask: { subject: `Question about the ${topic}`, body: `What is the ${topic} ${thing}?` },
    value,
  };
}

/**
 * `count` busy requests drawn from `random`: chores about the topics, some of them about the very
 * topic of the fact or naming the same kind of thing (distractors), none holding the fact's value.
 */
export function drawBusyWork(random: Random, count: number): Array<{ subject: string; body: string }> {
  return Array.from({ length: count }, (_, index) => {
    const topic = random.pick(TOPICS);
    const chore = random.pick(CHORES);
    const detail = random.chance(0.3) ? ` and note any ${random.pick(THINGS)} that changed` : '';
    return { subject: `Chore ${index + 1}: ${topic}`, body: `${chore} the ${topic}${detail}, please.` };
  });
}

/**
 * The human sends each message in a turn of its own, as a person at `lemming chat` would: one engine
 * for them all, each message sent between two turns and read in the next (one message file a turn to
 * read, where mail all sent at once is read again every turn until it is shown). The ids sent.
 */
export async function oneMessageATurn(root: string, messages: ReadonlyArray<{ subject: string; body: string }>): Promise<string[]> {
  const engine = Engine.open({ root });
  const ids: string[] = [];
  try {
    for (const message of messages) {
      ids.push(sendAsHuman(root, engine.currentOrg, { to: 'keeper', subject: message.subject, body: message.body }).message.id);
      for await (const event of engine.turn()) if (event.type === 'agent-error') throw new Error(event.message);
    }
    // What the last one asked is answered in its turn: the org is idle after it.
  } finally {
    engine.close();
  }
  return ids;
}

/** Run the org to idle in this process; the events. */
export async function runToIdleHere(root: string, providerFactory?: () => OfflineProvider): Promise<EngineEvent[]> {
  return runEngine(root, { maxTurns: 200 }, providerFactory ? { providerFactory } : {});
}

/**
 * The default org on the offline model as the memory tests that run it for some 60 turns make it: its
 * history not kept, the model's `seed` and variability 0.5, `memory` as org.yaml's `memory:` line when
 * given (none: no memory), `maxMessages` shown per call when given; every agent with 100 credits, and
 * the coder without run_command (its sandboxed Python test of each report, two thirds of such a run's
 * time, is not what these measure; its reports still come back).
 */
export function busyDefaultOrg(seed: number, options: { memory?: string; maxMessages?: number } = {}): string {
  const root = defaultOrg();
  const orgYaml = join(root, 'org/org.yaml');
  let text = readFileSync(orgYaml, 'utf8').replace('history: { keep: true }', 'history: { keep: false }').replace('    model: offline-1\n', `    model: offline-1\n    seed: ${seed}\n    variability: 0.5\n`);
  if (options.maxMessages !== undefined) text = text.replace('max_messages: 20 ', `max_messages: ${options.maxMessages}  `);
  writeFileSync(orgYaml, `${text}${options.memory !== undefined ? `\nmemory: ${options.memory}\n` : ''}`);
  for (const agent of ['manager', 'planner', 'janitor', 'coder_01', 'hr']) {
    const resume = join(root, 'agents', agent, 'resume.md');
    writeFileSync(resume, readFileSync(resume, 'utf8').replace(/^credits: .*$/m, 'credits: 100').replace(', run_command]', ']'));
  }
  return root;
}

/**
 * Run an org turn by turn in one engine, the human sending the manager what `mailOf(turn)` gives before
 * each turn, until the manager's prompt shows the last message sent at `questionTurn` (the question) or
 * twenty turns after it. Every request the offline model was given, the question's id, and the request
 * that showed it (undefined when none did).
 */
export async function untilManagerAsked(root: string, questionTurn: number, mailOf: (turn: number) => ReadonlyArray<{ subject: string; body: string }>): Promise<{ requests: ProviderRequest[]; questionId: string; asked?: ProviderRequest }> {
  const { requests, providerFactory } = capturingFactory();
  const engine = Engine.open({ root, providerFactory });
  let questionId = '';
  const showing = () => requests.find((request) => request.agent === 'manager' && questionId !== '' && String(request.messages[0]?.content ?? '').includes(`<message id="${questionId}"`));
  try {
    for (let turn = 1; turn <= questionTurn + 20 && !showing(); turn += 1) {
      for (const message of mailOf(turn)) {
        const sent = sendAsHuman(root, engine.currentOrg, { to: 'manager', ...message });
        if (turn === questionTurn) questionId = sent.message.id;
      }
      for await (const event of engine.turn()) {
        if (event.type === 'agent-error') throw new Error(event.message);
        if (event.type === 'turn-started' && event.turn !== turn) throw new Error(`turn ${event.turn} began where ${turn} was expected`);
      }
    }
  } finally {
    engine.close();
  }
  const asked = showing();
  return { requests, questionId, ...(asked ? { asked } : {}) };
}

/** The default org (`lemming bootstrap`) keeping a memory stream for every agent, its history off. */
export function defaultOrgWithMemory(): string {
  const root = defaultOrg();
  const orgYaml = join(root, 'org/org.yaml');
  writeFileSync(orgYaml, `${readFileSync(orgYaml, 'utf8').replace('history: { keep: true }', 'history: { keep: false }')}\nmemory: { keep: true }\n`);
  return root;
}
