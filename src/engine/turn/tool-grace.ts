/**
 * The signal a tool call in progress is stopped by: the run's stop, `graceMs` after it comes. A command
 * (run_command, an org's command tool, an MCP server's tool) running when the run is asked to stop gets
 * that long to end, so its result is journaled and the next run does not run it again. One still running
 * then is stopped, and the next run runs it again and tells the model so (step-loop.ts, RUN_AGAIN_NOTE).
 */
export function afterGrace(stop: AbortSignal, graceMs: number): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // Unref'd: a run whose calls all ended exits without waiting for it.
  const start = (): void => {
    timer = setTimeout(() => controller.abort(), graceMs).unref();
  };
  if (stop.aborted) start();
  else stop.addEventListener('abort', start, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      stop.removeEventListener('abort', start);
    },
  };
}
