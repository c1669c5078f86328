import { environment } from '../invocation.js';

/**
 * Whether output to `stream` is coloured: FORCE_COLOR wins (any value but "0" or
 * "false" turns colour on), then NO_COLOR (any non-empty value turns it off), then
 * whether the stream is a terminal.
 */
export function colourWanted(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>> = environment()): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

/**
 * ink colours through chalk, which reads FORCE_COLOR when it is first loaded but not
 * NO_COLOR; so say it in chalk's terms before the terminal UI is imported.
 */
export function prepareUiColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): void {
  if (!colourWanted(stream, env === process.env ? environment() : env)) env.FORCE_COLOR = '0';
}
