import { join } from 'node:path';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cli } from '../context.js';
import { killInStep, steadyRun, type PeerSide, type PeerSetting } from './peer-side.js';
import { accountRing } from './ring-accounting.js';
import { FORK_CHANGE, ringAgents } from './ring.js';
import { lemmingRingMessages, writeLemmingRing } from './lemming-ring.js';
import { finished, startSide, type SideRun } from './side-process.js';

/** lemming's CLI at `cli` on the ring written as files (lemming-ring.ts). */
export function lemmingSideAt(cli: string): PeerSide {
  /** `lemming <args> --json` in a process of its own; a turn's end is its `turn-finished` event. */
  const lemming = (setting: PeerSetting, args: string[]): SideRun =>
    startSide([cli, ...args, '--json'], {}, (line) => (line as { type?: string }).type === 'turn-finished', setting.scratch);
  return {
    name: 'lemming',
    async steady(setting, agents, steps) {
      const root = join(setting.scratch, 'org');
      writeLemmingRing({ root, agents, url: setting.server.url, concurrency: setting.concurrency });
      const run = lemming(setting, ['run', '--root', root, '--turns', String(steps)]);
      const { peakRssMb } = await finished(run, 'lemming run');
      return steadyRun(run, peakRssMb, setting.server);
    },
    async fork(setting, agents, steps, at) {
      const root = join(setting.scratch, 'org');
      writeLemmingRing({ root, agents, url: setting.server.url, concurrency: setting.concurrency, keepHistory: true });
      await finished(lemming(setting, ['run', '--root', root, '--turns', String(steps)]), 'lemming run');
      const forked = join(setting.scratch, 'fork');
      await finished(startSide([cli, 'fork', '--from', root, '--at', String(at), '--root', forked], {}, () => false, setting.scratch), 'lemming fork');
      // One message of the fork's last turn, changed by hand as a user would: the next turn reads it.
      const outbox = join(forked, 'agents', ringAgents(1)[0] as string, 'outbox');
      const file = join(outbox, readdirSync(outbox).find((name) => name.startsWith(String(at).padStart(6, '0'))) as string);
      writeFileSync(file, readFileSync(file, 'utf8').replace(/(Ring step \d+ from \w+\.)/, `$1 ${FORK_CHANGE}`));
      const before = setting.server.calls.length;
      await finished(lemming(setting, ['run', '--root', forked, '--until', String(steps)]), 'lemming run (the fork)');
      const calls = setting.server.calls.slice(before);
      return { calls: calls.length, sawChange: calls.filter((call) => call.sawChange).length };
    },
    async kill(setting, agents, steps, killAt) {
      const root = join(setting.scratch, 'org');
      writeLemmingRing({ root, agents, url: setting.server.url, concurrency: setting.concurrency });
      const first = lemming(setting, ['run', '--root', root, '--turns', String(steps)]);
      const disarm = killInStep(setting.server, agents, killAt, () => first.child.kill('SIGKILL'));
      await first.done;
      if (!disarm()) throw new Error(`lemming's run ended before step ${killAt} reached the model`);
      await finished(lemming(setting, ['run', '--root', root, '--until', String(steps)]), 'lemming run (resumed)');
      return accountRing(ringAgents(agents), { first: 1, last: steps }, lemmingRingMessages(root, agents), setting.server.calls);
    },
  };
}

/** The built CLI of this checkout. */
export const lemmingSide = lemmingSideAt(cli);
