import { terminalLine, type CommandStream, type Output } from './cli-context.js';

/** Erase the line under the cursor and go back to its start, as a terminal reads it. */
const ERASE_LINE = '\r\u001b[2K';

/**
 * The line a live screen shows the moment its command starts. The screen's code (ink, React and
 * what they load: some 600 modules) takes most of a second to load on an idle machine and several
 * under load; until it draws, this line says the command is alive. `erase` takes the line away
 * just before the first frame, so the frame is the same as without it; it is idempotent, and the
 * command calls it on the way out too, so an error starts on a clean line.
 */
export function startingLine(stream: CommandStream, command: string, root: string): { erase(): void } {
  let shown = true;
  // No newline: the frame is drawn from the start of this very line once it is erased.
  stream.write(terminalLine(`${command} · starting in ${root} …`));
  return {
    erase() {
      if (!shown) return;
      shown = false;
      stream.write(ERASE_LINE);
    },
  };
}

/** `output` whose every line first erases the starting line, so a line printed before the first frame starts on a line of its own. */
export function afterErasing(output: Output, line: { erase(): void }): Output {
  return { ...output, out: (text, paint) => (line.erase(), output.out(text, paint)), err: (text) => (line.erase(), output.err(text)) };
}
