import type { Option } from 'commander';
import type { Output } from '../cli-context.js';
import type { ServiceFlags } from '../option-values.js';

/**
 * What every group of commands is defined with (program.ts builds it once): where a command's org
 * is, where it writes, and commander's Option (loaded by program.ts with require(), as main.ts
 * loads the program: see there).
 */
export interface CommandTable {
  /** Every `--root` given, in order: only `lemming serve` takes more than one. */
  givenRoots: () => string[];
  /** The root of a command that works on an org that exists. */
  root: () => string;
  /** The root of a command that makes an org where there is none (`bootstrap`, `demo`); with `needsOrg: false`, the folder of one that needs no org. */
  newRoot: (needsOrg?: boolean) => string;
  /** The folder of a command that needs no org (`worker`): `--root`, else the current folder, also inside a lemming clone. */
  folderWithoutOrg: () => string;
  /** Standard output and error, for lines for a person. */
  output: Output;
  /** Where a service command writes: lines for a person, or `--log-format json` records on standard error. */
  serviceOutput: (options: ServiceFlags, folder?: () => string) => Output;
  Option: typeof Option;
}
