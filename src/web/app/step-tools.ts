import { cutAtWord } from '../../ui/shared/preview.js';

/** A tool of a step as the engine's `agent-step` event and the activity log's `step` line give it. */
export interface StepTool {
  name: string;
  args: string;
  size?: number;
  error?: string;
  written?: string;
  command?: { exit: number | null; signal?: string; stdoutBytes: number; stderrBytes: number; stoppedBy?: string };
}

/**
 * A tool call's arguments as words, `path=work/notes.md content=# Release…`, not the JSON the
 * engine keeps (cut by the engine, so often no longer JSON that parses): each `"key": value` found
 * is shown unquoted, a string cut at a word.
 */
export function readableArgs(args: string): string {
  const pairs: string[] = [];
  for (const match of args.matchAll(/"([\w-]+)"\s*:\s*("(?:[^"\\]|\\.)*"?|[^,}]+)/g)) {
    const raw = match[2] ?? '';
    let value = raw;
    if (raw.startsWith('"')) {
      const closed = raw.length > 1 && raw.endsWith('"') ? raw : `${raw}"`;
      try {
        value = JSON.parse(closed) as string;
      } catch {
        value = raw.slice(1, raw.endsWith('"') ? -1 : undefined);
      }
    }
    pairs.push(`${match[1]}=${cutAtWord(value.replace(/\s+/g, ' ').trim(), 60)}`);
  }
  return pairs.length > 0 ? pairs.join(' ') : cutAtWord(args.replace(/\s+/g, ' '), 80);
}

/** A step's tools in one line, as the terminal shows them: a command with its exit and output sizes. */
export function stepTools(tools: StepTool[]): string {
  if (tools.length === 0) return 'answered';
  return tools
    .map((tool) => {
      const command = tool.command;
      const ended = command ? (command.stoppedBy ? `stopped (${command.stoppedBy} limit)` : command.exit !== null ? `exit ${command.exit}` : `ended by ${command.signal ?? 'a signal'}`) : '';
      const outcome = command ? `${ended}, stdout ${command.stdoutBytes} B, stderr ${command.stderrBytes} B` : tool.error !== undefined ? `error: ${tool.error.split('\n')[0] ?? ''}` : `${tool.size ?? 0} chars`;
      return `${tool.name} ${readableArgs(tool.args)} → ${outcome}`;
    })
    .join('; ');
}
