import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { clinic } from '../../tests/planted/studies/clinic.js';
import { CAUSES, FORMS, plantedTruths } from '../../tests/planted/truths.js';
import { writeStudy } from '../../tests/planted/write-study.js';
import { cli, type BenchContext } from '../context.js';
import type { Row } from '../row.js';

/** What `lemming analyze --json` gives that the section holds to its truth. */
interface Analysis {
  messages: number;
  deliveries: Record<string, number>;
  refusals: Record<string, number>;
  activation: Array<{ rule: number; governed: number; drawn: number }>;
  reach: Array<{ turn: number; reached: number }>;
  agents: Array<{ agent: string; credits: number }>;
}

/**
 * The planted clinic (tests/planted/, docs/validation.md "Studies whose answer is planted"): written
 * as files, its opening sent, run for its turns and analysed, each the whole process of the built CLI;
 * each figure `analyze --json` gives beside the one planted. Not a time: a row whose figure is not its
 * truth is a figure lemming gets wrong.
 */
export function planted(context: BenchContext): Row[] {
  const storage = context.storages[0];
  if (!storage) return [];
  const root = join(mkdtempSync(join(storage.directory, 'planted-')), 'clinic');
  const lemming = (args: string[]): string => execFileSync(process.execPath, [cli, '--root', root, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  try {
    writeStudy(root, clinic);
    lemming(['send', 'leads', clinic.opening[0]?.body ?? '']);
    lemming(['run', '--turns', String(clinic.turns), '--plain']);
    const analysis = JSON.parse(lemming(['analyze', '--json'])) as Analysis;
    const truths = plantedTruths(clinic);
    const rows: Row[] = [];
    const row = (what: string, value: number, truth: number, unit: string): void => {
      context.log(`  ${what}: ${value} (planted ${truth})`);
      rows.push({ what: `planted clinic: ${what}`, figure: { count: value, unit }, target: { text: `= ${truth} (planted)`, met: value === truth } });
    };
    row('message files delivered', analysis.messages, truths.messages, 'messages');
    for (const form of FORMS) row(`readers reached, ${form}`, analysis.deliveries[form] ?? -1, truths.deliveries[form], 'readers');
    for (const cause of CAUSES) row(`refused or held, ${cause}`, analysis.refusals[cause] ?? -1, truths.refusals[cause], cause === 'chart' || cause === 'cap' ? 'sends' : 'agent-turns');
    for (const rule of truths.draws) row(`activation rule ${rule.rule}, drawn of ${rule.governed} with work`, analysis.activation.find((each) => each.rule === rule.rule)?.drawn ?? -1, rule.drawn, 'agent-turns');
    const last = truths.reach.at(-1);
    if (last) row(`agents reached by turn ${last.turn}`, analysis.reach.find((each) => each.turn === last.turn)?.reached ?? -1, last.reached, 'agents');
    row('credits spent', analysis.agents.reduce((sum, agent) => sum + agent.credits, 0), truths.credits, 'credits');
    return rows;
  } finally {
    rmSync(join(root, '..'), { recursive: true, force: true });
  }
}
