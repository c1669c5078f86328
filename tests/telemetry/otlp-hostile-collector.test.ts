import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { startOtlpReceiver, startRefusingCollector } from '../helpers/otlp-receiver.js';
import { defaultOrg, humanSends } from '../helpers/temp-org.js';
import { startWatched, type WatchedProcess } from '../helpers/watched-process.js';

/**
 * A collector that takes every export, answers 200 and then trickles its body a byte a second,
 * for ever: the OpenTelemetry exporter's own timeout is an idle timeout, which a byte a second never
 * trips. It counts the bytes it trickled, so a test can tell how long a run kept listening.
 */
async function startTricklingCollector(): Promise<{ url: string; requests(): number; trickled(): number; close(): Promise<void> }> {
  let requests = 0;
  let trickled = 0;
  const open = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    requests += 1;
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      open.add(response);
      const timer = setInterval(() => {
        trickled += 1;
        response.write(' ');
      }, 1000);
      timers.add(timer);
      response.on('close', () => {
        clearInterval(timer);
        open.delete(response);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    trickled: () => trickled,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      for (const response of open) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const started: WatchedProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const run of started.splice(0)) await run.stop('SIGKILL');
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The run's last summary line: printed once its last turn has committed. */
const SUMMARY = /\d+ turn\(s\) run, now at turn \d+/;

/** Whether the process ended by itself within `seconds` of now; killed otherwise (never left running). */
async function exitsWithin(run: WatchedProcess, seconds: number): Promise<{ status: number | null; byItself: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), seconds * 1000)));
  const outcome = await Promise.race([run.exited(), late]);
  clearTimeout(timer);
  if (outcome !== 'late') return { status: outcome, byItself: true };
  await run.stop('SIGKILL');
  return { status: null, byItself: false };
}

/** `lemming run --plain --otlp url` over the default org with a message for the manager, watched until its summary. */
async function runToSummary(url: string): Promise<WatchedProcess> {
  const root = defaultOrg();
  humanSends(root, 'manager', 'Plan the first release');
  const run = startWatched(root, ['run', '--plain', '--otlp', url]);
  started.push(run);
  await run.waitFor(SUMMARY);
  return run;
}

/** `lemming trace --otlp url` over an org that has run two turns: the process, watched. */
async function traceOfTwoTurns(url: string): Promise<WatchedProcess> {
  const root = defaultOrg();
  humanSends(root, 'manager', 'Plan the first release');
  expect((await lemmingAsync(root, ['run', '--turns', '2'])).status).toBe(0);
  const sent = startWatched(root, ['trace', '--otlp', url]);
  started.push(sent);
  return sent;
}

const telemetryLines = (output: string): string[] => output.split('\n').filter((line) => line.includes('telemetry:'));

