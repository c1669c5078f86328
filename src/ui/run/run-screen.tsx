import { useMemo } from 'react';
import { Box, Static, useStdin } from 'ink';
import { Text } from '../shared/text.js';
import type { EngineEvent } from '../../engine/events.js';
import type { CommandHint } from '../../format/format.js';
import type { Proposal } from '../../tools/proposals/proposal.js';
import { waitingDecisionLines } from '../shared/waiting-decisions.js';
import { EditNotices } from '../shared/edit-notices.js';
import { useTerminalSize } from '../shared/use-terminal-size.js';
import type { FileWatch } from '../watch/org-files-watcher.js';
import { useFileWatch } from '../watch/use-file-watch.js';
import { AgentTable } from './agent-table.js';
import { FeedLine } from './feed-line.js';
import type { RunGate } from './run-gate.js';
import { RunHeader } from './run-header.js';
import type { AgentSnapshot, RunState } from './run-state.js';
import { TotalsLine } from './totals-line.js';
import { totalsLines } from './totals-lines.js';
import { TroubleArea } from './trouble-area.js';
import { useGateState } from './use-gate-state.js';
import { useRunEvents } from './use-run-events.js';
import { useRunKeys } from './use-run-keys.js';

type RunFinished = Extract<EngineEvent, { type: 'run-finished' }>;

/** Props of `RunScreen`; `gate` pauses and steps the run between turns. */
export interface RunScreenProps {
  /** The engine's run, or a scripted stream in tests. */
  events: AsyncIterable<EngineEvent>;
  gate: RunGate;
  initial: RunState;
  /** Fresh budgets and members after a reload. */
  snapshot?: () => AgentSnapshot[];
  /** Hand edits to the org's files, validated as they are saved, and mail written by the person. */
  watch?: FileWatch;
  /** Proposals waiting for the person's decision, read again after each turn. */
  decisions?: () => Proposal[];
  /** How the commands the screen suggests are written from where lemming was started (the CLI's one home of them). */
  hint: CommandHint;
  /** `q` or Ctrl-C: stop the engine cleanly (abort its signal). */
  onStop: (how: 'q' | 'ctrl-c') => void;
  onFinished?: (event: RunFinished) => void;
  onError?: (error: unknown) => void;
}

const TROUBLE_LINES = 4;
const EDIT_LINES = 4;
/** Lines of the waiting proposals shown; the commands come last and always show. */
const WAITING_LINES = 4;

/**
 * Rows the live area needs besides the agent rows (header, trouble, edits, totals,
 * margins), with a little room for lines that wrap: a live area taller than the
 * terminal makes ink redraw the whole screen at every frame.
 */
function otherRows(state: RunState, waiting: number, totals: number): number {
  const trouble = state.trouble.length > 0 ? 2 + Math.min(TROUBLE_LINES, state.trouble.length) : 0;
  const edits = state.edits.length > 0 ? 2 + Math.min(EDIT_LINES, state.edits.length) : 0;
  return 8 + (state.feed.length === 0 ? 1 : 0) + trouble + edits + (waiting > 0 ? 1 + Math.min(waiting, WAITING_LINES) * 2 : 0) + 1 + totals;
}

/**
 * The live screen of `lemming run`: delivered messages scroll by above (finished lines,
 * printed once), and below them the turn, one row per agent, refused sends and errors,
 * hand edits and the totals are redrawn as events arrive.
 */
export function RunScreen(props: RunScreenProps) {
  const { gate } = props;
  const { state, dispatch } = useRunEvents(props.events, gate, {
    initial: props.initial,
    ...(props.snapshot ? { snapshot: props.snapshot } : {}),
    ...(props.onFinished ? { onFinished: props.onFinished } : {}),
    ...(props.onError ? { onError: props.onError } : {}),
  });
  const gateState = useGateState(gate);
  // ink reports stdin.isTTY as is: undefined for a pipe, which useInput would take as "active".
  const keys = useStdin().isRawModeSupported === true;
  useRunKeys(gate, props.onStop, keys && !state.finished);
  const watching = useFileWatch(props.watch, (change) => {
    if (change.kind === 'edits') dispatch({ type: 'edits-seen', notices: change.notices });
    else dispatch({ type: 'mail-written', file: change.file });
  });
  const { decisions } = props;
  // Read when a turn ends (a proposal is made inside one) and when the run does.
  const { hint } = props;
  const waiting = useMemo(() => waitingDecisionLines(decisions?.() ?? [], hint), [decisions, hint, state.lastTurn, state.finished]);
  const { rows, columns } = useTerminalSize();
  const totals = totalsLines(state.totals, columns);
  return (
    <>
      <Static items={state.feed}>{(item) => <FeedLine key={item.key} item={item} />}</Static>
      <Box flexDirection="column">
        <RunHeader state={state} gate={gateState} keys={keys} watching={watching && !state.finished} />
        <Box marginTop={1}>
          <AgentTable rows={state.agents} maxRows={Math.max(3, rows - otherRows(state, waiting.length, totals.length))} />
        </Box>
        {state.feed.length === 0 ? <Text dimColor>No messages delivered yet.</Text> : null}
        <TroubleArea items={state.trouble} counts={state.troubleCounts} maxLines={TROUBLE_LINES} />
        <EditNotices notices={state.edits} maxLines={EDIT_LINES} />
        <WaitingDecisions lines={waiting} />
        <TotalsLine lines={totals} {...(state.finished ? { finished: state.finished } : {})} forYou={state.agents.find((row) => row.isHuman)?.unread ?? 0} hint={hint} />
      </Box>
    </>
  );
}

/** Proposals waiting for the person, and the commands that decide them (wrapped: a command must be read whole). */
function WaitingDecisions({ lines }: { lines: string[] }) {
  if (lines.length === 0) return null;
  const decide = lines.at(-1) ?? '';
  const listed = lines.slice(0, -1);
  const shown = listed.length > WAITING_LINES ? [...listed.slice(0, WAITING_LINES - 1), `  … and ${listed.length - WAITING_LINES + 1} more (\`lemming approvals\`)`] : listed;
  return (
    <Box flexDirection="column" marginTop={1}>
      {shown.map((line, index) => (
        <Text key={index} color="yellow" wrap={index === 0 ? 'truncate-end' : 'wrap'}>
          {line}
        </Text>
      ))}
      <Text wrap="wrap">{decide}</Text>
    </Box>
  );
}
