import { Box } from 'ink';
import { Text } from '../shared/text.js';
import { screenRows } from '../shared/screen-rows.js';
import type { ReplyLine } from './reply-lines.js';

/** The answer's lines as terminal rows: lines that must be read whole wrap, the rest are cut at the edge. Pure. */
export function panelRows(lines: ReplyLine[], columns: number): ReplyLine[] {
  return lines.flatMap((line) => (line.wrap ? screenRows(line.text, columns).map((text) => ({ ...line, text })) : [line]));
}

/** The first row shown when `rows` are seen through `height` rows scrolled `offset` rows down, kept in range. Pure. */
export function panelOffset(offset: number, total: number, height: number): number {
  return total <= height ? 0 : Math.max(0, Math.min(offset, total - (height - 1)));
}

/**
 * What the chat says back to the last line typed: a command's answer, a refusal with its reason,
 * a whole message. Taller than its `height`, it scrolls (PgUp/PgDn), its last row saying where.
 */
export function ChatPanel({ rows, height, offset }: { rows: ReplyLine[]; height: number; offset: number }) {
  if (rows.length === 0 || height <= 0) return null;
  const scrolls = rows.length > height;
  const first = panelOffset(offset, rows.length, height);
  const shown = scrolls ? rows.slice(first, first + height - 1) : rows;
  const last = first + shown.length;
  const where = last >= rows.length ? 'the end · PgUp back' : first === 0 ? 'PgDn for more' : 'PgUp/PgDn scroll';
  return (
    <Box flexDirection="column" marginTop={1}>
      {shown.map((line, index) => (
        <Text key={first + index} {...(line.color ? { color: line.color } : {})} dimColor={line.dim ?? false} bold={line.bold ?? false} wrap="truncate-end">
          {line.text}
        </Text>
      ))}
      {scrolls ? <Text color="cyan" wrap="truncate-end">{`── lines ${first + 1}–${last} of ${rows.length} · ${where} ──`}</Text> : null}
    </Box>
  );
}
