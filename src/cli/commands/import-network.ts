import { join, relative } from 'node:path';
import { MAX_EDITED_MARKDOWN_BYTES, MAX_ORG_YAML_BYTES } from '../../editable/edited-file.js';
import { formatCount } from '../../format/format.js';
import { workingFolder } from '../../invocation.js';
import { defaultTemplateFolder, findTemplate } from '../../org/templates/org-templates.js';
import { importNetwork, NETWORK_EXPERIMENT_FILE, type ImportNetworkReport } from '../../reference/import-network.js';
import type { ChartEdges } from '../../reference/network-org.js';
import { terminalText } from '../../terminal-text/terminal-text.js';
import type { Output } from '../cli-context.js';
import { commandHint, shellWord } from '../command-hint.js';
import { packageRoot } from '../../package-root.js';

/** The flags of `lemming import-network`. */
export interface ImportNetworkFlags {
  labels?: string;
  chart?: ChartEdges;
  people?: number;
  seed?: number;
  lists?: 'none' | 'departments';
  template?: string;
  model?: string;
  credits?: number;
  name?: string;
  dryRun?: boolean;
  json?: boolean;
}

/** What `lemming import-network` prints of a report (docs/validation.md shows it). */
export function importNetworkLines(report: ImportNetworkReport): string[] {
  const where = relative(workingFolder(), report.root) || '.';
  const inData = formatCount(report.chartEdges - report.addedEdges);
  const chart =
    report.chart === 'edges'
      ? `the chart permits ${formatCount(report.chartEdges)} edges: the ${inData} who-wrote-to-whom of the data and ${formatCount(report.addedEdges)} of the reporting lines (member and lead); a run can draw only these, so a comparison with the same data is circular`
      : `the chart permits ${formatCount(report.chartEdges)} edges: everyone to everyone of their department${report.chart === 'structure' ? ', and the leads to each other' : ''} (${inData} of them in the data, ${formatCount(report.addedEdges)} not)`;
  const hint = commandHint(report.root);
  const plan = report.plan;
  const verb = report.written ? 'wrote' : 'would write';
  return [
    `${verb} ${formatCount(report.agents)} agents and the human into ${where} from ${report.edgesFile}${report.labelsFile === undefined ? '' : ` and ${report.labelsFile}`}: ${formatCount(report.departments)} department(s), each a team under its lead`,
    ...(report.piece === undefined ? [] : [`  a random piece of the network: ${formatCount(report.piece.people)} of its ${formatCount(report.piece.of)} people (seed ${report.piece.seed}), and the edges among them`]),
    `  the data: ${formatCount(report.edges)} directed edges between people (${formatCount(report.selfLoops)} self-loop(s) left out${report.repeated > 0 ? `, ${formatCount(report.repeated)} repeated line(s) counted once` : ''})`,
    `  ${chart}`,
    ...(report.lists > 0 ? [`  org/lists/: ${formatCount(report.lists)} mailing list(s), one a department of two or more (dept_<label>), each member on it and able to post; leads post split work there`] : []),
    `  org.yaml: engine.max_messages_per_turn ${formatCount(report.messageCap)}, so a lead can write to every member in one turn; ${NETWORK_EXPERIMENT_FILE} gives every lead a task, in five seeded repeats`,
    `${verb} ${formatCount(plan.files)} files, ${formatCount(plan.bytes)} bytes: ${formatCount(plan.resumes)} resumes (the largest ${formatCount(plan.largestResume)} bytes; a resume is read up to ${formatCount(MAX_EDITED_MARKDOWN_BYTES)}) and org/chart.yaml of ${formatCount(plan.chartBytes)} bytes (read up to ${formatCount(MAX_ORG_YAML_BYTES)})`,
    report.written ? `Next: \`${hint(`experiment ${shellWord(join(where, NETWORK_EXPERIMENT_FILE))}`)}\`, then \`${hint(`analyze --reference ${report.edgesFile}${report.labelsFile === undefined ? '' : ` --labels ${report.labelsFile}`} --runs ${shellWord(join(where, 'experiments', report.name))}`)}\`.` : 'Nothing was written (--dry-run).',
  ];
}

/** `lemming import-network EDGES --root DIR [--labels DEPARTMENTS] [--chart structure|department|edges]`: an org from a real communication network. */
export function importNetworkCommand(root: string, edges: string, flags: ImportNetworkFlags, output: Output): number {
  const report = importNetwork(edges, root, {
    ...(flags.labels === undefined ? {} : { labels: flags.labels }),
    chart: flags.chart ?? 'structure',
    ...(flags.people === undefined ? {} : { people: flags.people }),
    ...(flags.seed === undefined ? {} : { seed: flags.seed }),
    ...(flags.lists === 'departments' ? { lists: 'departments' as const } : {}),
    template: flags.template === undefined ? defaultTemplateFolder(packageRoot()) : findTemplate(packageRoot(), flags.template, workingFolder()).folder,
    model: flags.model ?? 'offline',
    credits: flags.credits ?? 5,
    ...(flags.name === undefined ? {} : { name: flags.name }),
    ...(flags.dryRun ? { dryRun: true } : {}),
  });
  if (flags.json) output.out(JSON.stringify(report, null, 2));
  else for (const line of importNetworkLines(report)) output.out(terminalText(line));
  return 0;
}
