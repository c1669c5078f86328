import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, tempDir, write } from './org-files.js';

/** The agent program that does what a script lists for each agent, call by call (see its header). */
export const SCRIPTED_AGENT = join(REPO_ROOT, 'tests', 'fixtures', 'agents', 'scripted-agent.mjs');

/**
 * Write org/org.yaml for an org whose agents run on the scripted program under the model `seat`:
 * `steps` are each agent's calls, in order; `engine` the lines of its `engine:` block.
 */
export function writeScriptedSeatOrg(root: string, name: string, engine: readonly string[], steps: Record<string, unknown[]>): void {
  const script = join(tempDir(`lemming-${name}-script-`), 'script.json');
  writeFileSync(script, JSON.stringify(steps));
  write(
    root,
    'org/org.yaml',
    [
      `name: ${name}`,
      'engine:',
      ...engine.map((line) => `  ${line}`),
      'models:',
      `  seat: { provider: command, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(SCRIPTED_AGENT)}, ${JSON.stringify(script)}], prompt: json, reply: json, input_price: 1, output_price: 2, context_window: 32000 }`,
      '',
    ].join('\n'),
  );
}
