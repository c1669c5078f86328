import { canonicalJson, type NormalisedRequest } from './normalise-request.js';

const WIDTH = 160;

function clip(line: string): string {
  return line.length > WIDTH ? `${line.slice(0, WIDTH - 3)}...` : line;
}

/** Where two texts first differ, line by line, and how many lines differ after that. */
function describeTextChange(field: string, recorded: string, now: string): string[] {
  if (recorded === now) return [];
  const before = recorded.split('\n');
  const after = now.split('\n');
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start += 1;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore -= 1;
    endAfter -= 1;
  }
  const lines = [`${field}, line ${start + 1}:`];
  const removed = before.slice(start, endBefore);
  const added = after.slice(start, endAfter);
  for (const line of removed.slice(0, 3)) lines.push(`  - recorded: ${clip(line)}`);
  if (removed.length > 3) lines.push(`    (${removed.length - 3} more recorded line(s))`);
  for (const line of added.slice(0, 3)) lines.push(`  + now:      ${clip(line)}`);
  if (added.length > 3) lines.push(`    (${added.length - 3} more new line(s))`);
  return lines;
}

/**
 * What changed between a recorded request and the one made now, as readable lines:
 * the fields that differ and, in the prompt, the first lines that differ. Pure.
 */
export function describeRequestChange(recorded: NormalisedRequest, now: NormalisedRequest): string[] {
  const lines: string[] = [];
  for (const field of ['agent', 'turn', 'modelKey', 'model', 'maxOutputTokens'] as const) {
    if (recorded[field] !== now[field]) lines.push(`${field}: recorded ${JSON.stringify(recorded[field])}, now ${JSON.stringify(now[field])}`);
  }
  lines.push(...describeTextChange('system prompt', recorded.system, now.system));
  if (recorded.messages.length !== now.messages.length) {
    lines.push(`messages: recorded ${recorded.messages.length}, now ${now.messages.length}`);
  }
  const shared = Math.min(recorded.messages.length, now.messages.length);
  for (let index = 0; index < shared; index += 1) {
    const before = recorded.messages[index];
    const after = now.messages[index];
    if (!before || !after) continue;
    if (before.role !== after.role) lines.push(`messages[${index}].role: recorded ${before.role}, now ${after.role}`);
    lines.push(...describeTextChange(`messages[${index}] (${after.role})`, before.content, after.content));
  }
  if (canonicalJson(recorded.tools) !== canonicalJson(now.tools)) {
    const names = (request: NormalisedRequest): string => request.tools.map((tool) => tool.name).join(', ') || '(none)';
    lines.push(`tools: recorded ${names(recorded)}; now ${names(now)}${names(recorded) === names(now) ? ' (their definitions changed)' : ''}`);
  }
  return lines;
}
