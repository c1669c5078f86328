import { analyzeOrg, type OrgAnalysis } from '../analysis/analyze-org.js';
import { analysisTables } from '../analysis/analysis-tables.js';
import { fromWorkingFolder } from '../invocation.js';
import { requireOrgRoot } from '../org/must-exist.js';
import type { ReferenceComparison } from '../reference/compare-reference.js';
import { compareRunsWithReference, type ReferenceQuestion } from '../reference/compare-runs.js';
import { referenceTables } from '../reference/reference-tables.js';
import { tablesFolder } from '../tables/tables-folder.js';
import { writeTables } from '../tables/write-tables.js';

/** Where `analyze` and `analyzeReference` also write their tables. */
export interface TablesOption {
  /** Also write the tables as CSV into this folder, with their dictionary. */
  csv?: string;
}

/**
 * The org's network measured from its files, as `lemming analyze --json` prints it: load per agent,
 * messages per chart edge, each request's path to its answer, bottlenecks, unanswered requests and
 * failure patterns. Reads only.
 */
export function analyze(root: string, options: TablesOption = {}): OrgAnalysis {
  const folder = fromWorkingFolder(root);
  requireOrgRoot(folder);
  const csv = options.csv === undefined ? undefined : tablesFolder(options.csv);
  const analysis = analyzeOrg(folder);
  if (csv !== undefined) writeTables(csv, analysisTables(analysis));
  return analysis;
}

/** Options of `analyzeReference`: the real network, and the runs it is compared with. */
export type AnalyzeReferenceOptions = ReferenceQuestion & TablesOption;

/**
 * The run's communication network (the org at `root`, or with `runs` each run of an experiment's
 * folder, a repeat) against a real one (a SNAP edge list): what `lemming analyze --reference EDGES
 * --json` prints. Reads only.
 */
export function analyzeReference(root: string, options: AnalyzeReferenceOptions): ReferenceComparison {
  const { csv: given, ...question } = options;
  const csv = given === undefined ? undefined : tablesFolder(given);
  const comparison = compareRunsWithReference(fromWorkingFolder(root), question);
  if (csv !== undefined) writeTables(csv, referenceTables(comparison));
  return comparison;
}
