import { describe, expect, test } from 'vitest';
import type { QueueClient } from '../../src/queue/queue-client.js';
import type { WorkerAnnouncement } from '../../src/queue/worker-presence.js';
import { WorkerWatch, type QueueNotice } from '../../src/queue/worker-watch.js';

const worker = (id: string, queues: string[], stopping = false): WorkerAnnouncement => ({
  id,
  host: 'box',
  pid: 1,
  models: [],
  mcpServers: [],
  queues,
  concurrency: 4,
  ...(stopping ? { stopping } : {}),
});

/**
 * A watch over a fake queue client whose live workers the test sets (or whose Redis does not
 * answer, or was emptied); checks are made by hand (the timer never fires), on a clock the test moves.
 */
function watchOver(unreachableMs = 1e9) {
  const live = { workers: [] as WorkerAnnouncement[], down: undefined as string | undefined, emptied: false, now: 0 };
  const client = {
    address: 'redis://127.0.0.1:6379',
    workers: async () => {
      if (live.down !== undefined) throw new Error(live.down);
      return live.workers;
    },
    republish: async () => {
      if (live.down !== undefined) throw new Error(live.down);
      const emptied = live.emptied;
      live.emptied = false;
      return emptied;
    },
  } as unknown as QueueClient;
  const notices: QueueNotice[] = [];
  const watch = new WorkerWatch(client, (notice) => notices.push(notice), { everyMs: 1e9, unclaimedMs: 1e9, unreachableMs, unservedMs: 1e9 }, () => live.now);
  return { watch, notices, live };
}

describe('the worker watch', () => {
  test('tells, while calls wait, that no worker serves a queue, that a worker joined and serves it now, and that it left', async () => {
    const { watch, notices, live } = watchOver();
    live.workers = [worker('old', ['model-other'])];
    const leave = watch.enter('mcp-files-1234', { kind: 'mcp-server', name: 'files' });
    await watch.check();
    expect(notices.map((notice) => notice.notice)).toEqual(['unserved']);
    expect(notices[0]).toMatchObject({ target: { kind: 'mcp-server', name: 'files' }, waiting: 1 });
    expect(notices[0]?.message).toBe(
      'no worker serves MCP server "files": 1 call(s) wait in queue mcp-files-1234 on redis://127.0.0.1:6379; start one with `lemming worker --queue redis://127.0.0.1:6379 --mcp-servers files`',
    );

    live.workers = [worker('old', ['model-other']), worker('new', ['mcp-files-1234'])];
    await watch.check();
    expect(notices.slice(1).map((notice) => [notice.notice, notice.worker])).toEqual([
      ['worker-joined', 'new'],
      ['served', undefined],
    ]);

    live.workers = [worker('old', ['model-other'])];
    await watch.check();
    expect(notices.slice(3).map((notice) => [notice.notice, notice.worker])).toEqual([
      ['worker-left', 'new'],
      ['unserved', undefined],
    ]);
    expect(notices[3]?.message).toBe('worker new stopped answering (its heartbeat ran out); a job it held goes back to the queue once its lock runs out');
    leave(true);
    // The answer came after all: someone served it.
    expect(notices.at(-1)?.notice).toBe('served');
  });

  test('a wait that ends without an answer (the run stopped, the job was lost) does not say a worker serves the queue', async () => {
    const { watch, notices } = watchOver();
    const leave = watch.enter('model-fast-1', { kind: 'model', name: 'fast' });
    await watch.check();
    expect(notices.map((notice) => notice.notice)).toEqual(['unserved']);
    leave(false);
    expect(notices.map((notice) => notice.notice)).toEqual(['unserved']);
  });

  test('a worker that stops cleanly is not served from while it finishes, and is said to have stopped, not to have gone silent', async () => {
    const { watch, notices, live } = watchOver();
    live.workers = [worker('w1', ['model-fast-1'])];
    watch.enter('model-fast-1', { kind: 'model', name: 'fast' });
    await watch.check();
    expect(notices).toEqual([]);
    live.workers = [worker('w1', ['model-fast-1'], true)];
    await watch.check();
    expect(notices.map((notice) => notice.notice)).toEqual(['unserved']);
    live.workers = [];
    await watch.check();
    expect(notices.slice(1).map((notice) => notice.message)).toEqual(['worker w1 stopped, after finishing the calls it had']);
  });

  test('after Redis was emptied, workers are not said to have left, nor queues unserved, until their heartbeats had a beat to come back', async () => {
    const { watch, notices, live } = watchOver();
    live.workers = [worker('w1', ['model-fast-1'])];
    watch.enter('model-fast-1', { kind: 'model', name: 'fast' });
    await watch.check();
    live.workers = [];
    live.emptied = true;
    await watch.check();
    live.now += 5_000;
    await watch.check();
    expect(notices).toEqual([]);
    live.workers = [worker('w1', ['model-fast-1'])];
    live.now += 10_000;
    await watch.check();
    expect(notices).toEqual([]);
  });

  test('a Redis that does not answer is said once, its return is said, and one silent past the bound stops every wait with one fatal error', async () => {
    const { watch, notices, live } = watchOver(8_000);
    watch.enter('model-fast-1', { kind: 'model', name: 'fast' });
    await watch.check();
    live.down = 'connect ECONNREFUSED 127.0.0.1:6379';
    await watch.check();
    live.now += 1_000;
    await watch.check();
    live.down = undefined;
    await watch.check();
    expect(notices.map((notice) => notice.message)).toEqual([
      'no worker serves model "fast": 1 call(s) wait in queue model-fast-1 on redis://127.0.0.1:6379; start one with `lemming worker --queue redis://127.0.0.1:6379 --models fast`',
      'the queue at redis://127.0.0.1:6379 does not answer (connect ECONNREFUSED 127.0.0.1:6379): calls wait for it; the run stops if it has not answered within 8 s',
      'the queue at redis://127.0.0.1:6379 answers again',
    ]);

    const waiting = watch.reach.guard(new Promise(() => undefined));
    live.down = 'connect ECONNREFUSED 127.0.0.1:6379';
    await watch.check();
    live.now += 8_000;
    await watch.check();
    await expect(waiting).rejects.toMatchObject({
      fatal: true,
      message: 'the queue at redis://127.0.0.1:6379 has not answered for 8 s (connect ECONNREFUSED 127.0.0.1:6379); start Redis there and run again: the next run resumes this turn',
    });
    await expect(watch.reach.guard(Promise.resolve(1))).rejects.toMatchObject({ fatal: true });
  });

  test('a job taken over from a worker that stopped answering is told with its target', () => {
    const { watch, notices } = watchOver();
    watch.retried({ kind: 'model', name: 'fast' }, 'org.t1.ann.s0.abc');
    expect(notices).toEqual([
      {
        notice: 'job-retried',
        target: { kind: 'model', name: 'fast' },
        job: 'org.t1.ann.s0.abc',
        message: 'the job org.t1.ann.s0.abc (model "fast") was left by a worker that stopped answering; it is back in the queue for the next free worker',
      },
    ]);
  });
});
