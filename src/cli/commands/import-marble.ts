import { join, relative } from 'node:path';
import { importMarble, type MarbleSelection } from '../../marble/import-marble.js';
import { MARBLE_EXPERIMENT_FILE } from '../../marble/marble-org.js';
import { terminalText } from '../../terminal-text/terminal-text.js';
import type { Output } from '../cli-context.js';
import { commandHint, shellWord } from '../command-hint.js';
import { workingFolder } from '../../invocation.js';

/**
 * `lemming import-marble FILE --root DIR [--row N | --all]`: MultiAgentBench (MARBLE) task rows
 * as orgs, each with the experiment file that runs its coordination modes as variants. Says what
 * it wrote and every agent id it renamed.
 */
export function importMarbleCommand(root: string, file: string, selection: MarbleSelection, output: Output): number {
  const rows = importMarble(file, root, selection);
  for (const row of rows) {
    const where = relative(workingFolder(), row.root) || '.';
    // Suggested commands come from the one home that makes them work as printed from here.
    const hint = commandHint(row.root);
    output.out(
      terminalText(
        `line ${row.line}: MARBLE ${row.scenario} task ${row.taskId} (${row.mode}, ${row.agents} agent(s)) → ${where}: the task sent to coordinator; ` +
          `\`${hint('run')}\` runs it, \`${hint(`experiment ${shellWord(join(where, MARBLE_EXPERIMENT_FILE))}`)}\` runs it as variants ${row.variants.join(', ')}`,
      ),
    );
    // MARBLE's ids are another tool's names: those lemming could not take as they are, said with what they became.
    for (const renamed of row.renamed) output.out(terminalText(`  renamed agent ${JSON.stringify(renamed.id)} to ${renamed.name} (agent names are lowercase letters, digits, "_" and "-")`));
  }
  return 0;
}
