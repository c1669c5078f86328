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
  private readonly entries = new Map<string, Array<{ entry: TapeEntry; line: number }>>();

  constructor(private readonly file: string) {
    // A recording of an org that used no such tool has no tape; any use then says it was not recorded.
    const text = recordedText(file) ?? '';
    text.split('\n').forEach((line, index) => {
      if (line.trim() === '') return;
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch {
        throw new LemmingError('cassette-invalid', `${file}:${index + 1}: is not JSON; a tool tape holds one JSON object per line`);
      }
      if (typeof entry !== 'object' || entry === null || typeof (entry as TapeEntry).kind !== 'string' || typeof (entry as TapeEntry).key !== 'string') {
        throw new LemmingError('cassette-invalid', `${file}:${index + 1}: is not a tape entry (expected {"kind":"...","key":"...",...}, as \`lemming run --record\` writes them)`);
      }
      const id = `${(entry as TapeEntry).kind}\n${(entry as TapeEntry).key}`;
      this.entries.set(id, [...(this.entries.get(id) ?? []), { entry: entry as TapeEntry, line: index + 1 }]);
    });
  }

  /**
   * The next entry of this kind and key; past the last, the last again (a turn finished after a stop asks again).
   * What it holds was written by `--record` and may have been edited since: `problem` (its kind's rule) says what
   * is wrong with one, and that is an error naming the tape and the line, never an entry given as it is.
   */
  take(kind: string, key: string, problem: (entry: TapeEntry) => string | undefined): TapeEntry | undefined {
    const list = this.entries.get(`${kind}\n${key}`);
    const taken = list && list.length > 1 ? list.shift() : list?.[0];
    if (taken === undefined) return undefined;
    const wrong = problem(taken.entry);
    if (wrong !== undefined) throw new LemmingError('cassette-invalid', `${this.file}:${taken.line}: the recorded ${kind} ${wrong}; record again with --record`);
    return taken.entry;
  }
}
