import { EventEmitter } from 'node:events';
import type { ReactElement } from 'react';
import { render } from 'ink';

/** A terminal of a fixed size for ink: it keeps every frame it was given, as a person's screen would have shown them. */
class SizedStdout extends EventEmitter {
  readonly frames: string[] = [];
  readonly isTTY = true;
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  write = (frame: string): boolean => {
    this.frames.push(frame);
    return true;
  };
}

/** Keys typed into the screen; the same fake as ink-testing-library's, which has no terminal size. */
class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private data: string | null = null;
  write(data: string): void {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  }
  read = (): string | null => {
    const { data } = this;
    this.data = null;
    return data;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

/** Keys as a terminal sends them. */
export const KEYS = { pageUp: '\u001B[5~', pageDown: '\u001B[6~', enter: '\r' } as const;

/**
 * Render `tree` in a terminal of `columns` × `rows` (ink-testing-library's is 100 columns with no height).
 * `frames()` is every frame drawn so far; `lastFrame()` the newest.
 */
export function renderSized(tree: ReactElement, size: { columns: number; rows: number }) {
  const stdout = new SizedStdout(size.columns, size.rows);
  const stdin = new FakeStdin();
  const instance = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new SizedStdout(size.columns, size.rows) as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    stdin,
    frames: (): string[] => stdout.frames,
    lastFrame: (): string | undefined => stdout.frames.at(-1),
    unmount: (): void => {
      instance.unmount();
      instance.cleanup();
    },
  };
}
