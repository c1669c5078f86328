/**
 * Call `handler` on Ctrl-C (SIGINT) and on SIGTERM until the returned function is
 * called. Every way of running the engine stops through this: plain output, the run
 * screen and the chat.
 */
export function onStopSignals(handler: () => void): () => void {
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
