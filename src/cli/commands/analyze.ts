import { analyzeOrg } from '../../analysis/analyze-org.js';
import { renderAnalysis } from '../../analysis/render-analysis.js';
import { analysisTables } from '../../analysis/analysis-tables.js';
import { fromWorkingFolder } from '../../invocation.js';
import { compareRunsWithReference } from '../../reference/compare-runs.js';
import { referenceTables } from '../../reference/reference-tables.js';
import { renderReference } from '../../reference/render-reference.js';
import { writeTables } from '../../tables/write-tables.js';
import { terminalText } from '../../terminal-text/terminal-text.js';
import type { Output } from '../cli-context.js';
import { orgForReading } from '../org-for-reading.js';

/** The flags of `lemming analyze`. */
export interface AnalyzeFlags {
  json?: boolean;
  /** `--csv DIR`: the report's tables as CSV, with their dictionary. */
  csv?: string;
  /** A real network's edge list to compare the run's (or each run's) network with. */
  reference?: string;
  /** The real network's departments. */
  labels?: string;
  /** An experiment's folder: each run in it is a repeat. */
  runs?: string;
  /** With `runs`: the variant whose repeats are compared. */
  variant?: string;
  /** The institution's timestamped email, and the days of it a run stands for. */
  windows?: string;
  windowDays?: number;
}

/**
 * `lemming analyze`: the org's network measured from its files (load per agent, messages per
 * edge, each request's path to its answer, bottlenecks, unanswered requests, failure patterns and
 * the MAST modes they are instances of). With `--reference EDGES`, the run's communication network
 * (or, with `--runs DIR`, each repeat's) compared with a real one instead (docs/validation.md).
 * Reads only; exit 0 whatever it finds, so a script reads the findings from `--json`.
 */
export function analyzeCommand(root: string, options: AnalyzeFlags, output: Output): number {
  if (options.reference !== undefined) return referenceCommand(root, { ...options, reference: options.reference }, output);
  const { org } = orgForReading(root, output);
  const analysis = analyzeOrg(root, org);
  if (options.csv !== undefined) writeTables(fromWorkingFolder(options.csv), analysisTables(analysis), (line) => output.err(line));
  if (options.json) {
    output.out(JSON.stringify(analysis, null, 2));
    return 0;
  }
  // Subjects and bodies are anyone's text: the one printer for terminals escapes their control characters.
  output.out(terminalText(renderAnalysis(analysis).trimEnd()));
  return 0;
}

function referenceCommand(root: string, options: AnalyzeFlags & { reference: string }, output: Output): number {
  const { reference, labels, runs, variant, windows, windowDays } = options;
  const comparison = compareRunsWithReference(root, {
    reference,
    ...(labels === undefined ? {} : { labels }),
    ...(runs === undefined ? {} : { runs }),
    ...(variant === undefined ? {} : { variant }),
    ...(windows === undefined ? {} : { windows }),
    ...(windowDays === undefined ? {} : { windowDays }),
  });
  if (options.csv !== undefined) writeTables(fromWorkingFolder(options.csv), referenceTables(comparison), (line) => output.err(line));
  output.out(options.json ? JSON.stringify(comparison, null, 2) : terminalText(renderReference(comparison).trimEnd()));
  return 0;
}

