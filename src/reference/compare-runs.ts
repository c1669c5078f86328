import { compareWithReference, type ReferenceComparison } from './compare-reference.js';
import { realNetwork, runFolders, runNetwork } from './read-networks.js';

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
}

/** `lemming analyze --reference`'s comparison: the org at `root` (or each run under `runs`) against the real network. */
export function compareRunsWithReference(root: string, question: ReferenceQuestion): ReferenceComparison {
  const real = realNetwork(question.reference, question.labels);
  const folders = question.runs === undefined ? [root] : runFolders(question.runs, question.variant);
  return compareWithReference(real, folders.map(runNetwork));
}
