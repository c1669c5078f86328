import { Box } from 'ink';
import { Text } from './text.js';
import type { EditNotice } from '../watch/describe-org-change.js';

const COLORS: Record<EditNotice['tone'], string> = { ok: 'green', problem: 'red', info: 'yellow' };

/** Hand edits to the org's files: taken in, or broken (with file, field and reason) while the last valid version stays. */
export function EditNotices({ notices, maxLines }: { notices: EditNotice[]; maxLines: number }) {
  if (notices.length === 0) return null;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>Hand edits</Text>
      {notices.slice(-maxLines).map((notice) => (
        // A problem wraps: its file, field and reason must all be read. The rest fit on one line.
        <Text key={notice.key} color={COLORS[notice.tone]} wrap={notice.tone === 'problem' ? 'wrap' : 'truncate-end'}>
          {notice.text}
        </Text>
      ))}
    </Box>
  );
}
