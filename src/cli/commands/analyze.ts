import { analyzeOrg } from '../../analysis/analyze-org.js';
import { renderAnalysis } from '../../analysis/render-analysis.js';
import { compareWithReference, NULL_DRAWS, type WindowsSummary } from '../../reference/compare-reference.js';
import { realNetwork, runFolders, runNetwork } from '../../reference/read-networks.js';
import { renderReference } from '../../reference/render-reference.js';
import { randomWindows, readTimedEdges, spanDays } from '../../reference/timed-edges.js';
import { seedOf } from '../../statistics/seeds.js';
import { terminalText } from '../../terminal-text/terminal-text.js';
import type { Output } from '../cli-context.js';
import { orgForReading } from '../org-for-reading.js';

/** The flags of `lemming analyze`. */
export interface AnalyzeFlags {
  json?: boolean;
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
  if (options.json) {
    output.out(JSON.stringify(analysis, null, 2));
    return 0;
  }
  // Subjects and bodies are anyone's text: the one printer for terminals escapes their control characters.
  output.out(terminalText(renderAnalysis(analysis).trimEnd()));
  return 0;
}

function referenceCommand(root: string, options: AnalyzeFlags & { reference: string }, output: Output): number {
  const reference = realNetwork(options.reference, options.labels);
  const folders = options.runs === undefined ? [root] : runFolders(options.runs, options.variant);
  const comparison = compareWithReference(reference, folders.map(runNetwork), options.windows === undefined || options.windowDays === undefined ? undefined : emailWindows(options.windows, options.windowDays));
  output.out(options.json ? JSON.stringify(comparison, null, 2) : terminalText(renderReference(comparison).trimEnd()));
  return 0;
}

/** NULL_DRAWS seeded windows of `days` of the timestamped email in `file`. */
function emailWindows(file: string, days: number): { summary: WindowsSummary; networks: ReturnType<typeof randomWindows> } {
  const edges = readTimedEdges(file);
  const networks = randomWindows(edges, days, NULL_DRAWS, seedOf(`windows ${days}`));
  return { summary: { file, days, spanDays: spanDays(edges), people: edges.people.length, emails: edges.emails.length, count: networks.length }, networks };
}
