import { Box } from 'ink';
import { Text } from '../shared/text.js';
import { finishReason, type CommandHint } from '../../format/format.js';
import type { RunState } from './run-state.js';
import { TOTALS_LABEL } from './totals-lines.js';

/** The run so far (`lines`: totals-lines.ts, wrapped to the screen's width), and how it ended once it has (`forYou`: the human's unread mail, as the human's row counts it;
 * `hint`: how the commands it suggests are written). */
export function TotalsLine({ lines, finished, forYou = 0, hint }: { lines: string[]; finished?: RunState['finished']; forYou?: number; hint: CommandHint }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      {lines.map((line, index) =>
        index === 0 ? (
          <Text key={index} wrap="truncate-end">
            <Text bold>{TOTALS_LABEL}</Text>
            {line.slice(TOTALS_LABEL.length)}
          </Text>
        ) : (
          <Text key={index} wrap="truncate-end">
            {line}
          </Text>
        ),
      )}
      {finished ? <Text color={finished.reason === 'stopped' || finished.reason === 'held' ? 'yellow' : finished.reason === 'models-failing' ? 'red' : 'green'}>{`Finished at turn ${finished.lastTurn}: ${finishReason(finished, forYou, hint)}.`}</Text> : null}
    </Box>
  );
}
