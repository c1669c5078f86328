import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cli, repo, type BenchContext } from '../context.js';
import type { Row } from '../row.js';
import { figure } from '../stats.js';

/** The sizes of lemming issue 62's "Done when": 1,000 and 10,000 agents (1,000 only with --quick). */
const SIZES = [1_000, 10_000];
/** A command still running after this long is stopped: its row says so instead of a time. */
const LIMIT_MS = 10 * 60_000;
/** At 10,000 a command is run once when its first run took longer than this, else twice. */
const LONG_MS = 60_000;
const GSS = join(repo, 'data', 'gss-2018');
const QUESTION = 'Are you satisfied with your education?';

/** data/gss-2018/people.yaml (the worked example's panel) with its size set to `size`. */
function panelSpec(size: number): string {
  const spec = readFileSync(join(GSS, 'people.yaml'), 'utf8');
  if (!/^size: \d+$/m.test(spec)) throw new Error(`${join(GSS, 'people.yaml')}: no "size: N" line to scale`);
  return spec.replace(/^size: \d+$/m, `size: ${size}`);
}

/**
 * The persona study a researcher runs on the panel (docs/people.md, "Do the personas hold?"): one
 * run of 3 turns, a task to every lead, the same question asked after turn 1 and at the end
 * (self-consistency, every agent twice), each message a persona writes judged by the offline judge
 * (adherence and drift).
 */
function personaStudy(leads: readonly string[]): string {
  const messages = leads.map((lead) => `  - to: ${lead}\n    subject: A question for your team\n    body: Please ask your team whether they are satisfied with their education, and report back.\n`);
  return [
    'name: personas',
    'turns: 3',
    'repeats: 1',
    'seed: 7',
    'variability: 0.5',
    'messages:',
    ...messages.map((message) => message.trimEnd()),
    'survey:',
    `  - { question: "${QUESTION}", choices: ["yes", "no"], after_turn: 1 }`,
    `  - { question: "${QUESTION}", choices: ["yes", "no"] }`,
    'personas:',
    '  judge: offline',
    'variants:',
    '  - name: baseline',
    '',
  ].join('\n');
}

/** The panel's leads: those the human may write to, as populate wrote the chart (teams of about 20). */
function leadsOf(root: string): string[] {
  const chart = parse(readFileSync(join(root, 'org', 'chart.yaml'), 'utf8')) as { agents: Record<string, { send_to?: string[] }> };
  const leads = chart.agents.human?.send_to ?? [];
  if (leads.length === 0) throw new Error(`${join(root, 'org', 'chart.yaml')}: the human may write to nobody; the persona study needs its leads`);
  return leads;
}

/** One whole process's wall time, its JSON output, or that it was stopped at LIMIT_MS. */
interface Timed {
  ms: number;
  output?: unknown;
  stopped?: true;
}

/**
 * Run `lemming ARGS` as a whole process, its output to a file (a JSON of some megabytes at 10,000
 * agents), its process group killed at LIMIT_MS: `experiment` runs each run in a child process.
 */
function timed(args: string[], folder: string): Promise<Timed> {
  const outFile = join(folder, 'out.json');
  const errFile = join(folder, 'err.txt');
  const out = openSync(outFile, 'w');
  const err = openSync(errFile, 'w');
  const start = performance.now();
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', out, err], detached: true });
  let stopped = false;
  const timer = setTimeout(() => {
    stopped = true;
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, LIMIT_MS);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - start;
      clearTimeout(timer);
      closeSync(out);
      closeSync(err);
      if (stopped) return resolve({ ms, stopped: true });
      if (code !== 0) return reject(new Error(`lemming ${args.join(' ')} exited with ${code}: ${readFileSync(errFile, 'utf8').slice(-600)}`));
      resolve({ ms, output: JSON.parse(readFileSync(outFile, 'utf8')) as unknown });
    });
  });
}

/** One command of the study, as a researcher types it on the panel at `root`. */
interface StudyCommand {
  /** The command line in words, for the row. */
  name: string;
  args(root: string, folder: string, size: number): string[];
  /** The calls it made, from its --json output, and what they were per. */
  calls(output: unknown, size: number): { calls: number; per: string };
  /** Made before each run, untimed: what would make a second run differ from the first. */
  before?(root: string): void;
}

interface RunMetricsShape {
  calls: number;
  survey?: { answers: unknown[] }[];
  personas?: { adherence?: { judged: unknown[]; written: number } };
}

