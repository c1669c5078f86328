import { Box } from 'ink';
import { Text } from '../shared/text.js';
import { conversationLines, groupConversations, lastLines, type ChatMessage, type ConversationLine } from './conversation.js';

/** Body lines shown per message; the rest is in the file, which the message's last line names. */
const BODY_LINES = 6;

/** The human's conversations, grouped by correspondent, newest at the bottom, unread mail marked with ●. */
export function ConversationView({ messages, current, height }: { messages: ChatMessage[]; current?: string; height: number }) {
  if (messages.length === 0) {
    return (
      <Box height={height} flexDirection="column" justifyContent="flex-end">
        <Text dimColor>No messages yet. Type one below and press Enter.</Text>
      </Box>
    );
  }
  const lines = lastLines(conversationLines(groupConversations(messages), BODY_LINES), height);
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
