import { expect, test } from 'vitest';
import { openDashboard } from '../../src/cli/commands/serve.js';
import { defaultOrg } from '../helpers/temp-org.js';

/** What a command printed, in order, each line marked with its stream. */
function capture(): { lines: string[]; output: { out(line: string): void; err(line: string): void } } {
  const lines: string[] = [];
  return { lines, output: { out: (line) => lines.push(`out: ${line}`), err: (line) => lines.push(`err: ${line}`) } };
}

test('a dashboard that takes longer than its quiet time to start says what it waits for, on standard error, before the address', async () => {
  const { lines, output } = capture();
  // A quiet time of 0: the message index's thread always takes longer than that to start.
  const server = await openDashboard(defaultOrg(), { port: 0 }, output, undefined, 0);
  try {
    expect(lines[0]).toBe("err: dashboard: taking in the org's messages for search and threads; the address follows once they are in");
    expect(lines[1]).toMatch(/^out: dashboard: http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    expect(lines).toHaveLength(2);
  } finally {
    await server.close();
  }
});

test('one that starts within its quiet time prints only the address', async () => {
  const { lines, output } = capture();
  const server = await openDashboard(defaultOrg(), { port: 0 }, output, undefined, 60_000);
  try {
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^out: dashboard: http:/);
  } finally {
    await server.close();
  }
});