describe('a collector cannot keep a run alive (docs/telemetry.md)', () => {
  test('a collector that answers 200 and trickles its body a byte a second: lemming run --otlp stops waiting for it, says so once, and exits', async () => {
    const collector = await startTricklingCollector();
    cleanups.push(collector.close);
    const run = await runToSummary(collector.url);
    const trickledBefore = collector.trickled();
    // The run's final wait is five seconds and the process ends within ten; thirty is the slack of a busy machine.
    // Before the bound, this run was still listening to the trickle when it was killed.
    const ended = await exitsWithin(run, 30);
    expect(ended).toEqual({ status: 0, byItself: true });
    expect(collector.requests()).toBeGreaterThan(0);
    // A byte a second, on every connection still open: the run listened to the trickle a few seconds, not for ever.
    expect(collector.trickled() - trickledBefore).toBeLessThan(30);
    const said = telemetryLines(run.output());
    expect(said).toEqual([`lemming: telemetry: stopped waiting for ${collector.url}/v1/traces 5 s after the run ended: it had not finished answering for the run's last spans, which may be lost`]);
  }, 90_000);

  test('lemming trace --otlp to the same collector stops waiting too, and exits 1 saying so', async () => {
    const collector = await startTricklingCollector();
    cleanups.push(collector.close);
    const sent = await traceOfTwoTurns(collector.url);
    const ended = await exitsWithin(sent, 30);
    expect(ended).toEqual({ status: 1, byItself: true });
    expect(telemetryLines(sent.output())).toEqual([`lemming: telemetry: stopped waiting for ${collector.url}/v1/traces after 5 s: it had not finished answering, so the turns may not all have arrived`]);
  }, 90_000);

  test('a collector that answers 503 at once, retried: the run says what it answered and how often it was tried, not that it had not finished answering', async () => {
    const collector = await startRefusingCollector(503);
    cleanups.push(collector.close);
    const run = await runToSummary(collector.url);
    expect(await exitsWithin(run, 30)).toEqual({ status: 0, byItself: true });
    const said = telemetryLines(run.output());
    expect(said).toHaveLength(1);
    // Before: "... 5 s after the run ended: it had not finished answering for the run's last spans, which may be lost".
    const line = said[0]!;
    const words = new RegExp(`^lemming: telemetry: stopped waiting for ${collector.url}/v1/traces 5 s after the run ended: it answered 503 to each of the (\\d+) tries since it last took spans \\(the exporter retried (\\d+) times? and was to try again\\); the run's last spans may be lost$`);
    const match = words.exec(line);
    expect(match, line).not.toBeNull();
    const tries = Number(match![1]);
    // Each try it was told of is a request the collector answered; within five seconds the SDK retries at least twice (1 s, then 1.5 s).
    expect(tries).toBeGreaterThanOrEqual(3);
    expect(tries).toBeLessThanOrEqual(collector.answered());
    expect(Number(match![2])).toBe(tries - 1);
  }, 90_000);

  test('lemming trace --otlp to a collector that answers 503: exits 1 saying what it answered', async () => {
    const collector = await startRefusingCollector(503);
    cleanups.push(collector.close);
    const sent = await traceOfTwoTurns(collector.url);
    expect(await exitsWithin(sent, 30)).toEqual({ status: 1, byItself: true });
    const said = telemetryLines(sent.output());
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(new RegExp(`^lemming: telemetry: stopped waiting for ${collector.url}/v1/traces after 5 s: it answered 503 to each of the \\d+ tries since it last took spans \\(the exporter retried \\d+ times? and was to try again\\), so the turns may not all have arrived$`));
  }, 90_000);

  test('a collector that cannot be reached: said once, when it happens, in words true then; no wait after the summary', async () => {
    const closed = await startOtlpReceiver();
    await closed.close();
    const root = defaultOrg();
    humanSends(root, 'manager', 'Plan the first release');
    const run = startWatched(root, ['run', '--plain', '--otlp', closed.url]);
    started.push(run);
    await run.waitFor(SUMMARY);
    const atSummary = Date.now();
    const ended = await exitsWithin(run, 30);
    const afterSummary = Date.now() - atSummary;
    expect(ended).toEqual({ status: 0, byItself: true });
    // Before, the exporter tried the closed port again for 8 s after the summary (its retries), then said "the run goes on".
    expect(afterSummary).toBeLessThan(5_000);
    const output = run.output();
    const said = telemetryLines(output);
    expect(said).toHaveLength(1);
    const refused = `spans could not be sent to ${closed.url}/v1/traces \\(connect ECONNREFUSED [^)]*\\)`;
    // Whether the first batch went out during the run (a batch a second) or only as it ended, the words are true when said.
    const during = new RegExp(`^\\[turn \\d+\\] warning: telemetry: ${refused}; the run goes on without them$`);
    // Told after the summary: the run's last spans, or spans of the run whose failure came after its last event.
    const late = `spans could not be sent to ${closed.url}/v1/traces during the run \\(connect ECONNREFUSED [^)]*\\)`;
    const after = new RegExp(`^lemming: telemetry: (the run's last ${refused}|${late}); they are dropped$`);
    const line = said[0]!;
    expect(during.test(line) || after.test(line), line).toBe(true);
    const summaryAt = output.search(SUMMARY);
    if (during.test(line)) expect(output.indexOf(line)).toBeLessThan(summaryAt);
    else expect(output.indexOf(line)).toBeGreaterThan(summaryAt);
  }, 90_000);
});
