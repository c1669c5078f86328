/*
 * How lemming writes numbers and run outcomes for people: the one format of the CLI, the terminal
 * UI and the dashboard's page. Imports only its neighbour mail-outcomes.ts (served beside it) and
 * touches no Node or DOM API: the browser app loads this very module (served as /format/format.js),
 * so the page and the terminal cannot part; below the UI, so the tools that tell an agent a count use it too.
 */
import { CAUSE_WORDS, type RefusalCause } from './mail-outcomes.js';

/**
 * Credits for people: four decimals below 10, two above; never exponent notation. An amount those
 * four decimals would show as nothing (a top-up of a billionth, a balance nearly spent) is shown
 * to its billionths, the ledger's unit: `0.000000001`, not `0.0000`.
 */
export function showCredits(credits: number): string {
  const rounded = Math.abs(credits) < 10 ? credits.toFixed(4) : credits.toFixed(2);
  if (Number(rounded) !== 0) return rounded;
  const billionths = credits.toFixed(9).replace(/0+$/, '');
  return Number(billionths) === 0 ? '0.0000' : billionths;
}

/**
 * An amount as it was given, in full and in plain decimals, never exponent notation: what a refusal
 * says it got (`0.0000000001`, where JavaScript writes `1e-10`), digit for digit, since a rounded
 * one (showCredits) could hide the very decimals it was refused for.
 */
export function showGiven(amount: number): string {
  // JSON and YAML read 1e309 and up as Infinity: said plainly, since the person never wrote "Infinity".
  if (amount === Infinity || amount === -Infinity) return `${amount < 0 ? '-' : ''}Infinity: a number past the largest there is (about 1.8e308) is read as Infinity`;
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(String(amount));
  if (!match) return String(amount);
  const [, sign = '', head = '', tail = '', exponentText = '0'] = match;
  const exponent = Number(exponentText);
  const digits = head + tail;
  // JavaScript writes exponents only below 1e-6 and from 1e21, where the digits never reach the point.
  return exponent < 0 ? `${sign}0.${'0'.repeat(-exponent - 1)}${digits}` : `${sign}${digits.padEnd(exponent + 1, '0')}`;
}

/**
 * A count with thousands separators (`12,345`), the same whatever the locale. Written out
 * rather than `toLocaleString`, whose first call loads ICU's locale data: 20-30 ms of CPU that
 * every `run-once` paid to print its summary, and every run to tell an agent its command's output.
 */
