import { mkdirSync } from 'node:fs';
import { EXIT, LemmingError } from '../../errors.js';
import { nameRecord } from '../../org/names.js';
import { appendText } from '../../storage/write-bytes.js';
import { cutTornTail } from '../../storage/whole-records.js';
import { crashPoint, writeWithCrashPoint } from '../record/crash-points.js';
import { lockHolder } from '../record/lock.js';
import { forgetAtNextCommand } from '../../invocation.js';
import { statePaths } from '../record/state-paths.js';
import type { PricedTokens } from './charge.js';
import { addCredits } from './credit-sum.js';
import { changedPiece, LEDGER_RULE, ledgerFileName, readLedgerLine, uncountableLine, unwritableLine } from '../../org/ledger-line.js';
import { continuedCrc, editedInPlace, NO_BYTES_CRC } from './counted-prefix.js';
import type { AgentTotals, ChargeLine, LedgerEntry, LedgerSnapshot } from './ledger-entries.js';
import { ChangedPieceError, linesBefore, moveWhenFull, readRecordFrom, RECORD_PIECE_BYTES, recordEnd, recordLines, type RecordPart } from '../../storage/record-pieces.js';

export type { AgentTotals, ChargeLine, LedgerEntry, LedgerSnapshot, ModelShare, ResearchLine } from './ledger-entries.js';

type Charge = Extract<LedgerEntry, { type: 'charge' }>;

/**
 * A call's tokens as a charge line holds them: the cache counts only when not zero, so a ledger without
 * caching reads as it always did; the answers only when more than one were made of a model priced per
 * call (`perCall`), so the line can be priced again from what it says.
 */
export function chargeTokens(usage: PricedTokens, perCall = false): Pick<Charge, 'input_tokens' | 'output_tokens' | 'cached_input_tokens' | 'cache_write_tokens' | 'calls'> {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    ...(usage.cachedInputTokens ? { cached_input_tokens: usage.cachedInputTokens } : {}),
    ...(usage.cacheWriteTokens ? { cache_write_tokens: usage.cacheWriteTokens } : {}),
    ...(perCall && (usage.calls ?? 1) > 1 ? { calls: usage.calls } : {}),
  };
}

/** The tokens a charge line was priced by: the inverse of `chargeTokens`. */
export function chargedTokens(charge: Pick<Charge, 'input_tokens' | 'output_tokens' | 'cached_input_tokens' | 'cache_write_tokens' | 'calls'>): PricedTokens {
  return {
    inputTokens: charge.input_tokens,
    outputTokens: charge.output_tokens,
    ...(charge.cached_input_tokens ? { cachedInputTokens: charge.cached_input_tokens } : {}),
    ...(charge.cache_write_tokens ? { cacheWriteTokens: charge.cache_write_tokens } : {}),
    ...(charge.calls ? { calls: charge.calls } : {}),
  };
}

/** The snapshot before any ledger line has been read: offset 0, no totals. */
export function emptySnapshot(): LedgerSnapshot {
  return { offset: 0, totals: nameRecord(), lastCharged: nameRecord(), rule: LEDGER_RULE, crc: NO_BYTES_CRC };
}

/** Totals for an agent the ledger has no line for yet: all zero. */
export function emptyTotals(): AgentTotals {
  return { spent: 0, toppedUp: 0, inputTokens: 0, outputTokens: 0, calls: 0 };
}

/**
 * Add entries to a snapshot. Pure: the snapshot is never changed, and with no entries the result
 * shares its totals (no copy of every agent's, which status and each turn's look for work would
 * otherwise pay at every call), so neither may be changed in place.
 */
