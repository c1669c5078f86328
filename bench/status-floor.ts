import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readStateFloor } from './state-floor.js';

/** Above this many agents status takes the kept org by its quick key (engine.changes.scan_per_turn's default), then compares each resume with the stamps kept beside it. */
const QUICK_KEY_AGENTS = 5_000;
/** Above this many agents status lists only the agents with something to show (STATUS_TABLE_LIMIT). */
const TABLE_LIMIT = 1_000;

/**
 * The floor of a whole `lemming status` process: Node, with no module of lemming's, reading
 * what status cannot show without. It stats every agent's resume (a hand edit must show at
 * once, so the org kept from the last load is trusted only when no file changed), and past
 * QUICK_KEY_AGENTS agents org.yaml, the chart and `agents/` too (status's quick key), reading the
 * stamps kept beside the org to compare each resume's with (lemming does the `stat`s on two cores past 20,000 agents, STAT_THREAD_FROM, this on one); reads and
 * parses the kept org (`org/state/cache/settled-org.json`, agents by column) and the engine's
 * state (`org/state/engine.json` and its parts: the turn, unread mail, last activity: state-floor.ts);
 * and writes one line per agent, past TABLE_LIMIT agents one per agent with mail or called in
 * the last turn and a count of the rest. Run as `node status-floor.js ROOT`.
 */
function status(root: string): number {
  const org = JSON.parse(readFileSync(join(root, 'org', 'state', 'cache', 'settled-org.json'), 'utf8')) as { org: { agents: { columns: { name: { distinct: string[] } } } } };
  const names = org.org.agents.columns.name.distinct;
  let stamp = 0;
  const agents = join(root, 'agents');
  if (names.length > QUICK_KEY_AGENTS) {
    for (const file of [join(root, 'org', 'org.yaml'), join(root, 'org', 'chart.yaml'), agents]) stamp += statSync(file).mtimeMs;
    const kept = JSON.parse(readFileSync(join(root, 'org', 'state', 'cache', 'settled-stamps.json'), 'utf8')) as { stamps: string[] };
    stamp += kept.stamps.length;
    for (const name of names) stamp += statSync(`${agents}/${name}/resume.md`, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  } else {
    for (const name of readdirSync(agents)) stamp += statSync(join(agents, name, 'resume.md'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  }
  const state = readStateFloor(root);
  const unread = state.unread;
  const all = names.length <= TABLE_LIMIT;
  const shown = all ? names : names.filter((name) => (unread.get(name) ?? 0) > 0 || state.lastTurn.get(name) === state.turn);
  const lines = shown.map((name) => `${name}  ${unread.get(name) ?? 0}`);
  const rest = all ? '' : `and ${names.length - shown.length} more\n`;
  process.stdout.write(`turn ${state.turn} ${stamp > 0 ? '' : '(no resumes)'}\n${lines.join('\n')}\n${rest}`);
  return lines.length;
}

const root = process.argv[2];
if (root === undefined) throw new Error('usage: node status-floor.js ROOT');
status(root);
