import { Box } from 'ink';
import { Text } from '../shared/text.js';
import { Bar, levelColor } from '../shared/bar.js';
import { showCredits } from '../../format/format.js';
import type { AgentActivity, AgentRow } from './run-state.js';

/** The state column is as wide as the longest state shown and a space, between these: "has mail (1)" as ever, a model's long name cut. */
const STATE_MIN_WIDTH = 18;
const STATE_MAX_WIDTH = 32;

/** `text` in a column `width` wide, its last cell always a space (a longer text is cut with "…"): nothing runs into the next column. */
export function fitColumn(text: string, width: number): string {
  return (text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text).padEnd(width);
}

/** What the row says the agent is doing, and in which colour. */
export function describeActivity(row: AgentRow): { text: string; color?: string; dim?: boolean } {
  const activity: AgentActivity = row.activity;
  switch (activity.kind) {
    case 'idle':
      return { text: 'idle', dim: true };
    case 'has-mail':
      return { text: row.unread > 0 ? `has mail (${row.unread})` : 'has mail', color: 'yellow' };
    case 'thinking':
      return { text: 'thinking…', color: 'cyan' };
    case 'sent':
      if (activity.sent === 0 && activity.refused > 0) return { text: `refused ${activity.refused}`, color: 'red' };
      return { text: activity.refused > 0 ? `sent ${activity.sent}, ${activity.refused} refused` : `sent ${activity.sent}`, color: activity.refused > 0 ? 'red' : 'green' };
    case 'out-of-credits':
      return { text: 'out of credits', color: 'red' };
    case 'error':
      return { text: 'error', color: 'red' };
    case 'retrying':
      return { text: `retry ${activity.attempt}/${activity.attempts} in ${Math.ceil(activity.waitMs / 1000)} s`, color: 'yellow' };
    case 'waiting':
      return { text: `waiting ${activity.seconds} s for ${activity.model}`, color: 'yellow' };
    case 'held':
      return { text: 'model failing', color: 'red' };
  }
}

/**
 * One row per agent: name, state, credits left as a bar. A large org does not fit a
 * terminal, so past `maxRows` the busy agents are shown and the idle ones counted.
 */
export function AgentTable({ rows, maxRows }: { rows: AgentRow[]; maxRows: number }) {
  let shown = rows;
  let hidden = 0;
  if (rows.length > maxRows) {
    const busy = rows.filter((row) => row.activity.kind !== 'idle');
    shown = busy.slice(0, Math.max(1, maxRows - 1));
    hidden = rows.length - shown.length;
  }
  const nameWidth = Math.max(5, ...shown.map((row) => row.name.length));
  const stateWidth = Math.min(STATE_MAX_WIDTH, Math.max(STATE_MIN_WIDTH, ...shown.map((row) => describeActivity(row).text.length + 1)));
  return (
    <Box flexDirection="column">
      {shown.map((row) => (
        <AgentLine key={row.name} row={row} nameWidth={nameWidth} stateWidth={stateWidth} />
      ))}
      {hidden > 0 ? <Text dimColor>{`… and ${hidden} more agent(s), idle or not shown`}</Text> : null}
    </Box>
  );
}

function AgentLine({ row, nameWidth, stateWidth }: { row: AgentRow; nameWidth: number; stateWidth: number }) {
  const state = describeActivity(row);
  const fraction = row.budget > 0 ? row.balance / row.budget : 0;
  return (
    <Text wrap="truncate-end">
      <Text bold>{row.name.padEnd(nameWidth)}</Text>
      {'  '}
      <Text {...(state.color ? { color: state.color } : {})} dimColor={state.dim ?? false}>
        {fitColumn(state.text, stateWidth)}
      </Text>
      {row.isHuman ? (
        <Text dimColor>you</Text>
      ) : (
        <Text>
          <Bar fraction={fraction} color={levelColor(fraction)} /> {showCredits(row.balance)}
          <Text dimColor>{` / ${showCredits(row.budget)} credits`}</Text>
        </Text>
      )}
    </Text>
  );
}
