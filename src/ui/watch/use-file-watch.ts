import { useEffect, useRef, useState } from 'react';
import type { FileChange, FileWatch } from './org-files-watcher.js';

/** Hear what a file watch reports; returns true once it is watching every file. */
export function useFileWatch(watch: FileWatch | undefined, onChange: (change: FileChange) => void): boolean {
  const [watching, setWatching] = useState(false);
  const handler = useRef(onChange);
  handler.current = onChange;
  useEffect(() => {
    if (!watch) return undefined;
    let live = true;
    const unsubscribe = watch.subscribe((change) => handler.current(change));
    void watch.ready.then(() => {
      if (live) setWatching(true);
    });
    return () => {
      live = false;
      unsubscribe();
    };
  }, [watch]);
  return watching;
}
