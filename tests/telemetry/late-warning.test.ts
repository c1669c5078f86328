import { expect, test } from 'vitest';
import { openEngine } from '../../src/library/open-engine.js';
import { startRefusingCollector } from '../helpers/otlp-receiver.js';
import { defaultOrg, humanSends } from '../helpers/temp-org.js';

const until = async (done: () => boolean, what: string): Promise<void> => {
  for (let waited = 0; !done(); waited += 50) {
    if (waited > 20_000) throw new Error(`waited 20 s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

// CI saw it: a batch sent during the run failed after the run's last event, so its warning was told only
// as the run closed, still saying "the run goes on without them".
test('a telemetry failure that comes during the run but is told only after it is told in words true then', async () => {
  const collector = await startRefusingCollector(400);
  try {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Plan the first release');
    const opened = openEngine(root, { command: 'run', otlp: collector.url });
    const warnedDuring: string[] = [];
    for await (const event of opened.engine.run({ maxTurns: 2 })) if (event.type === 'warning') warnedDuring.push(event.message);
    // The batch of the run's spans goes out a second after they end: the run's events are over by then.
    await until(() => collector.answered() > 0, 'the collector to refuse a batch');
    // The refusal's answer is in this process's socket: turns of the event loop (each polls the sockets, whatever the
    // clock says, so a busy machine that pauses the process cannot let close() come first) hand it to the exporter.
    for (let round = 0; round < 100; round += 1) await new Promise((resolve) => setImmediate(resolve));
    const late = await opened.close();
    expect(warnedDuring).toEqual([]);
    expect(late).toHaveLength(1);
    expect(late[0]).toMatch(new RegExp(`^telemetry: spans could not be sent to ${collector.url}/v1/traces during the run \\(.+\\); they are dropped$`));
  } finally {
    await collector.close();
  }
}, 60_000);
