import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { readStateFloor } from './state-floor.js';

/** Above this many agents status lists only the agents with something to show (STATUS_TABLE_LIMIT). */
const TABLE_LIMIT = 1_000;

/**
 * The floor of a cold `lemming status` (no parse cache: a fresh clone, or one whose cache was
 * removed): Node, with no module of lemming's, reading what status cannot show without, by the
 * fastest means it has. org.yaml and the chart; every agent's resume, half by this thread and half by
 * a second (both cores), each with plain synchronous reads (reading them many at once on libuv's
 * threads took twice as long: a promise and a thread hop a file), its front matter's model and
 * credits taken by a pattern, not a YAML parser; the engine's state (`engine.json` and its parts in `org/state/engine/`: each parsed, the
 * unread mail counted and the last activity taken from the changes); a `stat` of the ledger (whose
 * totals the state holds). Then a line per agent, past TABLE_LIMIT agents one per agent with mail
 * or called in the last turn and a count of the rest. Run as `node cold-status-floor.js ROOT`.
 */
/** Each resume's model and credits, from its front matter by a pattern (run in both threads: it uses only its arguments and `readFileSync`). */
function readResumes(agents: string, names: readonly string[]): Array<[string, string, number]> {
  const found: Array<[string, string, number]> = [];
  for (const name of names) {
    const text = readFileSync(`${agents}/${name}/resume.md`, 'utf8');
    const front = text.slice(0, text.indexOf('\n---', 3));
    found.push([name, /^model:\s*(.*)$/m.exec(front)?.[1] ?? '', Number(/^credits:\s*(.*)$/m.exec(front)?.[1] ?? 0)]);
  }
  return found;
}

async function coldStatus(root: string): Promise<number> {
  const state = join(root, 'org', 'state');
  const orgText = readFileSync(join(root, 'org', 'org.yaml'), 'utf8') + readFileSync(join(root, 'org', 'chart.yaml'), 'utf8');
  const names = readdirSync(join(root, 'agents')).filter((name) => !name.startsWith('.')).sort();
  // Both cores: a thread reads the second half of the resumes while this one reads the first, each with plain
  // synchronous reads (the fastest Node has for many small files: no promise and no thread hop a file).
  const half = Math.floor(names.length / 2);
  const thread = new Worker(`const { readFileSync } = require('node:fs'); const { parentPort, workerData } = require('node:worker_threads'); ${readResumes.toString()}; parentPort.postMessage(readResumes(workerData.agents, workerData.names));`, {
    eval: true,
    workerData: { agents: join(root, 'agents'), names: names.slice(half) },
  });
  const second = new Promise<Array<[string, string, number]>>((resolve, reject) => thread.once('message', resolve).once('error', reject));
  const budgets = new Map<string, { model: string; credits: number }>();
  for (const [name, model, credits] of [...readResumes(join(root, 'agents'), names.slice(0, half)), ...(await second)]) budgets.set(name, { model, credits });
  await thread.terminate();
  const { turn, unread, lastTurn } = readStateFloor(root);
  const ledger = statSync(join(state, 'ledger.jsonl'), { throwIfNoEntry: false })?.size ?? 0;
  const all = names.length <= TABLE_LIMIT;
  const shown = all ? names : names.filter((name) => (unread.get(name) ?? 0) > 0 || lastTurn.get(name) === turn);
  const lines = shown.map((name) => `${name}  ${budgets.get(name)?.model ?? ''}  ${budgets.get(name)?.credits ?? 0}  ${unread.get(name) ?? 0}`);
  const rest = all ? '' : `and ${names.length - shown.length} more\n`;
  process.stdout.write(`turn ${turn} (${orgText.length + ledger > 0 ? 'read' : 'empty'})\n${lines.join('\n')}\n${rest}`);
  return lines.length;
}

const root = process.argv[2];
if (root === undefined) throw new Error('usage: node cold-status-floor.js ROOT');
await coldStatus(root);
