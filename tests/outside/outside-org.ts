import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, resume, tempDir, write } from '../helpers/org-files.js';

/** The scripted agent program (tests/fixtures/agents/scripted-agent.mjs). */
export const SCRIPTED_AGENT = join(REPO_ROOT, 'tests', 'fixtures', 'agents', 'scripted-agent.mjs');

/** One step of the scripted agent, as its script lists it (see the fixture's header). */
export type AgentStep =
  | { say: string; started?: true }
  | { json: unknown }
  | { exit: number; stderr?: string; stdout?: string }
  | { hang: true; started?: true }
  | { garbage: true }
  | { flood: number };

/** One call the scripted agent received: who, where, and its stdin. */
export interface AgentCallSeen {
  agent: string;
  turn: number;
  step: number;
  pid: number;
  cwd: string;
  stdin: string;
}

/** A small org whose manager is an outside agent, and the scripted program's files. */
export interface OutsideOrg {
  root: string;
  /** The scripted agent's script: what each agent does, call after call. */
  script: string;
  /** Set what each agent does from now on (the calls made so far still count: it goes on where it was). */
  plan(steps: Record<string, AgentStep[]>): void;
  /** Every call the program has received so far. */
  calls(): AgentCallSeen[];
  /** The pid of the child a `hang` step started, once it has. */
  childPid(): number | undefined;
}

/** A registry entry in YAML, one field a line, under `models:`. */
export function entryYaml(key: string, fields: Record<string, unknown>): string {
  return [`  ${key}:`, ...Object.entries(fields).map(([field, value]) => `    ${field}: ${JSON.stringify(value)}`)].join('\n');
}

/**
 * human <-> manager, the manager on the registry entry `agent` (fields given; prices 1 and 2 per
 * million tokens and 0.01 a call unless overridden), with `offline` beside it for fallbacks.
 */
export function outsideOrg(agentEntry: Record<string, unknown>, options: { engine?: string; managerModel?: string; tools?: string; root?: string; credits?: number } = {}): OutsideOrg {
  const root = options.root ?? tempDir('lemming-outside-');
  const script = join(tempDir('lemming-agent-script-'), 'script.json');
  writeFileSync(script, '{}');
  const entry: Record<string, unknown> = { input_price: 1, output_price: 2, price_per_call: 0.01, context_window: 32000, ...agentEntry };
  if (entry.provider === 'command' && entry.command === undefined) Object.assign(entry, { command: process.execPath, args: [SCRIPTED_AGENT, script] });
  write(
    root,
    'org/org.yaml',
    [
      'name: outside',
      `engine: { max_turns: 10${options.engine ? `, ${options.engine}` : ''} }`,
      'models:',
      entryYaml('agent', entry),
      '  offline: { provider: offline, model: offline-1, input_price: 1, output_price: 2, context_window: 32000 }',
      '',
    ].join('\n'),
  );
  write(
    root,
    'org/chart.yaml',
    ['agents:', '  human: { reports_to: null, send_to: [manager], read_from: ["*"] }', '  manager: { reports_to: human, send_to: [human], read_from: ["*"] }', ''].join('\n'),
  );
  write(root, 'agents/human/resume.md', resume({ title: 'The person', model: 'human' }, 'You.'));
  write(
    root,
    'agents/manager/resume.md',
    resume({ title: 'Manager', model: options.managerModel ?? 'agent', credits: String(options.credits ?? 1), tools: options.tools ?? '[send_message, remember, write_file, read_file]' }, 'Answer the human.'),
  );
  return {
    root,
    script,
    plan: (steps) => writeFileSync(script, JSON.stringify(steps)),
    calls: () => {
      const file = `${script}.calls.jsonl`;
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AgentCallSeen);
    },
    childPid: () => (existsSync(`${script}.child-pid`) ? Number(readFileSync(`${script}.child-pid`, 'utf8')) : undefined),
  };
}

/** A send_message block of the plain-text reply format. */
export function sendBlock(to: string, body: string, subject?: string): string {
  return [`=== send_message`, `to: ${to}`, ...(subject ? [`subject: ${subject}`] : []), 'body:', body, '=== end', ''].join('\n');
}

/** Whether a process is still running: it exists and is not a zombie waiting to be reaped (Linux's /proc). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Whether `parent` has started its watchdog (src/process-tether.ts): a child whose command line names lemming-watchdog.
 * The watchdog is started, and told the pid, in the same tick as the first tether; a test that kills
 * `parent` before that tick (a busy machine can run the tethered child's first lines first) tests nothing.
 */
export function hasWatchdog(parent: number): boolean {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== parent) continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('lemming-watchdog')) return true;
    } catch {
      // Gone meanwhile.
    }
  }
  return false;
}

/** Wait until `ready()` holds, looking every 50 ms, at most `tries` times (a minute: a busy machine is slow to end a process); false if it never did. */
export async function eventually(ready: () => boolean, tries = 1200): Promise<boolean> {
  for (let attempt = 0; attempt < tries; attempt += 1) {
    if (ready()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return ready();
}

/** The ledger's charge lines. */
export function chargeLines(root: string): Array<{ turn: number; agent: string; model: string; input_tokens: number; output_tokens: number; credits: number; estimated?: boolean }> {
  const file = join(root, 'org', 'state', 'ledger.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { type: string } & ReturnType<typeof chargeLines>[number])
    .filter((entry) => entry.type === 'charge');
}
