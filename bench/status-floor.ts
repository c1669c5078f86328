import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The floor of a whole `lemming status` process: Node, with no module of lemming's, reading
 * what status cannot show without. It stats every agent's resume (a hand edit must show at
 * once, so the org kept from the last load is trusted only when no file changed), reads and
 * parses the kept org (`org/state/cache/settled-org.json`) and the engine's state
 * (`org/state/engine.json`: the turn, unread mail, last activity and the ledger's totals),
 * and writes one line per agent. Run as `node status-floor.js ROOT`.
 */
function status(root: string): number {
  const agents = join(root, 'agents');
  let stamp = 0;
  for (const name of readdirSync(agents)) stamp += statSync(join(agents, name, 'resume.md'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const org = JSON.parse(readFileSync(join(root, 'org', 'state', 'cache', 'settled-org.json'), 'utf8')) as { org: { agents: Array<{ name: string }> } };
  const state = JSON.parse(readFileSync(join(root, 'org', 'state', 'engine.json'), 'utf8')) as { turn: number; pending: Array<{ to: string }> };
  const unread = new Map<string, number>();
  for (const item of state.pending) unread.set(item.to, (unread.get(item.to) ?? 0) + 1);
  const lines = org.org.agents.map((agent) => `${agent.name}  ${unread.get(agent.name) ?? 0}`);
  process.stdout.write(`turn ${state.turn} ${stamp > 0 ? '' : '(no resumes)'}\n${lines.join('\n')}\n`);
  return lines.length;
}

const root = process.argv[2];
if (root === undefined) throw new Error('usage: node status-floor.js ROOT');
status(root);
