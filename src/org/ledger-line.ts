import { EXIT, LemmingError } from '../errors.js';

/** Where the ledger is, as a person finds it from the org root: its latest lines; earlier ones in pieces beside it (LEDGER_PIECES). */
export const LEDGER_FILE = 'org/state/ledger.jsonl';

/** The folder of the ledger's earlier pieces (storage/record-pieces.ts), as from the org root. */
export const LEDGER_PIECES = 'org/state/ledger';

/** A file of the ledger (its own, or a piece's, as an absolute path) as a person finds it from the org root. Pure. */
export function ledgerFileName(path: string): string {
  const slash = path.lastIndexOf('/');
  return path.endsWith('/ledger.jsonl') ? LEDGER_FILE : `${LEDGER_PIECES}/${path.slice(slash + 1)}`;
}

/**
 * The largest amount one ledger line may move: a trillion credits. No line lemming writes comes
 * near it (a top-up or a budget is at most a million, MAX_GIVEN_CREDITS below, and the CLI never took
 * more than 1e9), so the sums of any ledger a disk can hold stay finite: a balance is never
 * Infinity, which JSON would write as null.
 */
export const MAX_LINE_CREDITS = 1e12;

/**
 * The most credits a person gives at once: a million. Credits stand for money spent on models, and
 * an amount past this is a typo or an attack (1e308 twice is Infinity, and JSON writes Infinity as
 * null); two top-ups are the way to more. One top-up (engine/money/top-up.ts), an agent's budget in
 * its resume, a hire's and add-agent's answer to this one number and to givenCreditsProblem.
 */
export const MAX_GIVEN_CREDITS = 1_000_000;

/**
 * Why an amount of credits a person gives cannot be, as a predicate (`must be at most …`), or
 * nothing: a finite number above 0 (or from 0, for a budget: `least: 0`), at most MAX_GIVEN_CREDITS,
 * in whole billionths (what charges are rounded to), so every sum of the ledger is exact and every
 * balance is shown without exponents. `amount` is what the amount is, in the refusal's words. Pure.
 */
export function givenCreditsProblem(credits: unknown, amount: string, least: 0 | 'above 0' = 'above 0'): string | undefined {
  if (typeof credits !== 'number' || !Number.isFinite(credits) || (least === 0 ? credits < 0 : credits <= 0)) return least === 0 ? 'must be a number of 0 or more' : 'must be a number above 0';
  if (credits > MAX_GIVEN_CREDITS) return `must be at most ${MAX_GIVEN_CREDITS} for ${amount}`;
  if (Math.abs(credits * 1e9 - Math.round(credits * 1e9)) > 1e-3) return 'have at most 9 decimals';
  return undefined;
}

/**
 * The most tokens one ledger line holds: past it a number is no longer exact. The usage gate
 * (providers/usage-gate.ts) admits no count above it, so every charge written can be read back.
 */
export const MAX_LINE_TOKENS = Number.MAX_SAFE_INTEGER;

/**
 * The rule's version, kept with the totals counted by it (ledger.ts, LedgerSnapshot): 2 since a line that
 * cannot be counted stops its reader. Totals kept by version 1, which skipped such lines, are counted again.
 */
export const LEDGER_RULE = 2;

/** What a line of each type looks like, shown with a line lemming cannot count. */
const EXAMPLES: Record<string, string> = {
  charge: '{"type":"charge","turn":3,"agent":"coder_01","model":"gpt-4o-mini","input_tokens":812,"output_tokens":144,"credits":0.00021,"at":"2026-11-21T09:14:03.120Z"}',
  research: '{"type":"research","turn":3,"agent":"coder_01","model":"gpt-4o-mini","input_tokens":812,"output_tokens":144,"credits":0.00021,"at":"2026-11-21T09:14:03.120Z","purpose":"ask"}',
  'top-up': '{"type":"top-up","agent":"coder_01","credits":5,"at":"2026-11-21T09:14:03.120Z"}',
  transfer: '{"type":"transfer","agent":"coder_01","credits":-5,"proposal":"hire-000004-manager-1","at":"2026-11-21T09:14:03.120Z"}',
};

/** A value as a line shows it: text quoted, numbers and the rest as JSON would read them. */
function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Whether a value is a count of tokens a ledger line holds: a whole number from 0 to MAX_LINE_TOKENS. What the journal's figures are read back by too (engine/record/journaled-usage.ts). Pure. */
export function isLineTokens(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_LINE_TOKENS;
}

function tokensProblem(line: Record<string, unknown>, field: string, what: string): string | undefined {
  const value = line[field];
  if (isLineTokens(value)) return undefined;
  return `${field} is ${shown(value)}; a ${what} holds a whole number of tokens from 0 to ${MAX_LINE_TOKENS}`;
}

/**
 * The one rule of a ledger line, which the writer and every reader share (ledger.ts): a line lemming
 * writes is a line it counts, and a line it cannot count is said, never skipped. Given the line as
 * JSON reads it back, what is wrong with it, in words that name the field and what it may hold, or
 * undefined for a line that counts. Only what a balance, a total or a turn's record is summed from
 * is looked at. Pure.
 */
