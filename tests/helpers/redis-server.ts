import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A `redis-server` of the test's own: loopback, a free port, nothing written to disk. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  /** Empty it (FLUSHALL), so one test's jobs are not counted in the next. */
  flush(): Promise<void>;
  /** Kill it (SIGKILL) and leave it down, as a crashed Redis is, until `start`. */
  kill(): Promise<void>;
  /** Start it again on the same port after `kill`: with no persistence it comes back empty. */
  start(): Promise<void>;
  /** `kill` then `start`: a Redis restarted without persistence, every job and key gone. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function launch(port: number, directory: string): Promise<ChildProcess | undefined> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', directory], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve) => {
    let seen = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      seen += chunk;
      if (seen.includes('Ready to accept connections')) resolve(child);
    });
    // Another process took the port between the probe and the start: try another.
    child.on('exit', () => resolve(undefined));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Start Debian's `redis-server` on a free loopback port with no persistence (`.ci/run` installs it). */
export async function startRedis(): Promise<RedisServer> {
  const directory = mkdtempSync(join(tmpdir(), 'lemming-redis-'));
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = await freePort();
    const first = await launch(port, directory);
    if (!first) continue;
    let child: ChildProcess | undefined = first;
    const url = `redis://127.0.0.1:${port}`;
    const kill = async (): Promise<void> => {
      if (child) await killed(child);
      child = undefined;
    };
    const start = async (): Promise<void> => {
      if (child) return;
      // The port was ours a moment ago; lemming's clients keep knocking on it, nobody else takes it.
      for (let tries = 0; tries < 20 && !child; tries += 1) {
        child = await launch(port, directory);
        if (!child) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (!child) throw new Error(`redis-server did not start again on port ${port}`);
    };
    return {
      url,
      flush: async () => {
        const client = new Redis(url);
        try {
          await client.flushall();
        } finally {
          client.disconnect();
        }
      },
      kill,
      start,
      restart: async () => {
        await kill();
        await start();
      },
      stop: async () => {
        await kill();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  }
  throw new Error('redis-server did not start on a free port after 5 attempts; is it installed (apt-get install redis-server)?');
}
