import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { matchText } from '../../tests/planted/plan.js';
import { editPopulatedOrg, largestSendTo, orgYamlCap, readPopulated, writePlan, writeSeatTemplate } from '../../tests/planted/populated-org.js';
import { clinic } from '../../tests/planted/studies/clinic.js';
import { HOSPITAL_ACTIVATION, HOSPITAL_OPENING, HOSPITAL_REFERENCE, HOSPITAL_SEAT, HOSPITAL_SPEC, hospitalStudy } from '../../tests/planted/studies/hospital.js';
import { CAUSES, FORMS, plantedTruths, type Truths } from '../../tests/planted/truths.js';
import { PLAN_FILE, writeStudy } from '../../tests/planted/write-study.js';
import { cli, type BenchContext } from '../context.js';
import type { Row } from '../row.js';

/** What `lemming analyze --json` gives that the section holds to its truth. */
interface Analysis {
  messages: number;
  deliveries: Record<string, number>;
  refusals: Record<string, number>;
  activation: Array<{ rule: number; match: string; governed: number; drawn: number }>;
  reach: Array<{ turn: number; reached: number }>;
  agents: Array<{ agent: string; credits: number }>;
}

/** What `lemming analyze --reference --json` gives of the run's network. */
interface Comparison {
  rows: Array<{ measure: string; runs: number[] }>;
}

type RowOf = (what: string, value: number, truth: number, unit: string) => void;

/** A study's row maker: each figure beside its truth, met when equal. */
function rowMaker(context: BenchContext, study: string, rows: Row[]): RowOf {
  return (what, value, truth, unit) => {
    context.log(`  ${study}: ${what}: ${value} (planted ${truth})`);
    rows.push({ what: `planted ${study}: ${what}`, figure: { count: value, unit }, target: { text: `= ${truth} (planted)`, met: value === truth } });
  };
}

/** The figures of `analyze --json` every study gives, each beside its truth. */
function analysisRows(row: RowOf, analysis: Analysis, truths: Truths, rules: readonly string[]): void {
  row('message files delivered', analysis.messages, truths.messages, 'messages');
  for (const form of FORMS) row(`readers reached, ${form}`, analysis.deliveries[form] ?? -1, truths.deliveries[form], 'readers');
  for (const cause of CAUSES) row(`refused or held, ${cause}`, analysis.refusals[cause] ?? -1, truths.refusals[cause], cause === 'chart' || cause === 'cap' ? 'sends' : 'agent-turns');
  for (const rule of truths.draws) row(`activation rule ${rule.rule} (${rules[rule.rule - 1]}), drawn of ${rule.governed} with work`, analysis.activation.find((each) => each.rule === rule.rule)?.drawn ?? -1, rule.drawn, 'agent-turns');
  row('credits spent', analysis.agents.reduce((sum, agent) => sum + agent.credits, 0), truths.credits, 'credits');
}

/**
 * The planted clinic (tests/planted/, docs/validation.md "Studies whose answer is planted"): written
 * as files, its opening sent, run for its turns and analysed, each the whole process of the built CLI;
 * each figure `analyze --json` gives beside the one planted.
 */
function clinicRows(context: BenchContext, directory: string): Row[] {
  const root = join(directory, 'clinic');
  const lemming = (args: string[]): string => execFileSync(process.execPath, [cli, '--root', root, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  writeStudy(root, clinic);
  lemming(['send', 'leads', clinic.opening[0]?.body ?? '']);
  lemming(['run', '--turns', String(clinic.turns), '--plain']);
  const analysis = JSON.parse(lemming(['analyze', '--json'])) as Analysis;
  const truths = plantedTruths(clinic);
  const rows: Row[] = [];
  const row = rowMaker(context, 'clinic', rows);
  analysisRows(row, analysis, truths, clinic.activation.map(matchText));
  const last = truths.reach.at(-1);
  if (last) row(`agents reached by turn ${last.turn}`, analysis.reach.find((each) => each.turn === last.turn)?.reached ?? -1, last.reached, 'agents');
  return rows;
}

/**
 * The planted hospital (tests/planted/studies/hospital.ts): `lemming populate` from its spec with a
 * template registering the scripted seat, the user's edits (activation by role, the heads writing to
 * each other), its opening sent, run and analysed, `analyze --reference` read for the network's
 * measures; the per-turn cap populate set beside the one its chart needs, and each figure beside its truth.
 */
function hospitalRows(context: BenchContext, directory: string): Row[] {
  const root = join(directory, 'hospital');
  const lemming = (args: string[]): string => execFileSync(process.execPath, [cli, '--root', root, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const spec = join(directory, 'hospital.yaml');
  writeFileSync(spec, HOSPITAL_SPEC);
  lemming(['populate', spec, '--template', writeSeatTemplate(join(directory, 'seat-template'), join(root, PLAN_FILE), HOSPITAL_SEAT)]);
  const needed = largestSendTo(readPopulated(root));
  const cap = orgYamlCap(root);
  editPopulatedOrg(root, HOSPITAL_ACTIVATION);
  const study = hospitalStudy(readPopulated(root), needed);
  writePlan(root, study);
  lemming(['send', study.opening.map((send) => send.to[0]).join(','), HOSPITAL_OPENING]);
  lemming(['run', '--turns', String(study.turns), '--plain']);
  const analysis = JSON.parse(lemming(['analyze', '--json'])) as Analysis;
  writeFileSync(join(directory, 'edges.txt'), HOSPITAL_REFERENCE.edges);
  writeFileSync(join(directory, 'labels.txt'), HOSPITAL_REFERENCE.labels);
  const comparison = JSON.parse(lemming(['analyze', '--reference', join(directory, 'edges.txt'), '--labels', join(directory, 'labels.txt'), '--json'])) as Comparison;
  const truths = plantedTruths(study);
  const rows: Row[] = [];
  const row = rowMaker(context, 'hospital (populated)', rows);
  row('per-turn cap populate set (org.yaml), against the most one agent of its chart may write to', cap, needed, 'messages a turn');
  analysisRows(row, analysis, truths, HOSPITAL_ACTIVATION.map(matchText));
  for (const turn of truths.reach) row(`agents reached by turn ${turn.turn}`, analysis.reach.find((each) => each.turn === turn.turn)?.reached ?? -1, turn.reached, 'agents');
  // Shares compared in thousandths: a count's exact truth is a fraction here (e.g. 26/39).
  const measure = (key: string): number => Math.round((comparison.rows.find((each) => each.measure === key)?.runs[0] ?? -1) * 1000);
  row('reciprocity among the agents, in thousandths', measure('reciprocity'), Math.round(truths.reciprocity * 1000), '‰ of pairs');
  row('share of pairs inside a department, in thousandths', measure('insideDepartments'), Math.round(truths.insideDepartments * 1000), '‰ of pairs');
  return rows;
}

/** Both planted studies, on the first storage; a row whose figure is not its truth is a figure lemming gets wrong (not a time). */
export function planted(context: BenchContext): Row[] {
  const storage = context.storages[0];
  if (!storage) return [];
  const directory = mkdtempSync(join(storage.directory, 'planted-'));
  try {
    return [...clinicRows(context, directory), ...hospitalRows(context, directory)];
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
