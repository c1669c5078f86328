import { closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { EngineState, PendingItem } from '../src/engine/record/engine-state.js';
import { initialState } from '../src/engine/record/engine-state.js';
import { saveState } from '../src/engine/record/state-store.js';
import { emptyTotals, type LedgerSnapshot } from '../src/engine/money/ledger.js';
import { NO_BYTES_CRC } from '../src/engine/money/counted-prefix.js';
import { LEDGER_RULE } from '../src/org/ledger-line.js';
import type { OutboxHints } from '../src/engine/record/outbox-hints.js';
import { formatMessage } from '../src/mailbox/message-format.js';
import { messageFileName, messageId, type Message } from '../src/mailbox/message.js';
import { OrgLoader } from '../src/org/load-org.js';
import { formatMemory, memoryFileName, type Memory } from '../src/memory/memory-file.js';

export interface OrgShape {
  /** Agents in the org. */
  agents: number;
  /** The resumes' tools, when not the default (send_message, remember). */
  tools?: string[];
  /** Messages already in the outboxes, from earlier turns, read long ago. */
  history: number;
  /** How many agents have one unread message waiting (the first `withMail` agents). */
  withMail: number;
  /** org.yaml `engine.traces.keep`: call traces kept per agent (none when absent). */
  traces?: number;
  /** org.yaml `history.keep`, when set (the history of every turn, docs/history.md). */
  keepHistory?: boolean;
  /** org.yaml `engine.activation`: each agent with work acts in a turn with this probability (engine/turn/activation.ts). */
  activation?: number;
  /** Each agent keeps a memory stream (org.yaml `memory: { keep: true }`, docs/memory.md) already holding this many memories. */
  memories?: number;
  /** Agents in groups of this many, each group a mailing list (org/lists/list_<n>.yaml) its members post to. */
  listSize?: number;
  /** org.yaml `memory.max_memories`: the ceiling past which a stream's oldest memories are consolidated (memory/memory-ceiling.ts). */
  maxMemories?: number;
}

/** The list an agent posts to when the org has lists of `size` (buildOrg's `listSize`): its group's. */
export function listOf(index: number, size: number): string {
  return `list_${String(Math.floor(index / size)).padStart(5, '0')}`;
}

const TOPICS = ['release', 'budget', 'hiring', 'garden', 'ferry', 'vault', 'archive', 'launch', 'survey', 'office', 'invoice', 'roadmap'];

/**
 * An agent's memory stream as earlier work would have left it: `count` memories from before the org's
 * turns, each about one of a few topics, of the size the engine writes (a message read or sent, a
 * few sentences), with importance from 2 to 9.
 */
function writeMemories(root: string, agent: string, count: number): void {
  const folder = join(root, 'agents', agent, 'memory', 'stream');
  mkdirSync(folder, { recursive: true });
  for (let index = 0; index < count; index += 1) {
    const memory: Memory = {
      id: `000000-${String(index + 1).padStart(3, '0')}`,
      turn: 0,
      kind: index % 7 === 0 ? 'plan' : 'observation',
      importance: 2 + (index % 8),
      sources: [`${String(index).padStart(6, '0')}-${agent}-001`],
      text: `${agent} heard about the ${TOPICS[index % TOPICS.length]} (note ${index}): ${body(index)}`,
    };
    writeFileSync(join(folder, memoryFileName(memory)), formatMemory(memory));
  }
}

export function agentName(index: number): string {
  return `agent_${String(index).padStart(4, '0')}`;
}

function body(index: number): string {
  return `Progress note ${index}: the task moved forward; details follow in the next message. `.repeat(3);
}

/**
 * Write an org that has been running for a while: N agents who may all talk to each
 * other, H old messages spread over their outboxes (already read, so the engine's
 * state says so, as it would after a real run), a ledger with a charge per old
 * message, and one fresh unread message for each of the first `withMail` agents.
 */
export function buildOrg(root: string, shape: OrgShape): void {
  const names = Array.from({ length: shape.agents }, (_, index) => agentName(index));
  mkdirSync(join(root, 'org', 'state'), { recursive: true });
  writeFileSync(
    join(root, 'org', 'org.yaml'),
    [
      'name: bench',
      'engine:',
      '  max_turns: 1000',
      '  concurrency: 8',
      ...(shape.activation === undefined ? [] : ['  activation:', '    rules:', `      - probability: ${shape.activation}`]),
      ...(shape.traces === undefined ? [] : ['  traces:', `    keep: ${shape.traces}`]),
      'models:',
      '  bench:',
      '    provider: offline',
      '    model: bench',
      '    input_price: 1',
      '    output_price: 2',
      '    context_window: 1000000',
      ...(shape.keepHistory === undefined ? [] : [`history: { keep: ${String(shape.keepHistory)} }`]),
      ...(shape.memories === undefined ? [] : [`memory: { keep: true${shape.maxMemories === undefined ? '' : `, max_memories: ${shape.maxMemories}`} }`]),
      '',
    ].join('\n'),
  );
  writeFileSync(join(root, 'org', 'chart.yaml'), `agents:\n${names.map((name) => `  ${name}:\n    send_to: ["*"]\n    read_from: ["*"]\n`).join('')}`);
  for (const name of names) {
    mkdirSync(join(root, 'agents', name, 'outbox'), { recursive: true });
    const tools = shape.tools ? `tools: [${shape.tools.join(', ')}]\n` : '';
    writeFileSync(join(root, 'agents', name, 'resume.md'), `---\ntitle: Worker ${name}\nmodel: bench\ncredits: 1000000\n${tools}---\nPass work on to the next agent.\n`);
  }

  if (shape.memories !== undefined) for (const name of names) writeMemories(root, name, shape.memories);
  if (shape.listSize !== undefined) {
    const size = shape.listSize;
    mkdirSync(join(root, 'org', 'lists'), { recursive: true });
    for (let start = 0; start < names.length; start += size) {
      const members = names.slice(start, start + size);
      writeFileSync(join(root, 'org', 'lists', `${listOf(start, size)}.yaml`), `members: [${members.join(', ')}]\nmay_post: members\n`);
    }
  }

  const historyTurns = Math.max(1, Math.ceil(shape.history / Math.max(1, shape.agents)));
  const totals: LedgerSnapshot['totals'] = {};
  const seqs = new Map<string, number>();
  // The ledger is streamed out in chunks: at a million messages it is some 150 MB.
  const ledgerFile = openSync(join(root, 'org', 'state', 'ledger.jsonl'), 'w');
  let ledgerBytes = 0;
  // The CRC-32 of the ledger's bytes, kept beside its offset as a run keeps it (engine/money/counted-prefix.ts).
  let ledgerCrc = NO_BYTES_CRC;
  const writeLedger = (text: string): void => {
    const bytes = Buffer.from(text);
    ledgerBytes += writeSync(ledgerFile, bytes);
    ledgerCrc = crc32(bytes, ledgerCrc);
  };
  let chunk = '';
  for (let index = 0; index < shape.history; index += 1) {
    const from = names[index % names.length] as string;
    const to = names[(index + 1) % names.length] as string;
    const turn = 1 + Math.floor(index / names.length);
    const key = `${from}:${turn}`;
    const seq = (seqs.get(key) ?? 0) + 1;
    seqs.set(key, seq);
    const message: Message = {
      id: messageId(turn, from, seq),
      from,
      to,
      turn,
      created: '2026-01-01T00:00:00.000Z',
      priority: 'normal',
      model: 'bench',
      usage: { inputTokens: 300, outputTokens: 40, credits: 0.00038 },
      body: body(index),
    };
    writeFileSync(join(root, 'agents', from, 'outbox', messageFileName(turn, seq, to)), formatMessage(message));
    chunk += `${JSON.stringify({ type: 'charge', turn, agent: from, model: 'bench', input_tokens: 300, output_tokens: 40, credits: 0.00038, at: message.created })}\n`;
    if (chunk.length > 1 << 20) {
      writeLedger(chunk);
      chunk = '';
    }
    const agentTotals = (totals[from] ??= emptyTotals());
    agentTotals.spent += 0.00038;
    agentTotals.inputTokens += 300;
    agentTotals.outputTokens += 40;
    agentTotals.calls += 1;
  }
  writeLedger(chunk);
  closeSync(ledgerFile);

  // The fresh mail, written in the last finished turn by each agent's neighbour.
  const lastTurn = historyTurns + 1;
  const pending: PendingItem[] = [];
  for (let index = 0; index < shape.withMail; index += 1) {
    const to = names[index] as string;
    const from = names[(index + names.length - 1) % names.length] as string;
    const seq = 1;
    const message: Message = { id: messageId(lastTurn, from, seq), from, to, turn: lastTurn, created: '2026-01-01T00:00:00.000Z', priority: 'normal', body: 'Your turn: take the task on.' };
    const fileName = messageFileName(lastTurn, seq, to);
    writeFileSync(join(root, 'agents', from, 'outbox', fileName), formatMessage(message));
    pending.push({ kind: 'message', id: message.id, from, to, turn: lastTurn, file: `agents/${from}/outbox/${fileName}`, priority: 'normal' });
  }

  // The org's record of files taken in (every file in every outbox), and the hints a run leaves behind.
  const taken: Record<string, string[]> = {};
  const hints: OutboxHints = {};
  for (const name of names) {
    const outbox = join(root, 'agents', name, 'outbox');
    taken[name] = readdirSync(outbox).sort();
    hints[name] = { mtimeMs: statSync(outbox).mtimeMs };
  }
  const takenText = `${JSON.stringify({ turn: lastTurn, files: taken })}\n`;
  writeFileSync(join(root, 'org', 'state', 'taken.jsonl'), takenText);
  mkdirSync(join(root, 'org', 'state', 'cache'), { recursive: true });
  writeFileSync(join(root, 'org', 'state', 'cache', 'outbox-hints.json'), JSON.stringify({ version: 1, outboxes: hints }));
  const members = existsSync(join(root, 'agents', 'human')) ? [...names, 'human'].sort() : names;
  const state: EngineState = { ...initialState(), turn: lastTurn, pending, members, takenBytes: Buffer.byteLength(takenText) };
  // Counted by today's rule for a ledger's lines, as a run would leave it: a snapshot without it is counted again from the start.
  state.ledger = { offset: ledgerBytes, totals, lastCharged: {}, rule: LEDGER_RULE, crc: ledgerCrc };
  // As the engine commits it: engine.json and the state's parts (engine/record/state-store.ts).
  saveState(join(root, 'org', 'state', 'engine.json'), state);
  // An org that has run before has its parsed files cached in org/state/, as `lemming run` leaves them.
  new OrgLoader(root).loadOrThrow();
}
