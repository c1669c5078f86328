import { dirname, resolve } from 'node:path';
import { fromWorkingFolder } from '../invocation.js';
import { EXIT, LemmingError } from '../errors.js';
import { readExperiment } from '../experiment/experiment-file.js';
import type { CheckSetting } from '../experiment/outcome-settings.js';

/**
 * The check named `name` in an experiment file: its own `checks:`, else a variant's (`lemming blame --checks FILE --check NAME`,
 * the library's `blame`). A relative `file` is taken from the command's working folder, as every path a person names.
 */
export function checkFromFile(file: string, name: string): CheckSetting {
  const path = fromWorkingFolder(file);
  const experiment = readExperiment(path, (base) => resolve(dirname(path), base));
  const all = experiment.variants.flatMap((variant) => variant.outcome.checks);
  const found = all.find((check) => check.name === name);
  if (!found) {
    const names = [...new Set(all.map((check) => check.name))];
    throw new LemmingError('blame-invalid', `${file}: checks: no check is named ${JSON.stringify(name)}; ${names.length > 0 ? `use one of ${names.join(', ')}` : 'the file has no `checks:`; add one, for example `checks: [{ name: answered, run: test -s "$SHARED/answer.md" }]`'}`, { exitCode: EXIT.usage });
  }
  return found;
}