export function addEntries(snapshot: LedgerSnapshot, entries: LedgerEntry[], offset: number): LedgerSnapshot {
  const rule = snapshot.rule === undefined ? {} : { rule: snapshot.rule };
  if (entries.length === 0) return offset === snapshot.offset ? snapshot : { offset, totals: snapshot.totals, lastCharged: snapshot.lastCharged, ...rule };
  // Object.assign and fields copied by name rather than spreads: the same result, and a first
  // turn's cold code spread 1,000 agents' totals in 23 ms against 2 ms this way.
  const totals = Object.assign(nameRecord<AgentTotals>(), snapshot.totals);
  const lastCharged = Object.assign(nameRecord<number>(), snapshot.lastCharged);
  for (const entry of entries) {
    // Paid by the research account: the agent asked holds and spends what it did before.
    if (entry.type === 'research') continue;
    const previous = totals[entry.agent];
    const current: AgentTotals =
      previous === undefined
        ? emptyTotals()
        : { spent: previous.spent, toppedUp: previous.toppedUp, inputTokens: previous.inputTokens, outputTokens: previous.outputTokens, calls: previous.calls };
    if (previous?.cachedInputTokens !== undefined) current.cachedInputTokens = previous.cachedInputTokens;
    if (previous?.cacheWriteTokens !== undefined) current.cacheWriteTokens = previous.cacheWriteTokens;
    if (entry.type === 'charge') {
      current.spent = addCredits(current.spent, entry.credits);
      current.inputTokens += entry.input_tokens;
      current.outputTokens += entry.output_tokens;
      if (entry.cached_input_tokens) current.cachedInputTokens = (current.cachedInputTokens ?? 0) + entry.cached_input_tokens;
      if (entry.cache_write_tokens) current.cacheWriteTokens = (current.cacheWriteTokens ?? 0) + entry.cache_write_tokens;
      current.calls += 1;
      const last = lastCharged[entry.agent];
      if (last === undefined || last < entry.turn) lastCharged[entry.agent] = entry.turn;
    } else {
      // A transfer counts with top-ups: what an agent was given (or gave, when negative) besides its budget.
      current.toppedUp = addCredits(current.toppedUp, entry.credits);
    }
    totals[entry.agent] = current;
  }
  return { offset, totals, lastCharged, ...rule };
}

/** budget + top-ups − charges, rounded to a trillionth of a credit (sums of decimals leave dust). */
export function balanceOf(budget: number, totals: AgentTotals | undefined): number {
  const value = budget + (totals?.toppedUp ?? 0) - (totals?.spent ?? 0);
  const rounded = Math.round(value * 1e12) / 1e12;
  // Past 1e296 the scaling itself overflows to Infinity (a resume may promise 1e300); such a value has no dust to round.
  return Number.isFinite(rounded) ? rounded : value;
}

/**
 * The snapshot with whatever the ledger at `path` gained since it (charges, top-ups, transfers). A snapshot
 * counted by an earlier rule (no `rule`: it skipped the lines it could not count, such as a charge of more
 * tokens than a number holds) is counted again from the ledger's start, once: an org whose balance such a
 * line left wrong is told of the line, not shown the balance.
 */
export function caughtUp(path: string, snapshot: LedgerSnapshot): LedgerSnapshot {
  const from = snapshot.rule === LEDGER_RULE ? snapshot : emptySnapshot();
  let read: ReturnType<typeof readLinesFrom>;
  try {
    read = readLinesFrom(path, from.offset);
  } catch (error) {
    // A line put in before the counted offset moves it into a later line, whose tail is no line: the line put in is named, as `validate` names it.
    if (from.offset === 0 || !(error instanceof LemmingError) || error.code !== 'ledger-line') throw error;
    const first = uncountable(path)[0];
    if (first !== undefined) throw uncountableLine(first.line, first.problem, first.type, first.file);
    // A whole line put in (a copy of a charge): every line counts, but the counted bytes are not the engine's.
    const edited = countedLinesProblem(path, from);
    throw edited === undefined ? error : new LemmingError('ledger-edited', `${ledgerFileName(path)}: ${edited}`, { exitCode: EXIT.record });
  }
  const { entries, end, parts } = read;
  // Shorter than the state counted it: lines the balances hold are gone from it (a cut, a restore of an older copy, an edit).
  if (end < from.offset) throw ledgerCut(path, end, from.offset);
  // A state kept before the checksum: made once from the counted bytes as they are now.
  const crc = continuedCrc(from.crc ?? countedCrc(path, from.offset), parts);
  return { ...addEntries(from, entries, end), crc };
}

/** The CRC-32 of the ledger's first `offset` bytes, all read: what `validate` holds `ledger.crc` to. */
function countedCrc(path: string, offset: number): number {
  const { parts, end } = readLedgerParts(path, 0);
  let crc = NO_BYTES_CRC;
  let left = Math.min(offset, end);
  for (const part of parts) {
    if (left <= 0) break;
    const bytes = part.bytes.subarray(0, left);
    crc = continuedCrc(crc, [{ ...part, bytes }]);
    left -= bytes.length;
  }
  return crc;
}

