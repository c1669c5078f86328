import { calibrateOrg, type Calibration } from '../calibrate/calibrate-org.js';
import { fromWorkingFolder } from '../invocation.js';

/** Options of `calibrate`. */
export interface CalibrateOptions {
  /** The seed of the intervals and baselines (default 1). */
  seed?: number;
  /** Say how many calls it would make; ask nothing. */
  dryRun?: boolean;
  /** Where report.md and report.json go (default: `<root>/calibration/<reference name>`). */
  out?: string;
  /** Also write the report's tables as CSV into this folder, with their dictionary. */
  csv?: string;
  /** A line per question as its calls start. */
  log?: (line: string) => void;
}

/**
 * Put a reference's survey questions to every agent of the org at `root` (no side effect; research
 * credits) and compare their answers with the real ones, per question and persona group, beside
 * answers at random and everyone's answers: what `lemming calibrate REFERENCE` does, returning what
 * its `--json` prints. The GSS sample the package ships is `data/gss-2018/reference.yaml` in it.
 */
export async function calibrate(root: string, reference: string, options: CalibrateOptions = {}): Promise<Calibration> {
  const { out, ...rest } = options;
  // The reference as given, as the command passes it: the report names it so, and it is read from the current folder.
  return calibrateOrg(fromWorkingFolder(root), reference, { ...rest, ...(out === undefined ? {} : { folder: out }) });
}
