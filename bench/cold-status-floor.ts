import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readStateFloor } from './state-floor.js';

/** Files read at once: enough to keep libuv's threads (4) and both cores busy with the reads. */
const IN_FLIGHT = 64;
/** Above this many agents status lists only the agents with something to show (STATUS_TABLE_LIMIT). */
const TABLE_LIMIT = 1_000;

/**
 * The floor of a cold `lemming status` (no parse cache: a fresh clone, or one whose cache was
 * removed): Node, with no module of lemming's, reading what status cannot show without, by the
 * fastest means it has. org.yaml and the chart; every agent's resume, read many at once on libuv's
 * threads (so on both cores), its front matter's model and credits taken by a pattern, not a YAML
 * parser; the engine's state (`engine.json` and its parts in `org/state/engine/`: each parsed, the
 * unread mail counted and the last activity taken from the changes); a `stat` of the ledger (whose
 * totals the state holds). Then a line per agent, past TABLE_LIMIT agents one per agent with mail
 * or called in the last turn and a count of the rest. Run as `node cold-status-floor.js ROOT`.
 */
async function coldStatus(root: string): Promise<number> {
  const state = join(root, 'org', 'state');
  const orgText = readFileSync(join(root, 'org', 'org.yaml'), 'utf8') + readFileSync(join(root, 'org', 'chart.yaml'), 'utf8');
  const names = readdirSync(join(root, 'agents')).filter((name) => !name.startsWith('.')).sort();
  const budgets = new Map<string, { model: string; credits: number }>();
  let next = 0;
  const reader = async (): Promise<void> => {
    for (let index = next++; index < names.length; index = next++) {
      const name = names[index] as string;
      const text = await readFile(join(root, 'agents', name, 'resume.md'), 'utf8');
      const front = text.slice(0, text.indexOf('\n---', 3));
      budgets.set(name, { model: /^model:\s*(.*)$/m.exec(front)?.[1] ?? '', credits: Number(/^credits:\s*(.*)$/m.exec(front)?.[1] ?? 0) });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, reader));
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