/**
 * What is wrong with the counted lines of the ledger, held to the checksum the state keeps of them,
 * reading the whole ledger: a line changed in place (the ledger as long as the state counted it).
 * Not made at every start, whose cost would grow with the ledger: `lemming validate` makes it.
 */
export function countedLinesProblem(path: string, snapshot: LedgerSnapshot): string | undefined {
  if (snapshot.crc === undefined || snapshot.rule !== LEDGER_RULE || ledgerEnd(path) < snapshot.offset) return undefined;
  const found = countedCrc(path, snapshot.offset);
  return found === snapshot.crc ? undefined : editedInPlace(ledgerFileName(path), snapshot.offset, snapshot.crc, found);
}

/**
 * The ledger holds fewer bytes than the engine's state had counted when it committed: the balances
 * the state keeps were summed from lines no longer there, so none is shown and no turn runs (every
 * append to the ledger is made before the state's commit, so a crash never leaves it shorter).
 */
function ledgerCut(path: string, size: number, counted: number): LemmingError {
  const file = ledgerFileName(path);
  return new LemmingError(
    'ledger-cut',
    `${file} holds ${size} bytes, but org/state/engine.json says the engine had counted ${counted} (ledger.offset): lines of the ledger ` +
      `the balances were summed from are missing, so lemming shows no balance and runs no turn until it is restored. An org that keeps ` +
      `its history has it as turn N left it: \`lemming show --at N ${file}\`.`,
    { exitCode: EXIT.record },
  );
}

/**
 * Read complete lines appended after `offset`, an offset across the ledger's pieces (storage/record-pieces.ts):
 * the one reader of the ledger, which every balance, total and export is summed by. A last line without its
 * newline is a write cut short by a crash: it is not counted (and `cutTornTail`, storage/whole-records.ts, removes it); a line lemming
 * cannot count (org/ledger-line.ts) stops the reader with an error naming its file and line, so no balance is
 * ever summed without it. Blank lines carry nothing.
 */
export function readLedgerFrom(path: string, offset: number): { entries: LedgerEntry[]; end: number } {
  const { entries, end } = readLinesFrom(path, offset);
  return { entries, end };
}

/** readLedgerFrom with the bytes it read, whose checksum a catch-up continues. */
function readLinesFrom(path: string, offset: number): { entries: LedgerEntry[]; end: number; parts: RecordPart[] } {
  const read = readLedgerParts(path, offset);
  const entries: LedgerEntry[] = [];
  const own = takeAppended(path);
  let next = 0;
  for (const line of recordLines(read.parts)) {
    if (line.text.trim() === '') continue;
    // A line this process appended, as the writer read it back by the same rule: not parsed again.
    if (own !== undefined && next < own.lines.length && line.text === own.lines[next]) {
      entries.push(own.entries[next] as LedgerEntry);
      next += 1;
      continue;
    }
    const { entry, problem } = readLedgerLine(line.text);
    if (problem !== undefined) throw uncountableLine(linesBefore(line.path, line.from) + line.index + 1, problem, (entry as { type?: unknown } | undefined)?.type, ledgerFileName(line.path));
    entries.push(entry as LedgerEntry);
  }
  return { entries, end: read.end, parts: read.parts };
}

/** The ledger's size across its pieces: the offset a reader that has read it all is at. */
export function ledgerEnd(path: string): number {
  return recordEnd(path);
}

/** Every line of the ledger at `path` that lemming cannot count, with its file (as from the org root) and number there (from 1): what `lemming validate` lists. */
export function uncountableLines(path: string): Array<{ file: string; line: number; problem: string }> {
  return uncountable(path).map(({ file, line, problem }) => ({ file, line, problem }));
}

/** uncountableLines, each with the type its line says (its example is shown with it). */
function uncountable(path: string): Array<{ file: string; line: number; problem: string; type: unknown }> {
  const found: Array<{ file: string; line: number; problem: string; type: unknown }> = [];
  for (const line of recordLines(readLedgerParts(path, 0).parts)) {
    if (line.text.trim() === '') continue;
    const { entry, problem } = readLedgerLine(line.text);
    if (problem !== undefined) found.push({ file: ledgerFileName(line.path), line: line.index + 1, problem, type: (entry as { type?: unknown } | undefined)?.type });
  }
  return found;
}

