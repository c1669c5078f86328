import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RingCall, RingServer } from './ring-server.js';
import { finished, startSide } from './side-process.js';

/**
 * What one call of the default org carries: `lemming bootstrap` (the software team), every agent
 * moved from the offline model to the stand-in server (an `openai-compatible` entry), the human's
 * first task sent to the manager, one `run-once`. The manager's call is the one returned: its
 * resume, its place in the chart, the org's context and the tools it is granted, as a user's
 * first real call would send them.
 */
export async function defaultOrgCall(cli: string, server: RingServer, scratch: string): Promise<RingCall> {
  const root = join(scratch, 'default-org');
  const lemming = (args: string[]) => finished(startSide([cli, ...args], {}, () => false, scratch), `lemming ${args[0]}`);
  await lemming(['bootstrap', '--root', root]);
  const orgFile = join(root, 'org', 'org.yaml');
  const entry = ['models:', '  ring:', '    provider: openai-compatible', '    model: ring', `    base_url: ${server.url}`, '    input_price: 0.1', '    output_price: 0.1', '    context_window: 100000'];
  writeFileSync(orgFile, readFileSync(orgFile, 'utf8').replace(/^models:$/m, entry.join('\n')));
  for (const agent of readdirSync(join(root, 'agents'))) {
    const resume = join(root, 'agents', agent, 'resume.md');
    writeFileSync(resume, readFileSync(resume, 'utf8').replace(/^model: offline$/m, 'model: ring'));
  }
  await lemming(['send', '--root', root, 'manager', 'Plan the first release']);
  const before = server.calls.length;
  await lemming(['run-once', '--root', root]);
  const call = server.calls.slice(before).find((each) => each.agent === 'manager');
  if (!call) throw new Error("the default org's run-once made no call for the manager");
  return call;
}
