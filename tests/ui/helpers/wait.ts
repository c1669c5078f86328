import { PATIENCE_MS } from '../../helpers/patience.js';

/** Remove colour and cursor movement, leaving the text a person reads. */
export function plainText(text: string | undefined): string {
  return (text ?? '')
    .replace(/\u001B\][^\u0007]*\u0007/g, '')
    .replace(/\u001B\[[0-9;?<>=]*[ -/]*[@-~]/g, '')
    .replace(/\u001B[()][A-Za-z0-9]/g, '')
    .replace(/\r/g, '');
}

export { PATIENCE_MS };

/** Poll until `check` passes or time runs out; fail with what was last seen. */
export async function waitFor(check: () => boolean, describe: () => string, timeoutMs = PATIENCE_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting; last seen:\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Wait until the latest frame of an ink-testing-library render contains `text`. */
export async function frameShows(lastFrame: () => string | undefined, text: string | RegExp, timeoutMs = PATIENCE_MS): Promise<string> {
  const matches = (): boolean => {
    const frame = plainText(lastFrame());
    return typeof text === 'string' ? frame.includes(text) : text.test(frame);
  };
  await waitFor(matches, () => plainText(lastFrame()), timeoutMs);
  return plainText(lastFrame());
}

/** Let pending timers and promises run (ink renders and the screen's batched updates). */
export async function settle(ms = 40): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** The frame with line wrapping undone, for text the screen wraps (reasons, problems). */
export function flat(frame: string): string {
  return frame.replace(/\s+/g, ' ');
}
