import { dirname, resolve } from 'node:path';
import { EXIT, LemmingError } from '../errors.js';
import { readExperiment } from '../experiment/experiment-file.js';
import type { CheckSetting } from '../experiment/outcome-settings.js';

/** The check named `name` in an experiment file: its own `checks:`, else a variant's (`lemming blame --checks FILE --check NAME`, the library's `blame`). */
export function checkFromFile(file: string, name: string): CheckSetting {
  const experiment = readExperiment(file, (base) => resolve(dirname(resolve(file)), base));
  const all = experiment.variants.flatMap((variant) => variant.outcome.checks);
  const found = all.find((check) => check.name === name);
  if (!found) {
    const names = [...new Set(all.map((check) => check.name))];
    throw new LemmingError('blame-invalid', `${file}: checks: no check is named ${JSON.stringify(name)}; ${names.length > 0 ? `use one of ${names.join(', ')}` : 'the file has no `checks:`; add one, for example `checks: [{ name: answered, run: test -s "$SHARED/answer.md" }]`'}`, { exitCode: EXIT.usage });
  }
  return found;
}
