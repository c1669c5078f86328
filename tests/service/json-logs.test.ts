import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { defaultOrg, humanSends, write } from '../helpers/temp-org.js';
import { startWatched } from '../helpers/watched-process.js';
import { busyOrg } from '../helpers/busy-org.js';

interface Record {
  level: string;
  time: string;
  event: string;
  org?: string;
  agent?: string;
  turn?: number;
  message?: string;
}

/** Every line of standard error as JSON: a line that does not parse fails the test. */
function records(stderr: string): Record[] {
  return stderr
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record);
}

const SECRET = 'sk-log-secret-0123456789abcdef';

describe('--log-format json', () => {
  test('run: one JSON object a line on standard error (level, time, event, org, agent, turn), nothing on standard output, secrets cut', () => {
    const root = defaultOrg();
    write(root, '.env', `RELEASE_TOKEN=${SECRET}\n`);
    humanSends(root, 'manager', 'Plan the release.', `Release with ${SECRET}`);
    const run = lemming(root, ['run', '--log-format', 'json']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    const lines = records(run.stderr);
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) {
      expect(['debug', 'info', 'warn', 'error']).toContain(line.level);
      expect(new Date(line.time).toISOString()).toBe(line.time);
      expect(line.org).toBe('lemming-default');
    }
    expect(lines.find((line) => line.event === 'turn-started')).toMatchObject({ level: 'info', turn: 1 });
    expect(lines.find((line) => line.event === 'agent-done' && line.agent === 'manager')).toMatchObject({ turn: 1 });
    // The subject is shown where the plain output shows it: with the secret cut.
    const delivered = lines.find((line) => line.event === 'message-delivered' && line.agent === 'human');
    expect(delivered?.message).toContain('[secret RELEASE_TOKEN]');
    expect(run.stderr).not.toContain(SECRET);
    // The summary a person reads comes as records too.
    expect(lines.at(-1)).toMatchObject({ event: 'line', message: expect.stringContaining('Messages: ') });
  });

  test('serve and worker write their lines as records too; a bad value is refused with a valid example', { timeout: 60_000 }, async () => {
    const root = busyOrg(2);
    const serve = startWatched(root, ['serve', '--port', '0', '--log-format', 'json']);
    await serve.waitFor(/it runs no turns/);
    await serve.stop('SIGTERM');
    expect(await serve.exited()).toBe(0);
    const served = records(serve.output());
    // The dashboard's token is not written where log collectors read: an operator sets LEMMING_TOKEN to know it.
    expect(served.map((line) => line.message)).toEqual(expect.arrayContaining(['dashboard: http://127.0.0.1:' + /127\.0\.0\.1:(\d+)/.exec(serve.output())?.[1] + '/?token=[secret LEMMING_TOKEN]']));
    expect(served.every((line) => line.org === 'bench' && line.event === 'line')).toBe(true);

    const worker = lemming(root, ['worker', '--queue', 'redis://127.0.0.1:1', '--log-format', 'json']);
    expect(worker.status).not.toBe(0);
    // Its failure too: a record at level error, not a bare line.
    expect(records(worker.stderr)).toEqual([expect.objectContaining({ level: 'error', event: 'line', message: expect.stringMatching(/^lemming: cannot reach the queue at redis:\/\/127\.0\.0\.1:1/) })]);
    const refused = lemming(root, ['run', '--log-format', 'yaml']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('expected text or json, for example --log-format json');
  });
});