export function ledgerLineProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'is not a JSON object';
  const line = value as Record<string, unknown>;
  const type = line.type;
  if (type !== 'charge' && type !== 'research' && type !== 'top-up' && type !== 'transfer') return `type is ${shown(type)}; a line is a "charge", "research", "top-up" or "transfer"`;
  if (typeof line.agent !== 'string' || line.agent === '') return `agent is ${shown(line.agent)}; a ${type} names its agent`;
  const credits = line.credits;
  const finite = typeof credits === 'number' && Number.isFinite(credits);
  if (type === 'transfer') {
    if (!finite || Math.abs(credits) > MAX_LINE_CREDITS) return `credits is ${shown(credits)}; a transfer moves a number of credits from -${MAX_LINE_CREDITS} to ${MAX_LINE_CREDITS}`;
    return undefined;
  }
  if (type === 'top-up') {
    if (!finite || credits <= 0 || credits > MAX_LINE_CREDITS) return `credits is ${shown(credits)}; a top-up holds a number of credits above 0, at most ${MAX_LINE_CREDITS}`;
    return undefined;
  }
  if (!finite || credits < 0 || credits > MAX_LINE_CREDITS) return `credits is ${shown(credits)}; a ${type} holds a number of credits from 0 to ${MAX_LINE_CREDITS}`;
  if (!Number.isSafeInteger(line.turn) || (line.turn as number) < 0) return `turn is ${shown(line.turn)}; a ${type} holds the turn it was made in, a whole number of 0 or more`;
  if (typeof line.model !== 'string') return `model is ${shown(line.model)}; a ${type} names the registry key of its model`;
  for (const field of ['input_tokens', 'output_tokens']) {
    const problem = tokensProblem(line, field, type);
    if (problem) return problem;
  }
  for (const field of ['cached_input_tokens', 'cache_write_tokens']) {
    const problem = line[field] === undefined ? undefined : tokensProblem(line, field, type);
    if (problem) return problem;
  }
  if (line.calls !== undefined && !(Number.isSafeInteger(line.calls) && (line.calls as number) >= 1)) return `calls is ${shown(line.calls)}; a ${type} that sums several answers says how many, a whole number of 1 or more`;
  return undefined;
}

/**
 * A line of the ledger's text as JSON reads it, and what keeps it from counting (ledgerLineProblem):
 * what the writer checks each line it is about to append by, and each reader each line it reads.
 */
export function readLedgerLine(text: string): { entry?: unknown; problem?: string } {
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch {
    return { problem: 'is not a line of JSON' };
  }
  const problem = ledgerLineProblem(entry);
  return problem === undefined ? { entry } : { entry, problem };
}

/**
 * The error that stops whoever reads a ledger with a line it cannot count (line numbers from 1): the
 * engine, `status`, `top-up`, the dashboard. No balance is shown rather than a wrong one; the person
 * is told what a valid line looks like, and how to go on. Exit 4, as for the org's record cut short.
 */
export function uncountableLine(lineNumber: number, problem: string, type: unknown, file = LEDGER_FILE): LemmingError {
  const kind = typeof type === 'string' && Object.hasOwn(EXAMPLES, type) ? type : 'charge';
  return new LemmingError(
    'ledger-line',
    `${file} line ${lineNumber}: ${problem}. lemming cannot count this line, so it shows no balance and runs no turn until the line is mended. ` +
      `A ${kind} line looks like ${EXAMPLES[kind]}. Mend or remove the line by hand (an org that keeps its history has the ledger as turn N left it: ` +
      `\`lemming show --at N ${file}\`), then \`lemming validate\` lists every such line that is left.`,
    { exitCode: EXIT.record },
  );
}

/**
 * The error that refuses to write a line lemming could not count back: lemming's own rule was not kept
 * (a price so large a call costs more than a line holds, or a fault of lemming's). Nothing is written.
 */
export function unwritableLine(problem: string, text: string): LemmingError {
  return new LemmingError(
    'ledger-unwritable',
    `not written to ${LEDGER_FILE}, which could not count it back: ${problem} (${text.slice(0, 300)}). ` +
      'Check the prices of org/org.yaml models (a call may cost at most 1000000000000 credits); otherwise this is a fault of lemming, worth reporting.',
  );
}

/**
 * The error that stops whoever reads a ledger one of whose earlier pieces holds other bytes than the
 * record says (its size against where the next piece starts): a piece is never written again once moved,
 * so a person changed it, and no balance is summed from it. Exit 4, as for a line that cannot be counted.
 */
export function changedPiece(file: string, size: number, expected: number): LemmingError {
  return new LemmingError(
    'ledger-piece',
    `${file} holds ${size} bytes, but the ledger's next piece starts after ${expected}: an earlier piece of the ledger is never written again once moved, ` +
      `so this one was changed by hand, and lemming shows no balance and runs no turn from it. Put it back as it was (an org that keeps its history has it as turn N left it: ` +
      `\`lemming show --at N ${file}\`).`,
    { exitCode: EXIT.record },
  );
}
