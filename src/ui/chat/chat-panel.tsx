import { Box } from 'ink';
import { Text } from '../shared/text.js';
import type { ReplyLine } from './reply-lines.js';

/** What the chat says back to the last line typed: a command's answer, a refusal with its reason, or where a message went. */
export function ChatPanel({ lines, maxLines }: { lines: ReplyLine[]; maxLines: number }) {
  if (lines.length === 0) return null;
  const shown = lines.length > maxLines ? [...lines.slice(0, Math.max(1, maxLines - 1)), { text: `… ${lines.length - maxLines + 1} more line(s)`, dim: true }] : lines;
  return (
    <Box flexDirection="column" marginTop={1}>
      {shown.map((line, index) => (
        <Text key={index} {...(line.color ? { color: line.color } : {})} dimColor={line.dim ?? false} bold={line.bold ?? false} wrap={line.wrap ? 'wrap' : 'truncate-end'}>
          {line.text}
        </Text>
      ))}
    </Box>
  );
}

