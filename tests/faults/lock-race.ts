import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { REPO_ROOT } from '../helpers/org-files.js';

/**
 * Each thread waits on a shared counter, so that in every round all of them call
 * acquireLock (the built one) at the same instant, report whether they won, and hold
 * what they won until the round is over.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const gate = new Int32Array(workerData.gate);
import(workerData.lockModule).then(({ acquireLock }) => {
  let held;
  parentPort.on('message', (message) => {
    if (message.type === 'release') {
      held?.release();
      held = undefined;
      parentPort.postMessage({ type: 'released' });
      return;
    }
    parentPort.postMessage({ type: 'ready' });
    Atomics.wait(gate, 0, message.round - 1);
    try {
      held = acquireLock(message.root, 'race');
      parentPort.postMessage({ type: 'result', won: true });
    } catch {
      parentPort.postMessage({ type: 'result', won: false });
    }
  });
});
`;

/** The lock an engine that was killed left behind: its process (`gone`, one that has exited) is gone. */
function leaveDeadEnginesLock(root: string, gone: number): void {
  mkdirSync(join(root, 'org', 'state'), { recursive: true });
  writeFileSync(join(root, 'org', 'state', 'lock'), JSON.stringify({ pid: gone, host: hostname(), token: 'killed', command: 'run', started: '2026-01-01T00:00:00.000Z' }));
}

/**
 * Start `threads` engines at once on a fresh root, `rounds` times; how many winners each round had.
 * With `deadHolder`, each root holds the lock of an engine that was killed, which all find at once.
 */
export async function raceForLock(threads: number, rounds: number, options: { deadHolder?: boolean } = {}): Promise<number[]> {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  // One process that has exited holds every round's dead lock: a spawn a round cost as much as the race.
  const gone = options.deadHolder ? spawnSync('true').pid : undefined;
  const lockModule = pathToFileURL(join(REPO_ROOT, 'dist', 'engine', 'record', 'lock.js')).href;
  const workers = Array.from({ length: threads }, () => new Worker(THREAD, { eval: true, workerData: { gate: gate.buffer, lockModule } }));
  const next = (type: string): Promise<Array<{ won?: boolean }>> =>
    Promise.all(workers.map((worker) => new Promise<{ won?: boolean }>((resolve) => {
      const listen = (message: { type: string; won?: boolean }): void => {
        if (message.type !== type) return;
        worker.off('message', listen);
        resolve(message);
      };
      worker.on('message', listen);
    })));
  const winners: number[] = [];
  try {
    for (let round = 1; round <= rounds; round += 1) {
      const root = mkdtempSync(join(tmpdir(), 'lemming-lock-'));
      if (gone !== undefined) leaveDeadEnginesLock(root, gone);
      const ready = next('ready');
      const results = next('result');
      for (const worker of workers) worker.postMessage({ type: 'go', root, round });
      await ready;
      Atomics.store(gate, 0, round);
      Atomics.notify(gate, 0);
      winners.push((await results).filter((result) => result.won).length);
      const released = next('released');
      for (const worker of workers) worker.postMessage({ type: 'release' });
      await released;
      rmSync(root, { recursive: true, force: true });
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return winners;
}
