import { Box } from 'ink';
import { Text } from '../shared/text.js';
import type { ConversationLine } from './conversation.js';

/**
 * The human's conversations, grouped by correspondent, unread mail marked with ●: the
 * `lines` on screen now (see `conversationLines` and `lastLines`), one row each, at the
 * bottom of `height` rows.
 */
export function ConversationView({ lines, current, height }: { lines: ConversationLine[]; current?: string; height: number }) {
  if (lines.length === 0) {
    return (
      <Box height={height} flexDirection="column" justifyContent="flex-end">
        <Text dimColor>No messages yet. Type one below and press Enter.</Text>
      </Box>
    );
  }
  return (
    <Box height={height} flexDirection="column" justifyContent="flex-end">
      {lines.map((line) => (
        <Line key={line.key} line={line} current={current} />
      ))}
    </Box>
  );
}

function Line({ line, current }: { line: ConversationLine; current: string | undefined }) {
  switch (line.kind) {
    case 'group':
      return (
        <Text bold color={line.group === current ? 'cyan' : undefined} wrap="truncate-end">
          {`── ${line.text}${line.group === current ? ' (writing to)' : ''} ──`}
        </Text>
      );
    case 'header':
      return (
        <Text wrap="truncate-end" bold={line.unread ?? false}>
          <Text color="yellow">{line.unread ? '● ' : '  '}</Text>
          <Text color={line.fromHuman ? 'green' : 'cyan'}>{line.text}</Text>
        </Text>
      );
    case 'body':
      return (
        <Text wrap="truncate-end" dimColor={line.fromHuman ?? false}>
          {`    ${line.text}`}
        </Text>
      );
    case 'more':
      return (
        <Text wrap="truncate-end" dimColor>
          {`    ${line.text}`}
        </Text>
      );
  }
}
