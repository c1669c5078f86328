import { compareWithReference, NULL_DRAWS, type ReferenceComparison, type WindowsSummary } from './compare-reference.js';
import { realNetwork, runFolders, runNetwork } from './read-networks.js';
import { randomWindows, readTimedEdges, spanDays } from './timed-edges.js';
import { seedOf } from '../statistics/seeds.js';
import { answeredInOrg, reportProvenance } from '../provenance/report-provenance.js';

/** What a run's (or an experiment's runs') network is compared with, and which runs. */
export interface ReferenceQuestion {
  /** The real network: a SNAP edge list. */
  reference: string;
  /** Its departments, `NODE DEPARTMENT` a line. */
  labels?: string;
  /** An experiment's folder: each run in it is a repeat (else the one org at `root`). */
  runs?: string;
  /** With `runs`: the variant whose repeats are compared. */
  variant?: string;
  /** The institution's timestamped email (`FROM TO SECONDS` a line), for windows of `windowDays` days beside the comparison. */
  windows?: string;
  windowDays?: number;
}

/** `lemming analyze --reference`'s comparison: the org at `root` (or each run under `runs`) against the real network. */
export function compareRunsWithReference(root: string, question: ReferenceQuestion): ReferenceComparison {
  const real = realNetwork(question.reference, question.labels);
  const folders = question.runs === undefined ? [root] : runFolders(question.runs, question.variant);
  const windows = question.windows === undefined || question.windowDays === undefined ? undefined : emailWindows(question.windows, question.windowDays);
  // What made it: the models the compared runs' agents answered on (src/provenance/).
  return { ...compareWithReference(real, folders.map(runNetwork), windows), provenance: reportProvenance(folders.flatMap((folder) => answeredInOrg(folder) ?? [])) };
}

/** NULL_DRAWS seeded windows of `days` of the timestamped email in `file`. */
function emailWindows(file: string, days: number): { summary: WindowsSummary; networks: ReturnType<typeof randomWindows> } {
  const edges = readTimedEdges(file);
  const networks = randomWindows(edges, days, NULL_DRAWS, seedOf(`windows ${days}`));
  return { summary: { file, days, spanDays: spanDays(edges), people: edges.people.length, emails: edges.emails.length, count: networks.length }, networks };
}
