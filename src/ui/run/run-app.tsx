import { render } from 'ink';
import type { Engine } from '../../engine/engine.js';
import type { EngineEvent } from '../../engine/events.js';
import { orgStatus } from '../../engine/human/org-status.js';
import { mailNotYetTakenIn } from '../../engine/human/waiting-mail.js';
import { loadState } from '../../engine/record/state-store.js';
import { statePaths } from '../../engine/record/state-paths.js';
import type { CommandHint } from '../../format/format.js';
import type { Org } from '../../org/org.js';
import { listProposals } from '../../tools/proposals/proposal-store.js';
import { onStopSignals } from '../shared/stop-signals.js';
import { watchOrgFiles } from '../watch/org-files-watcher.js';
import { RunGate } from './run-gate.js';
import { RunScreen } from './run-screen.js';
import { initialRunState, type AgentSnapshot } from './run-state.js';

type RunFinished = Extract<EngineEvent, { type: 'run-finished' }>;

/** How `runTerminalUi` runs the engine; `maxTurns` defaults to org.yaml engine.max_turns. */
export interface RunUiOptions {
  maxTurns?: number;
  /** Stop once this turn has committed (`--until`). */
  untilTurn?: number;
  stopWhenIdle: boolean;
  /** Open the screen paused: nothing runs until `s` or `p`. */
  paused?: boolean;
  /** How the commands the screen suggests are written (cli/command-hint.ts). */
  hint: CommandHint;
}

/** How the terminal run ended: its `run-finished` event, if it got that far, and who stopped it. */
export interface RunUiResult {
  finished?: RunFinished;
  /** How a stop was asked for, if it was. */
  stoppedBy?: 'q' | 'ctrl-c' | 'signal';
}

/**
 * Budgets, balances and waiting mail per agent, from the engine's state and the ledger; with
 * `withMailToTakeIn` (the first frame), also the mail written before the run that no turn has taken
 * in yet, so an agent it waits for is never shown idle. Later frames follow the events.
 */
export function agentSnapshot(org: Org, withMailToTakeIn = true): AgentSnapshot[] {
  const toTakeIn = withMailToTakeIn ? mailNotYetTakenIn(org.root, org, loadState(statePaths(org.root).state)) : undefined;
  return orgStatus(org).agents.map((agent) => ({
    name: agent.name,
    isHuman: agent.isHuman,
    balance: agent.balance,
    budget: agent.budget + agent.toppedUp,
    unread: agent.unread + (agent.isHuman ? 0 : (toTakeIn?.get(agent.name) ?? 0)),
  }));
}

/**
 * `lemming run` in a terminal: the live screen over the engine's run. `q` and Ctrl-C
 * abort the engine's signal, exactly as Ctrl-C does in plain mode, so an unfinished
 * turn stays journaled for the next run; a second Ctrl-C quits at once.
 */
export async function runTerminalUi(engine: Engine, options: RunUiOptions): Promise<RunUiResult> {
  const controller = new AbortController();
  const gate = new RunGate({ paused: options.paused ?? false });
  const result: RunUiResult = {};
  const stop = (how: NonNullable<RunUiResult['stoppedBy']>): void => {
    if (controller.signal.aborted) {
      if (how !== 'q') process.exit(130);
      return;
    }
    result.stoppedBy = how;
    controller.abort();
    gate.stop();
  };
  // Ctrl-C from the keyboard arrives as a key in raw mode; these catch `kill` and a terminal without raw mode.
  const stopListening = onStopSignals(() => stop('signal'));

  // Mail too: a message the person writes between turns (chat, `lemming send`) shows as "has mail" at once.
  const watch = watchOrgFiles(engine.root, { edits: true, mail: true });
  const events = engine.run({
    ...(options.maxTurns !== undefined ? { maxTurns: options.maxTurns } : {}),
    ...(options.untilTurn !== undefined ? { untilTurn: options.untilTurn } : {}),
    stopWhenIdle: options.stopWhenIdle,
    signal: controller.signal,
  });
  let failure: unknown;
  const instance = render(
    <RunScreen
      events={events}
      gate={gate}
      initial={initialRunState(agentSnapshot(engine.currentOrg), engine.currentOrg.name, engine.root)}
      snapshot={() => agentSnapshot(engine.currentOrg, false)}
      decisions={() => listProposals(engine.root).proposals.filter((proposal) => proposal.status === 'pending')}
      watch={watch}
      hint={options.hint}
      onStop={stop}
      onFinished={(event) => {
        result.finished = event;
        // The finished frame is committed; unmounting writes it out as the screen's last.
        setImmediate(() => instance.unmount());
      }}
      onError={(error) => {
        failure = error;
        instance.unmount();
      }}
    />,
    { exitOnCtrlC: false },
  );
  try {
    await instance.waitUntilExit();
  } finally {
    stopListening();
    await watch.close();
  }
  if (failure !== undefined) throw failure;
  return result;
}
