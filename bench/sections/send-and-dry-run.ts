import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, type BenchContext } from '../context.js';
import { atMostMs, type Row } from '../row.js';
import { figure } from '../stats.js';

/** Sizes of the populated orgs: the 2,000 and five times it. */
const SIZES = [2_000, 10_000];

/** People with a department and a seniority, everyone under the human (so the human may write to any of them). */
function spec(size: number): string {
  return `name: bench
seed: 7
size: ${size}
attributes:
  department: { shares: { sales: 0.4, engineering: 0.35, support: 0.25 } }
  seniority: { shares: { junior: 0.5, mid: 0.3, senior: 0.2 } }
roles:
  member: { title: "Analyst in {department}", model: offline, credits: 0.2 }
persona: "You are {name}, a {seniority} member of {department}."
`;
}

/** Wall time of one whole `lemming …` process. */
function timed(args: string[]): number {
  const start = performance.now();
  execFileSync(process.execPath, [cli, ...args], { stdio: 'ignore' });
  return performance.now() - start;
}

/**
 * `lemming send` to one agent, `send --where` to many, and `run --dry-run` at 2,000 and 10,000
 * agents, each the whole process of the built CLI on the first storage: an org populated with
 * everyone under the human, then a send to one (the dry run plans the turn that delivers it), then a
 * send to the senior salespeople (8% of the org, a message each).
 */
export function sendAndDryRun(context: BenchContext): Row[] {
  const storage = context.storages[0];
  if (!storage) return [];
  const rows: Row[] = [];
  for (const size of SIZES) {
    const runs = size > 2_000 ? 2 : 3;
    const one: number[] = [];
    const many: number[] = [];
    const planned: number[] = [];
    let recipients = 0;
    for (let run = 0; run < runs; run += 1) {
      const root = join(storage.directory, `send-${size}-${run}`);
      const file = join(storage.directory, `send-${size}.yaml`);
      rmSync(root, { recursive: true, force: true });
      writeFileSync(file, spec(size));
      execFileSync(process.execPath, [cli, 'populate', file, '--root', root], { stdio: 'ignore' });
      one.push(timed(['send', 'agent_00001', 'Please plan the quarter', '--root', root]));
      planned.push(timed(['run', '--dry-run', '--turns', '1', '--root', root]));
      many.push(timed(['send', '--where', 'department=sales', '--where', 'seniority=senior', 'How is the quarter going?', '--root', root]));
      recipients = readdirSync(join(root, 'agents', 'human', 'outbox')).length - 1;
      rmSync(root, { recursive: true, force: true });
    }
    const sendOne = figure(one);
    const sendMany = figure(many);
    const dryRun = figure(planned);
    const n = size.toLocaleString('en-US');
    context.log(`  ${storage.name}: N=${n}: send to one ${sendOne.median.toFixed(0)} ms, to ${recipients} by --where ${sendMany.median.toFixed(0)} ms, run --dry-run ${dryRun.median.toFixed(0)} ms`);
    rows.push({ what: `send to one agent, N=${n}, the whole process`, storage: storage.name, figure: { ms: sendOne }, ...(size === 2_000 ? { target: atMostMs(sendOne, 1_000, '< 1 s') } : {}) });
    rows.push({ what: `send --where to ${recipients.toLocaleString('en-US')} agents (a message each), N=${n}`, storage: storage.name, figure: { ms: sendMany } });
    rows.push({ what: `run --dry-run of the turn that delivers one message, N=${n}`, storage: storage.name, figure: { ms: dryRun }, ...(size === 2_000 ? { target: atMostMs(dryRun, 3_000, '≤ 3 s') } : {}) });
  }
  return rows;
}
