import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, type BenchContext } from '../context.js';
import { atMostMs, type Row } from '../row.js';
import { figure } from '../stats.js';

/** The population: three attributes, one of them a conditional table, in teams of 8. */
const PEOPLE = 10_000;
const SPEC = `name: bench
seed: 7
size: ${PEOPLE}
attributes:
  department: { shares: { sales: 0.4, engineering: 0.35, support: 0.25 } }
  seniority: { shares: { junior: 0.5, mid: 0.3, senior: 0.2 } }
  remote:
    given: seniority
    table:
      junior: { office: 0.5, hybrid: 0.3, remote: 0.2 }
      mid: { office: 0.3, hybrid: 0.4, remote: 0.3 }
      senior: { office: 0.2, hybrid: 0.3, remote: 0.5 }
structure: { team_size: 8 }
roles:
  lead: { title: "Team lead: runs team {team}", model: offline, credits: 0.5 }
  member: { title: "Analyst: answers questions as a {seniority} in {department}", model: offline, credits: 0.2 }
persona: "You are {name}, a {seniority} member of {department}, working {remote}."
`;

/** The file work of populating N agents with no lemming: an agent's folder and its three, and a resume written to a temporary file and renamed. */
function fileWork(base: string, agents: number): number {
  const root = join(base, 'populate-floor');
  rmSync(root, { recursive: true, force: true });
  const resume = `---\ntitle: "Analyst: answers questions as a junior in sales"\nmodel: offline\ncredits: 0.2\npersona:\n  department: sales\n  seniority: junior\n  remote: office\n---\nYou are agent_00001, a junior member of sales, working office.\n`;
  const start = performance.now();
  for (let index = 0; index < agents; index += 1) {
    const folder = join(root, 'agents', `agent_${String(index + 1).padStart(5, '0')}`);
    for (const inner of ['outbox', 'memory', 'logs']) mkdirSync(join(folder, inner), { recursive: true });
    writeFileSync(join(folder, 'resume.md.tmp'), resume);
    renameSync(join(folder, 'resume.md.tmp'), join(folder, 'resume.md'));
  }
  const ms = performance.now() - start;
  rmSync(root, { recursive: true, force: true });
  return ms;
}

/** Wall time of one whole `lemming …` process. */
function timed(args: string[]): number {
  const start = performance.now();
  execFileSync(process.execPath, [cli, ...args], { stdio: 'ignore' });
  return performance.now() - start;
}

/**
 * `lemming populate` at 10,000 agents on each storage: the whole process (sampling, the files, and
 * the load that checks them), against the same file work done by plain Node; then the org's first
 * `lemming validate` with no parse cache, as on a copy of the org or another machine.
 */
export function populate(context: BenchContext): Row[] {
  const rows: Row[] = [];
  for (const storage of context.storages) {
    const runs = storage.name === 'RAM disk' ? 3 : 2;
    const spec = join(storage.directory, 'populate-spec.yaml');
    writeFileSync(spec, SPEC);
    const populated: number[] = [];
    const validated: number[] = [];
    const floors: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const root = join(storage.directory, `populate-${run}`);
      rmSync(root, { recursive: true, force: true });
      populated.push(timed(['populate', spec, '--root', root]));
      rmSync(join(root, 'org', 'state', 'cache'), { recursive: true, force: true });
      validated.push(timed(['validate', '--root', root]));
      rmSync(root, { recursive: true, force: true });
      floors.push(fileWork(storage.directory, PEOPLE));
    }
    const written = figure(populated);
    const checked = figure(validated);
    context.log(`  ${storage.name}: populate ${written.median.toFixed(0)} ms, first validate ${checked.median.toFixed(0)} ms, the file work alone ${figure(floors).median.toFixed(0)} ms`);
    rows.push({ what: `populate, N=${PEOPLE.toLocaleString('en-US')} (3 attributes, a conditional table, teams of 8), the whole process`, storage: storage.name, figure: { ms: written }, target: atMostMs(written, 10_000, '≤ 10 s'), floor: figure(floors) });
    rows.push({ what: `its first validate, no parse cache, N=${PEOPLE.toLocaleString('en-US')}`, storage: storage.name, figure: { ms: checked } });
  }
  return rows;
}
