import { LemmingError } from '../errors.js';
import { recordedText } from '../providers/cassette/cassette-file.js';
import { appendText } from '../storage/write-bytes.js';

/**
 * The tools tape beside a cassette (`run.jsonl` → `run.jsonl.tools.jsonl`): one JSON object per
 * line, each a `kind`, a `key` and what came back. `--record` writes it, `--replay` answers from it,
 * so a replay starts no MCP server, runs no command and fetches nothing. Kinds: `offer` and `call`
 * (MCP, mcp/mcp-tape.ts), `local-offer` and `run` (commands, command tools, fetch_url; outside-tape.ts).
 */
export interface TapeEntry {
  kind: string;
  key: string;
  [field: string]: unknown;
}

export { toolTapeFile } from './tool-runner.js';

/** A tape being recorded (ToolRunner started it afresh), appended a line at a time through the write layer. */
export class TapeWriter {
  constructor(private readonly file: string) {}

  append(entry: TapeEntry): void {
    appendText(this.file, `${JSON.stringify(entry)}\n`);
  }
}

/** A recorded tape, read whole; each entry is taken in the order it was recorded. */
export class TapeReader {
  private readonly entries = new Map<string, TapeEntry[]>();

  constructor(file: string) {
    // A recording of an org that used no such tool has no tape; any use then says it was not recorded.
    const text = recordedText(file) ?? '';
    text.split('\n').forEach((line, index) => {
      if (line.trim() === '') return;
      let entry: TapeEntry;
      try {
        entry = JSON.parse(line) as TapeEntry;
      } catch {
        throw new LemmingError('cassette-invalid', `${file}:${index + 1}: is not JSON; a tool tape holds one JSON object per line`);
      }
      const id = `${entry.kind}\n${entry.key}`;
      this.entries.set(id, [...(this.entries.get(id) ?? []), entry]);
    });
  }

  /** The next entry of this kind and key; past the last, the last again (a turn finished after a stop asks again). */
  take(kind: string, key: string): TapeEntry | undefined {
    const list = this.entries.get(`${kind}\n${key}`);
    return list && list.length > 1 ? list.shift() : list?.[0];
  }
}
