import { Box } from 'ink';
import { Text } from '../shared/text.js';
import type { TroubleItem } from './run-state.js';

const COLORS: Record<TroubleItem['kind'], string> = { refused: 'red', error: 'red', warning: 'yellow', note: 'yellow' };

/** Refused sends, errors, warnings and notes, apart from the feed so they are not missed. */
export function TroubleArea({ items, counts, maxLines }: { items: TroubleItem[]; counts: Record<TroubleItem['kind'], number>; maxLines: number }) {
  if (items.length === 0) return null;
  const summary = [
    counts.refused > 0 ? `${counts.refused} refused` : '',
    counts.error > 0 ? `${counts.error} error(s)` : '',
    counts.warning > 0 ? `${counts.warning} warning(s)` : '',
    counts.note > 0 ? `${counts.note} note(s)` : '',
  ].filter((part) => part !== '');
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>{`Refused and errors: ${summary.join(', ')}`}</Text>
      {items.slice(-maxLines).map((item) => (
        // Reasons wrap: a refusal says which chart field to change, and that part comes last.
        <Text key={item.key} wrap="wrap">
          <Text dimColor>{`[turn ${item.turn}] `}</Text>
          <Text color={COLORS[item.kind]}>{`${item.kind}: `}</Text>
          {item.text}
        </Text>
      ))}
    </Box>
  );
}
