import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { populate } from '../../src/population/populate.js';
import { lemming } from './cli.js';
import { DEFAULT_ORG, read, runEngine, tempDir, write } from './temp-org.js';

/**
 * A populated org of 300 (no structure: each reports to the person, who may write to each), the person
 * writing to the 150 in sales, and activation drawing one agent in twenty a turn, run two turns: most
 * requests wait on agents never called. Returns its root.
 */
export async function drawnFewOrg(): Promise<string> {
  const dir = tempDir();
  writeFileSync(join(dir, 'people.yaml'), 'name: panel\nseed: 3\nsize: 300\nattributes:\n  department: { shares: { sales: 0.5, support: 0.5 } }\nroles:\n  member: { title: Analyst, model: offline, credits: 1 }\n');
  const root = join(dir, 'org');
  await populate(join(dir, 'people.yaml'), root, { template: DEFAULT_ORG });
  write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace(/^engine:\n/m, 'engine:\n  activation:\n    seed: 7\n    rules:\n      - probability: 0.05\n'));
  const sent = lemming(root, ['send', '--where', 'department=sales', 'How is the quarter going?']);
  if (sent.status !== 0) throw new Error(`lemming send failed: ${sent.stderr}`);
  await runEngine(root, { maxTurns: 2, stopWhenIdle: false });
  return root;
}
