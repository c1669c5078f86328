import { errorMessage, type Problem } from '../../errors.js';
import type { Org } from '../../org/org.js';
import { defaultProviderFactory, gatedModels } from '../../providers/create-provider.js';
import { loadState } from './state-store.js';
import { readJournal, type JournalRecord } from './journal.js';
import { admitJournal, JOURNAL_FILE } from './journaled-usage.js';
import { PLANNED_ORG_FILE, snapshotText } from './planned-org.js';
import { statePaths } from './state-paths.js';
import { readRatiosFile } from './token-ratios-file.js';
import { readTakenLines } from './taken-files.js';
import { caughtUp, countedLinesProblem, ledgerEnd, type LedgerSnapshot } from '../money/ledger.js';

/** The engine's record of the turn, as a person finds it from the org root. */
const STATE_FILE = 'org/state/engine.json';
const LEDGER_FILE = 'org/state/ledger.jsonl';

/**
 * What `lemming validate` says of the state lemming reads back at its next run, through the very
 * gates that run passes it through, changing nothing: what the servers taught (token-ratios.json),
 * the engine's record of the turn, the journal of an unfinished turn (every figure through
 * journaled-usage.ts's gate), the org that turn was planned with (its digest, planned-org.ts) and
 * each line of the record of files taken in (taken-files.ts).
 * Each is a warning naming the file (the run goes on without what is not believed, and says the
 * same), but a record no run can start from, an error. The journal's figures are judged by the
 * org's registry: without an org (one that does not load) they are not looked at; a model's are held to
 * the usage gate's floor when `lemming run`'s providers gate its answers (create-provider.ts, gatesUsage), and
 * what a replay, which gates every model's, would say besides is said as such.
 */
export function keptStateProblems(root: string, org: Org | undefined): Problem[] {
  const paths = statePaths(root);
  const problems = readRatiosFile(paths.tokenRatios).problems;
  let next: number;
  let counted: LedgerSnapshot;
  try {
    const state = loadState(paths.state);
    next = state.turn + 1;
    counted = state.ledger;
    // The ledger as long as the state counted it (a line the reader cannot count is said by validate's look at every line).
    if (ledgerEnd(paths.ledger) < state.ledger.offset) caughtUp(paths.ledger, state.ledger);
  } catch (error) {
    // No run starts on it either: said as the run would say it.
    problems.push({ file: STATE_FILE, message: errorMessage(error), severity: 'error' });
    return problems;
  }
  // A line changed in place, the ledger as long as the state counted it: found by reading every counted byte, which no run does.
  const edited = countedLinesProblem(paths.ledger, counted);
  if (edited !== undefined) problems.push({ file: LEDGER_FILE, message: edited, severity: 'error' });
  try {
    readTakenLines(paths.taken);
  } catch (error) {
    // A line of the record of files taken in that no reader can read: no run starts on it either.
    problems.push({ file: 'org/state/taken.jsonl', message: errorMessage(error), severity: 'error' });
  }
  let records: JournalRecord[];
  try {
    records = readJournal(paths.journal);
  } catch (error) {
    // A line damaged in the middle of the journal (or a folder in its place): no run starts on it either.
    problems.push({ file: JOURNAL_FILE, message: errorMessage(error), severity: 'error' });
    return problems;
  }
  const plan = records.find((record): record is Extract<JournalRecord, { type: 'plan' }> => record.type === 'plan' && record.turn === next);
  // A journal of a turn already committed (or cut before its plan) is removed by the next run unread.
  if (plan === undefined || org === undefined) return problems;
  const run = admitJournal(records, org.models, gatedModels(defaultProviderFactory(root), org.models)).said;
  for (const said of run) problems.push({ file: JOURNAL_FILE, message: said, severity: 'warning' });
  // A replay (`run --replay`) gates every model's answers, the offline model's too, and the plan does not record how its turn was run:
  // what a replay finishing the turn would say besides is said as such, so an org `lemming run` takes as journaled is not called valid unsaid.
  const replayed = admitJournal(records, org.models, (modelKey) => Object.hasOwn(org.models, modelKey)).said.filter((said) => !run.includes(said));
  if (replayed.length > 0) {
    problems.push({
      file: JOURNAL_FILE,
      severity: 'warning',
      message: `turn ${next} was judged as \`lemming run\` finishes it (its providers hold only live models' answers to the usage gate's floor, not the offline model's); finished with \`lemming run --replay\`, which holds every model's, it would also say: ${replayed.join('; ')}`,
    });
  }
  const kept = plan.orgSnapshot === undefined ? undefined : snapshotText(paths.plannedOrg, plan.orgSnapshot);
  if (kept !== undefined && typeof kept !== 'string') {
    const why =
      kept.refused === 'changed'
        ? `does not hold the org turn ${next} was planned with: it was changed after lemming wrote it (its text is not the one ${JOURNAL_FILE} names)`
        : `holds no org under the id ${JOURNAL_FILE} names for turn ${next} (it is gone, or another turn's)`;
    problems.push({ file: PLANNED_ORG_FILE, message: `${why}; the next run finishes that turn with the org as it is now`, severity: 'warning' });
  }
  return problems;
}