export function formatCount(count: number): string {
  // en-US shows at most three decimals.
  const [whole = '', fraction] = String(Number.isInteger(count) ? count : Math.round(count * 1000) / 1000).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** A size on disk for people: `812 bytes`, `14.2 KB`, `3.1 MB`, `1.20 GB` (powers of 1,024). */
export function showSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** Input tokens with the cached part, when there is one: `2,400 in (1,800 cached, 400 written to the cache)`. */
export function formatInputTokens(usage: { inputTokens: number; cachedInputTokens?: number; cacheWriteTokens?: number }): string {
  const parts: string[] = [];
  if (usage.cachedInputTokens) parts.push(`${formatCount(usage.cachedInputTokens)} cached`);
  if (usage.cacheWriteTokens) parts.push(`${formatCount(usage.cacheWriteTokens)} written to the cache`);
  return `${formatCount(usage.inputTokens)} in${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/** `1 turn`, `2 turns`: the formatted count with the singular or plural noun. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** A lemming command line as a person can type it, from its words after `lemming` (`inbox`, `approve 000002-hr-002`); src/cli/command-hint.ts writes them. */
export type CommandHint = (words: string) => string;

const FINISH_REASONS = {
  idle: 'the org is idle: no agent has mail to act on',
  'turn-cap': 'reached the turn cap',
  stopped: 'stopped; the next `lemming run` picks up where this one left off',
  'models-failing': 'nothing left to do but mail for agents whose models keep failing',
  held: 'nothing left to do but mail for agents a limit holds',
} as const;

/**
 * How a run ended, in words; an idle org whose waiting mail belongs to agents out of credits says so,
 * and one whose mail waits for the person (`forYou`: unread messages to the human) says how much;
 * `hint` writes the commands it suggests.
 */
export function finishReason(
  finished: {
    reason: keyof typeof FINISH_REASONS;
    /** With `held`: the limits that hold the agents whose mail waits (RefusalCause names). */
    heldBy?: readonly RefusalCause[];
    stranded?: readonly string[];
    failing?: readonly string[];
    /** With `turn-cap`: the limit the run stopped at (see RunCap in engine/events.ts). */
    cap?: { by: 'max_turns' | 'turns'; turns: number } | { by: 'until'; turn: number };
    /** With `turn-cap`: the agents with unread mail. */
    waiting?: readonly string[];
    lastTurn?: number;
  },
  forYou: number,
  hint: CommandHint,
): string {
  if (finished.reason === 'turn-cap' && finished.cap !== undefined) return capReason(finished.cap, finished, hint);
  if (finished.reason === 'idle' && forYou > 0 && (finished.stranded?.length ?? 0) === 0) {
    return `the org is idle — ${forYou === 1 ? '1 message waits' : `${formatCount(forYou)} messages wait`} for you (\`${hint('inbox')}\`)`;
  }
  if (finished.reason === 'models-failing') return `${FINISH_REASONS['models-failing']}: ${finished.failing?.join(', ') ?? ''} (\`${hint('retry <agent>')}\`)`;
  if (finished.reason === 'held') return `${FINISH_REASONS.held}: ${(finished.heldBy ?? []).map((cause) => CAUSE_WORDS[cause]).join(', ')}`;
  if (finished.reason === 'turn-cap' && (finished.failing?.length ?? 0) > 0) {
    return `${FINISH_REASONS['turn-cap']}; mail waits for agents whose models keep failing: ${finished.failing?.join(', ') ?? ''} (\`${hint('retry <agent>')}\`)`;
  }
  return FINISH_REASONS[finished.reason];
}

/**
 * Which limit stopped a run, and what waits: the turns asked for (`--turns`, `run-once`) are not a
 * cap reached; org.yaml's `engine.max_turns` is, and says where it is set; `--until` names its turn.
 */
function capReason(
  cap: { by: 'max_turns' | 'turns'; turns: number } | { by: 'until'; turn: number },
  finished: { failing?: readonly string[]; waiting?: readonly string[]; lastTurn?: number },
  hint: CommandHint,
): string {
  const limit =
    cap.by === 'until'
      ? finished.lastTurn !== undefined && finished.lastTurn > cap.turn
        ? `turn ${formatCount(cap.turn)} was reached already (--until ${cap.turn})`
        : `reached turn ${formatCount(cap.turn)} (--until ${cap.turn})`
      : cap.by === 'turns'
        ? `ran the ${cap.turns === 1 ? 'one turn' : plural(cap.turns, 'turn')} asked for`
        : `reached the turn cap (org.yaml engine.max_turns: ${formatCount(cap.turns)})`;
  if ((finished.failing?.length ?? 0) > 0) return `${limit}; mail waits for agents whose models keep failing: ${finished.failing?.join(', ') ?? ''} (\`${hint('retry <agent>')}\`)`;
  const waiting = finished.waiting ?? [];
  if (waiting.length === 0) return `${limit}; no agent has mail waiting`;
  const names = waiting.length <= 5 ? waiting.join(', ') : `${waiting.slice(0, 5).join(', ')} and ${formatCount(waiting.length - 5)} more`;
  return `${limit}; mail waits for ${names} (\`${hint('run')}\` goes on)`;
}

/** A command's exit and output sizes in a few words: `exit 0, stdout 1,204 B, stderr 0 B`. Pure. */
export function formatCommand(command: { exit: number | null; signal?: string; stdoutBytes: number; stderrBytes: number; stoppedBy?: string }): string {
  const ended = command.stoppedBy !== undefined ? `stopped (${command.stoppedBy} limit)` : command.exit !== null && command.signal === undefined ? `exit ${command.exit}` : `ended by ${command.signal ?? 'a signal'}`;
  return `${ended}, stdout ${formatCount(command.stdoutBytes)} B, stderr ${formatCount(command.stderrBytes)} B`;
}

/** A step's tools in one line: `read_file {"path":"a.md"} → 120 chars; run_command … → exit 0, stdout 12 B, stderr 0 B`. Pure. */
export function formatStepTools(
  tools: ReadonlyArray<{ name: string; args: string; size?: number; error?: string; proposal?: string; command?: Parameters<typeof formatCommand>[0] }>,
): string {
  if (tools.length === 0) return 'answered';
  return tools
    .map((tool) => {
      const outcome = tool.command
        ? formatCommand(tool.command)
        : tool.error !== undefined
          ? `error: ${tool.error.split('\n')[0]}`
          : tool.proposal
            ? `proposal ${tool.proposal}`
            : `${tool.size ?? 0} chars`;
      return `${tool.name} ${tool.args} → ${outcome}`;
    })
    .join('; ');
}

/** A ceiling of org.yaml `budget:` as people are told of it: `the org` or `planner's department`. */
function ceilingWho(department: string | undefined): string {
  return department === undefined ? 'the org' : `${department}'s department`;
}

/**
 * A ceiling's warning in one sentence: `the org has spent 88 % of its budget, past its 80 % warning: 0.0018
 * of 0.0020 credits` (the share really spent, then the highest warning passed when the two differ: one
 * turn may pass several), or `the org has reached its budget: 0.0125 of 0.0100 credits (125 %)`. The
 * run's lines, the screen, the notifier and the human's notice all say it so.
 */
export function budgetWarningSentence(warning: { department?: string; share: number; spent: number; ceiling: number }): string {
  const amounts = `${showCredits(warning.spent)} of ${showCredits(warning.ceiling)} credits`;
  const spent = Math.round((warning.spent / warning.ceiling) * 100);
  if (warning.share >= 1) return `${ceilingWho(warning.department)} has reached its budget: ${amounts} (${spent} %)`;
  const passed = Math.round(warning.share * 100);
  return `${ceilingWho(warning.department)} has spent ${spent} % of its budget${spent === passed ? '' : `, past its ${passed} % warning`}: ${amounts}`;
}

/** A share of a budget passed (the `budget-warning` event): the run's lines, the screen, the notifier's title. */
export function budgetWarningText(warning: { department?: string; share: number; spent: number; ceiling: number }): string {
  const said = budgetWarningSentence(warning);
  return warning.share >= 1 ? `${said}; no new model calls start under it until org.yaml raises it` : said;
}

/** A ceiling's line in `lemming status` and on the dashboard's Run page: spent, ceiling, share, and what it means. */
export function budgetStatusLine(ceiling: { department?: string; spent: number; ceiling: number; share: number; state: 'ok' | 'warned' | 'stopped' }): string {
  const field = ceiling.department === undefined ? 'budget.credits' : `budget.departments.${ceiling.department}.credits`;
  const state =
    ceiling.state === 'stopped'
      ? `reached: no new model calls start${ceiling.department === undefined ? '' : ' in it'}; raise ${field} in org/org.yaml to go on`
      : ceiling.state === 'warned'
        ? 'past a warning'
        : 'under its warnings';
  return `budget of ${ceilingWho(ceiling.department)}: ${showCredits(ceiling.spent)} of ${showCredits(ceiling.ceiling)} credits spent (${Math.round(ceiling.share * 100)} %), ${state}`;
}

/** Names or places in a sentence: `a`, `a and b`, `a, b and c`. */
export function andList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