/** The ledger's whole lines from `offset`; a piece changed by hand stops the reader, as a line it cannot count does. */
function readLedgerParts(path: string, offset: number): { parts: RecordPart[]; end: number } {
  try {
    return readRecordFrom(path, offset);
  } catch (error) {
    if (error instanceof ChangedPieceError) throw changedPiece(ledgerFileName(error.path), error.size, error.expected);
    throw error;
  }
}

/**
 * Charge a turn's calls: of `charges`, those of agents the ledger (as `snapshot` read it) has not
 * charged for `turn` yet, in one append, so a turn finished after a crash charges no call twice.
 * Returns how many were appended.
 */
export function appendTurnCharges(path: string, snapshot: Pick<LedgerSnapshot, 'lastCharged'>, turn: number, charges: readonly Extract<LedgerEntry, { type: 'charge' }>[]): number {
  const due = charges.filter((charge) => (snapshot.lastCharged[charge.agent] ?? 0) < turn);
  appendLedger(path, due, turn);
  return due.length;
}

/**
 * Append the lines of credits moved outside a turn (a top-up, a transfer). A line a killed writer
 * tore is cut first by whoever may cut it: the lock's holder (`holdsLock`, as approving a proposal
 * does), or anyone while no live process holds the org (a running engine cut it when it started,
 * and an append must not race its own). `due` is asked after that cut, so it reads the ledger as
 * it will be appended to; what it returns goes in one append. A ledger with a line that cannot be
 * counted gets nothing (see readLedgerFrom).
 */
export function appendOutsideTurn(root: string, holdsLock: boolean, due: () => LedgerEntry[]): void {
  const paths = statePaths(root);
  mkdirSync(paths.directory, { recursive: true });
  if (holdsLock || !lockHolder(root)) cutTornTail(paths.ledger);
  // Nothing is added to a ledger holding a line lemming cannot count: a top-up written there would be
  // written, and then no balance shown. The reader stops at that line, naming it, before anything is.
  readLedgerFrom(paths.ledger, 0);
  appendLedger(paths.ledger, due());
}

/** The turn of a charge line, or undefined for any other line. */
function chargeTurn(line: string): number | undefined {
  const { entry, problem } = readLedgerLine(line);
  return problem === undefined && (entry as LedgerEntry).type === 'charge' ? (entry as ChargeLine).turn : undefined;
}

/**
 * Append entries as JSON lines; nothing is written for none, nor for a batch holding a line no reader could
 * count (org/ledger-line.ts: the error says which). A write the disk fails leaves the ledger as it was
 * (storage/write-bytes.ts); a `mid-ledger` crash point can cut the write short.
 */
function appendLedger(path: string, entries: LedgerEntry[], turn?: number): void {
  appended = undefined;
  if (entries.length === 0) return;
  const lines = entries.map((entry) => JSON.stringify(entry));
  // Each line as a reader will read it back, by the reader's own rule: none is written that would stop it.
  const read: unknown[] = [];
  for (const line of lines) {
    const { entry, problem } = readLedgerLine(line);
    if (problem !== undefined) throw unwritableLine(problem, line);
    read.push(entry);
  }
  const text = lines.map((line) => `${line}\n`).join('');
  // A ledger grown past a piece's size is moved to its next piece first (storage/record-pieces.ts), unless its last line is of
  // this turn's charges (a kill let the first through): a turn's charges are never split between two pieces.
  if (moveWhenFull(path, RECORD_PIECE_BYTES, (last) => turn !== undefined && chargeTurn(last) === turn)) crashPoint('after-piece');
  writeWithCrashPoint('mid-ledger', text, (part) => appendText(path, part));
  appended = { path, lines, entries: read };
}

/**
 * The lines of this process's last append and the entries its check read them as: the next read of
 * that ledger (the turn's catch-up, which must read the file for a top-up made meanwhile) takes a line
 * of the same text as that entry instead of parsing it again (10,000 busy agents: 10,000 parses a
 * turn). The same text read by the same rule (readLedgerLine) gives the same entry; each is handed
 * to one reader only, so no two share an object.
 */
let appended: { path: string; lines: string[]; entries: unknown[] } | undefined;
forgetAtNextCommand(() => {
  appended = undefined;
});

/** The last append's lines and entries, when they were of `path`; taken once. */
function takeAppended(path: string): { lines: string[]; entries: unknown[] } | undefined {
  const own = appended;
  appended = undefined;
  return own?.path === path ? own : undefined;
}
