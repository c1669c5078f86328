import { commandIo, terminalLine, type CommandStream, type Output } from './cli-context.js';

/** Erase the line under the cursor and go back to its start. */
const ERASE_LINE = '\r\u001b[2K';

/**
 * Where long work stands, on standard error. On a person's terminal one live line is rewritten in
 * place (`update`), with the lines that stay printed above it (`print`); in CI, with `--plain`, or
 * when standard error is not a terminal there is no live line: `live` is false, `update` prints
 * nothing and the command says what it has to say as lines (`print`), for a log to keep.
 */
export interface ProgressLine {
  readonly live: boolean;
  /** Replace the live line (nothing without one). */
  update(text: string): void;
  /** A line that stays, above the live line. */
  print(text: string): void;
  /** Take the live line away, for good. */
  done(): void;
}

/** True where a CI service runs the command: its log keeps every byte, so nothing is rewritten in place. */
export function inContinuousIntegration(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env.CI ?? env.CONTINUOUS_INTEGRATION;
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** Whether a command's progress gets a live line: standard error is a terminal, not in CI, not `--plain`. */
export function wantsLiveLine(plain: boolean | undefined): boolean {
  const io = commandIo();
  return !plain && io.stderr.isTTY === true && !inContinuousIntegration(io.env);
}

/** A progress line on `stream`, lines through `output.err` (secrets cut, control characters shown). */
export function progressLine(output: Output, stream: CommandStream, live: boolean): ProgressLine {
  let shown = '';
  const columns = (): number => Math.max(20, ((stream as { columns?: number }).columns ?? 80) - 1);
  const draw = (text: string): void => {
    const safe = terminalLine(text);
    // One row only: a line wider than the terminal would wrap, and the erase would leave its first row behind.
    const fitted = safe.length > columns() ? `${safe.slice(0, columns() - 1)}…` : safe;
    if (fitted === shown) return;
    shown = fitted;
    stream.write(`${ERASE_LINE}${shown}`);
  };
  return {
    live,
    update(text) {
      if (live) draw(text);
    },
    print(text) {
      if (!live || shown === '') return output.err(text);
      const again = shown;
      stream.write(ERASE_LINE);
      output.err(text);
      stream.write(again);
    },
    done() {
      if (live && shown !== '') stream.write(ERASE_LINE);
      shown = '';
    },
  };
}
