import { Text } from '../shared/text.js';
import type { FeedItem } from './run-state.js';

/** One delivered message: turn, sender, recipient, subject or first line. Mail for the person stands out. */
export function FeedLine({ item }: { item: FeedItem }) {
  if (item.kind === 'step') {
    return (
      <Text wrap="truncate-end" dimColor>
        {`[turn ${item.turn}] ${item.from} ${item.to}: ${item.text}`}
      </Text>
    );
  }
  const urgent = item.priority === 'high' || item.priority === 'urgent';
  return (
    <Text wrap="truncate-end">
      <Text dimColor>{`[turn ${item.turn}] `}</Text>
      <Text bold={item.to === 'human'} color={item.to === 'human' ? 'cyan' : undefined}>
        {`${item.from} → ${item.to}`}
      </Text>
      {urgent ? <Text color="red">{` (${item.priority})`}</Text> : null}
      {`: ${item.text}`}
    </Text>
  );
}
