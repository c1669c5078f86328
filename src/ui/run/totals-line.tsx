import { Box } from 'ink';
import { Text } from '../shared/text.js';
import type { RunTotals } from '../../engine/events.js';
import { finishReason, formatCount, showCredits, plural, type CommandHint } from '../../format/format.js';
import type { RunState } from './run-state.js';

/** The run so far in one line, and how it ended once it has (`forYou`: the human's unread mail, as the human's row counts it;
 * `hint`: how the commands it suggests are written). */
export function TotalsLine({ totals, finished, forYou = 0, hint }: { totals: RunTotals; finished?: RunState['finished']; forYou?: number; hint: CommandHint }) {
  const tokens = totals.inputTokens + totals.outputTokens;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text wrap="truncate-end">
        <Text bold>Totals: </Text>
        {`${plural(totals.turns, 'turn')} · ${plural(totals.delivered, 'message')}${totals.fromHuman > 0 ? ` (+${formatCount(totals.fromHuman)} from you)` : ''} · ${formatCount(totals.refused)} refused · ${totals.invalidCalls > 0 ? `${formatCount(totals.invalidCalls)} tool call(s) not carried out · ` : ''}`}
        {`${plural(totals.errors, 'error')} · ${plural(tokens, 'token')} · ${showCredits(totals.credits)} credits`}
      </Text>
      {finished ? <Text color={finished.reason === 'stopped' ? 'yellow' : finished.reason === 'models-failing' ? 'red' : 'green'}>{`Finished at turn ${finished.lastTurn}: ${finishReason(finished, forYou, hint)}.`}</Text> : null}
    </Box>
  );
}
