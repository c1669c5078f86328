import { expect, test } from 'vitest';
import { NextAgentProvider } from '../../bench/bench-providers.js';
import { agentName, buildOrg } from '../../bench/build-org.js';
import type { Output } from '../../src/cli/cli-context.js';
import { STATUS_TABLE_LIMIT, statusCommand } from '../../src/cli/commands/status.js';
import { Engine } from '../../src/engine/engine.js';
import type { TurnResult } from '../../src/engine/turn/run-turn.js';
import { tempDir } from '../helpers/org-files.js';
import { emptyStats } from '../../src/engine/run-totals.js';

const AGENTS = STATUS_TABLE_LIMIT + 200;

/** What `lemming status` prints, as lines. */
function status(root: string, options: { all?: boolean; json?: boolean } = {}): string[] {
  const lines: string[] = [];
  const output: Output = { out: (line) => lines.push(...line.split('\n')), err: (line) => lines.push(`stderr: ${line}`) };
  expect(statusCommand(root, options, output)).toBe(0);
  return lines;
}

test(`past ${STATUS_TABLE_LIMIT} agents, status lists the agents with something to show and counts the rest; --all and --json list every one`, { timeout: 120_000 }, async () => {
  const root = tempDir('lemming-big-status-');
  // Three agents have a message waiting; one turn later, they were called and the next three have mail.
  buildOrg(root, { agents: AGENTS, history: 0, withMail: 3 });
  const engine = Engine.open({ root, providerFactory: () => new NextAgentProvider(Array.from({ length: AGENTS }, (_, index) => agentName(index))) });
  try {
    const result: TurnResult = { stats: emptyStats() };
    for await (const _event of engine.turn(result)) {
      // The turn's events are not what this test looks at.
    }
  } finally {
    engine.close();
  }

  const lines = status(root);
  const rows = lines.slice(2, -1).map((line) => line.split(/\s+/)[0]);
  // Called in turn 1 (agents 0 to 2), and each passed work to the next (agents 1 to 3 have mail): agents 0 to 3 (the bench's org has no person).
  expect(rows).toEqual(['agent_0000', 'agent_0001', 'agent_0002', 'agent_0003']);
  expect(lines.at(-1)).toMatch(new RegExp(`^and 1,196 more agents with no unread mail, no error, not held and not called in turn \\d+: \`.*status --all --root .*\` lists every agent$`));

  const all = status(root, { all: true });
  // The title line, the header and a row per agent, nothing counted.
  expect(all).toHaveLength(2 + AGENTS);
  expect(all.join('\n')).not.toMatch(/more agents with no unread mail/);

  const json = JSON.parse(status(root, { json: true }).join('\n')) as { agents: unknown[]; quiet?: number };
  expect(json.agents).toHaveLength(AGENTS);
  expect(json.quiet).toBeUndefined();
});
