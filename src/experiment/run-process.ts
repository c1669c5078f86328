import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { EngineEvent } from '../engine/events.js';
import { environment } from '../invocation.js';
import { appendText } from '../storage/write-bytes.js';

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
 * `onEvent` of each as it comes (what a progress line shows). The events go through the write layer,
 * as every record does: the org's secrets cut, a link in the file's place refused, and a line an
 * earlier experiment's kill cut short cut before the first append. A write that fails (that link, a
 * full disk) stops the run and is what the promise rejects with.
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
    let appended = false;
    let failed: unknown;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      if (lines.length > 0 && failed === undefined) {
        try {
          appendText(join(root, EVENTS_FILE), lines.map((line) => `${line}\n`).join(''), { afterWholeLine: !appended });
          appended = true;
        } catch (error) {
          failed = error;
          child.kill();
        }
      }
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
      if (failed !== undefined) return reject(failed);
      resolve({ startedAt, wallMs: performance.now() - started, exitCode, stderr, ...(finished ? { finished } : {}) });
    });
  });
}
