import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

/** A terminal of unknown size (a pipe) is treated as this big. */
const DEFAULT_ROWS = 40;
const DEFAULT_COLUMNS = 80;

/** A terminal's size in character cells. */
export interface TerminalSize {
  rows: number;
  columns: number;
}

function sizeOf(stdout: NodeJS.WriteStream): TerminalSize {
  return { rows: stdout.rows || DEFAULT_ROWS, columns: stdout.columns || DEFAULT_COLUMNS };
}

/**
 * The terminal's size, kept current on resize: the live area must be shorter than the
 * terminal, or ink redraws the whole screen each frame and what is at its top scrolls away.
 */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => sizeOf(stdout));
  useEffect(() => {
    const onResize = (): void => setSize(sizeOf(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
