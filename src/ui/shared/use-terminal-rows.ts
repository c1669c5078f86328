import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

/** A terminal of unknown height (a test, a pipe) is treated as this tall. */
const DEFAULT_ROWS = 40;

/** The terminal's height, kept current on resize: the live area must fit, or ink redraws the whole screen each frame. */
export function useTerminalRows(): number {
  const { stdout } = useStdout();
  const [rows, setRows] = useState(stdout.rows || DEFAULT_ROWS);
  useEffect(() => {
    const onResize = (): void => setRows(stdout.rows || DEFAULT_ROWS);
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return rows;
}