const COMMANDS: StudyCommand[] = [
  {
    name: 'calibrate data/gss-2018/reference.yaml (3 questions to every agent, by group)',
    args: (root) => ['calibrate', join(GSS, 'reference.yaml'), '--root', root, '--json'],
    calls: (output, size) => ({ calls: (output as { calls: number }).calls, per: `${((output as { calls: number }).calls / size).toFixed(0)} an agent` }),
  },
  {
    name: 'calibrate data/gss-2018/respondents.yaml --people N (people one by one)',
    args: (root, _folder, size) => ['calibrate', join(GSS, 'respondents.yaml'), '--root', root, '--people', String(size), '--json'],
    calls: (output) => {
      const { calls, people, eligible } = output as { calls: number; people: number; eligible: number };
      return { calls, per: `${people.toLocaleString('en-US')} people drawn of ${eligible.toLocaleString('en-US')}, ${(calls / people).toFixed(0)} a person` };
    },
  },
  {
    name: `ask --all "${QUESTION}" --choices yes,no`,
    args: (root) => ['ask', '--all', QUESTION, '--choices', 'yes,no', '--json', '--root', root],
    calls: (output, size) => {
      const answers = (output as { answers: unknown[] }).answers.length;
      return { calls: answers, per: `${(answers / size).toFixed(0)} an agent` };
    },
  },
  {
    name: 'experiment personas.yaml (1 run of at most 3 turns, a task to each lead, the question asked twice, the offline judge)',
    args: (root, folder) => ['experiment', join(folder, 'personas.yaml'), '--root', root, '--json', '--plain'],
    // A second run of the same experiment would resume it and run nothing: each run starts afresh.
    before: (root) => rmSync(join(root, 'experiments', 'personas'), { recursive: true, force: true }),
    calls: (output, size) => {
      const runs = (output as { runs: RunMetricsShape[] }).runs;
      const engine = runs.reduce((sum, run) => sum + run.calls, 0);
      const survey = runs.reduce((sum, run) => sum + (run.survey ?? []).reduce((each, round) => each + round.answers.length, 0), 0);
      const judged = runs.reduce((sum, run) => sum + (run.personas?.adherence?.judged.length ?? 0), 0);
      return { calls: engine + survey + judged, per: `${engine.toLocaleString('en-US')} the agents' own, ${survey.toLocaleString('en-US')} survey answers, ${judged.toLocaleString('en-US')} judged messages; ${((engine + survey + judged) / size).toFixed(1)} an agent` };
    },
  },
];

/**
 * The study commands of lemming issue 62 at 1,000 and 10,000 agents, each the whole process of the
 * built CLI on the offline model, on the first storage: a panel populated from
 * data/gss-2018/people.yaml scaled to the size, then `calibrate` by group, `calibrate --people`,
 * `ask --all` with choices and the persona study (`experiment`), 2 runs each at 1,000 and at 10,000
 * unless the first took over a minute; a run still going after 10 minutes is stopped and said so.
 */
export async function validationCommands(context: BenchContext): Promise<Row[]> {
  const storage = context.storages[0];
  if (storage === undefined) return [];
  const rows: Row[] = [];
  for (const size of context.quick ? SIZES.slice(0, 1) : SIZES) {
    const n = size.toLocaleString('en-US');
    const folder = join(storage.directory, `validation-${size}`);
    const root = join(folder, 'panel');
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'people.yaml'), panelSpec(size));
    const populated = await timed(['populate', join(folder, 'people.yaml'), '--root', root, '--json'], folder);
    writeFileSync(join(folder, 'personas.yaml'), personaStudy(leadsOf(root)));
    context.log(`  ${storage.name}, ${n} agents: populate ${(populated.ms / 1000).toFixed(1)} s`);
    rows.push({ what: `populate data/gss-2018/people.yaml at size ${n} (the panel the commands below ask; once)`, storage: storage.name, figure: { ms: figure([populated.ms]) } });
    for (const command of COMMANDS) {
      const times: number[] = [];
      let made: { calls: number; per: string } | undefined;
      let stopped = false;
      for (let run = 0; run < 2; run += 1) {
        command.before?.(root);
        const result = await timed(command.args(root, folder, size), folder);
        times.push(result.ms);
        if (result.stopped) {
          stopped = true;
          break;
        }
        made = command.calls(result.output, size);
        // Past 1,000 agents a run of over a minute is measured once: the machine is shared.
        if (size > 1_000 && result.ms > LONG_MS) break;
      }
      const time = figure(times);
      const calls = made ? `${made.calls.toLocaleString('en-US')} calls (${made.per})` : 'calls unknown';
      const what = stopped
        ? `${command.name} at ${n} agents: stopped after ${(LIMIT_MS / 60_000).toFixed(0)} min, not finished`
        : `${command.name} at ${n} agents, the whole process: ${calls}`;
      context.log(`  ${storage.name}, ${n} agents: ${command.name.split(' (')[0]}: ${stopped ? 'stopped at the limit' : `${(time.median / 1000).toFixed(1)} s, ${calls}`}`);
      rows.push({ what, storage: storage.name, figure: { ms: time } });
    }
    rmSync(folder, { recursive: true, force: true });
  }
  return rows;
}
