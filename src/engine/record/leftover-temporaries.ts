import { join } from 'node:path';
import { HUMAN } from '../../org/names.js';
import { requireOwnFolders } from '../../org/own-folders.js';
import { sweepWorkspaceTemporaries } from '../../sandbox/beneath/sweep-beneath.js';
import { sweepTemporaries } from '../../storage/temporary-files.js';
import { sweepLeftoverClaims } from '../../mailbox/sequence-claims.js';
import { agentPaths, statePaths } from './state-paths.js';

/*
 * Where a killed lemming can leave a temporary (storage/temporary-files.ts), and which start
 * removes it. Every atomic write puts its temporary beside the file it becomes (but for the messages
 * of a turn's agents, whose temporaries are in `org/state/cache/`, apply-response.ts), and a write that
 * fails removes its own: only a kill (or a power cut) leaves one. So a place needs sweeping only
 * after a process that writes there may have been killed, and the sweep is sized to that:
 *
 * - At every start (a few small folders, whatever the org's size): `org/` (the chart, written by
 *   approvals and `add-agent`), `org/proposals/` (proposals made by tools, decisions by `approve`,
 *   `reject` and the dashboard), `org/state/` and everything under it (the engine's state, its
 *   caches, the lock's temporary, `lemming retry`'s requests, the dashboard's index) and the
 *   human's outbox (`send`, chat, the dashboard), with the claims of message numbers a killed `send`
 *   held (mailbox/sequence-claims.ts; every `send` removes those too).
 * - When the engine finds a turn unfinished (recovery): for each agent in that turn's plan, its
 *   outbox, notes and memory stream, workspace (all of it: `write_file` makes folders) and traces with their parts;
 *   and the shared workspace (walked beneath a held folder: a command may have swapped a folder of
 *   it for a link, sandbox/beneath/sweep-beneath.ts). Everything an agent's turn writes is written inside a journaled turn
 *   in which it was planned (a kill during `write_file` happens inside one), and that turn is
 *   unfinished until it commits, so its next run always comes here first.
 * - Elsewhere, by the writer that is run again: an approval cut short writes the new agent's resume
 *   again (tools/proposals/new-agent.ts sweeps that agent's folder), an approved `write_file` runs
 *   again (human/carry-out-proposal.ts sweeps the proposer's workspace), `bootstrap` sweeps the
 *   folders it writes into, an experiment's report sweeps its folder and `plots/`
 *   (experiment/experiment-report.ts), and `--csv` the folder of tables it writes (tables/write-tables.ts).
 *
 * Not at every start: every agent's workspace, outbox and traces. An org of 10,000 agents would list
 * 10,000 folders (and walk 10,000 workspaces) before each run's first turn, to find temporaries
 * that only an interrupted turn can have left, and the turn's plan names its agents.
 */

/** At every start, before the engine reads its state. */
export function sweepAtStart(root: string): void {
  const state = statePaths(root);
  sweepTemporaries(join(root, 'org'));
  sweepTemporaries(join(root, 'org', 'proposals'));
  sweepTemporaries(state.directory, { recursive: true });
  // The human's outbox is read every turn: one that leads out of the org stops the command here, naming it.
  requireOwnFolders(root, HUMAN);
  // Its temporaries, and the claims of message numbers a `send` killed while it held them left there.
  sweepLeftoverClaims(agentPaths(root, HUMAN).outbox);
}

/** When a turn was left unfinished: the folders its planned agents' work writes to, and the shared workspace. */
export function sweepUnfinishedTurn(root: string, agents: readonly string[]): void {
  for (const agent of agents) {
    // The turn finishes by writing into these: a folder of them that leads out of the org stops the command, naming it, before any is swept.
    requireOwnFolders(root, agent);
    const paths = agentPaths(root, agent);
    sweepTemporaries(paths.outbox);
    // Its notes, and its memory stream below them (memory/stream/, written with its turn).
    sweepTemporaries(paths.memory, { recursive: true });
    sweepWorkspaceTemporaries(root, join(paths.directory, 'workspace'));
    sweepTemporaries(join(paths.logs, 'traces'), { recursive: true });
  }
  sweepWorkspaceTemporaries(root, join(root, 'workspace'));
}
