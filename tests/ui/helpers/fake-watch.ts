import type { FileChange, FileWatch } from '../../../src/ui/watch/org-files-watcher.js';

/** A file watch the test speaks for: `emit` is what chokidar would have seen. */
export function fakeWatch(): FileWatch & { emit(change: FileChange): void } {
  const listeners = new Set<(change: FileChange) => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ready: Promise.resolve(),
    close: async () => undefined,
    emit(change) {
      for (const listener of listeners) listener(change);
    },
  };
}
