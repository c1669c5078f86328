import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent } from '../engine/events.js';
import { environment } from '../invocation.js';

/** How one attempt at a run ended. */
export interface RunAttempt {
  startedAt: string;
  wallMs: number;
  exitCode: number | null;
  /** The engine's last event, when it got that far: how the run ended, and at which turn. */
  finished?: Extract<EngineEvent, { type: 'run-finished' }>;
  /** What the run printed on its standard error (warnings, a failure). */
  stderr: string;
}

/** Each attempt at a run (how it ended, at which turn, and against which cap), as a JSON list beside its org. */
export const ATTEMPTS_FILE = 'experiment-attempts.json';

/** Every event of a run's attempts, one JSON object a line, beside its org. */
export const EVENTS_FILE = 'experiment-events.jsonl';

/**
 * Run the built CLI's `lemming run --json` on one run's org, in a process of its own,
 * keeping its events beside the org (appended: a resumed run adds to a killed one's) and telling
 * `onEvent` of each as it comes (what a progress line shows).
 */
export function runProcess(cli: string, root: string, options: { turns?: number; queue?: string; onEvent?: (event: EngineEvent) => void }): Promise<RunAttempt> {
  const args = [cli, '--root', root, 'run', '--json', ...(options.turns ? ['--turns', String(options.turns)] : []), ...(options.queue ? ['--queue', options.queue] : [])];
  const startedAt = new Date().toISOString();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...environment(), NO_COLOR: '1' } });
    let pending = '';
    let stderr = '';
    let finished: RunAttempt['finished'];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      if (lines.length > 0) appendFileSync(join(root, EVENTS_FILE), lines.map((line) => `${line}\n`).join(''));
      for (const line of lines) {
        try {
          const event = JSON.parse(line) as EngineEvent;
          if (event.type === 'run-finished') finished = event;
          options.onEvent?.(event);
        } catch {
          // Not an event: kept in the file as it came.
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      resolve({ startedAt, wallMs: performance.now() - started, exitCode, stderr, ...(finished ? { finished } : {}) });
    });
  });
}
