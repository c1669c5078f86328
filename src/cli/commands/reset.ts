import { createInterface } from 'node:readline/promises';
import { EXIT, LemmingError } from '../../errors.js';
import { resetOrg } from '../../engine/record/reset-org.js';
import { commandIo, type Output } from '../cli-context.js';
import { terminalText } from '../../terminal-text/terminal-text.js';

/** `lemming reset`: clear run state and outboxes, keep resumes and chart. Asks first unless `--yes`. */
export async function resetCommand(root: string, options: { yes?: boolean }, output: Output): Promise<number> {
  if (!options.yes) {
    if (!commandIo().stdin.isTTY) {
      throw new LemmingError('needs-confirmation', 'reset deletes every message, note, log and the ledger; run it in a terminal to confirm, or pass --yes', { exitCode: EXIT.usage });
    }
    const prompt = createInterface({ input: commandIo().stdin, output: process.stdout });
    const answer = await prompt.question(terminalText(`Delete every message, note, log and credit record under ${root}? Resumes and the chart stay. [y/N] `));
    prompt.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      output.out('nothing was deleted');
      return 1;
    }
  }
  const { removed } = resetOrg(root);
  output.out(`reset: removed ${removed} file(s) and folder(s); resumes, chart and org.yaml are untouched`);
  return 0;
}
