import { relative } from 'node:path';
import { MAX_EDITED_MARKDOWN_BYTES, MAX_ORG_YAML_BYTES } from '../../editable/edited-file.js';
import { formatCount, plural, showCredits } from '../../format/format.js';
import { defaultTemplateFolder, findTemplate } from '../../org/templates/org-templates.js';
import { populate, type PopulateReport } from '../../population/populate.js';
import type { AttributeSummary } from '../../population/population-summary.js';
import { terminalText } from '../../terminal-text/terminal-text.js';
import type { Output } from '../cli-context.js';
import { commandHint } from '../command-hint.js';
import { slowWorkLine } from '../slow-work-line.js';
import { packageRoot } from '../../package-root.js';

/** The flags of `lemming populate`. */
export interface PopulateFlags {
  /** The org template (or a folder) whose settings, model registry and agent templates the org gets. */
  template?: string;
  dryRun?: boolean;
  enrich?: string;
  record?: string;
  replay?: string;
  json?: boolean;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** One line per attribute: each value's share (and target), or the numbers' mean, spread and range. */
function attributeLine(attribute: AttributeSummary): string {
  if (attribute.kind === 'numeric') {
    const round = (value: number): string => String(Math.round(value * 100) / 100);
    return `  ${attribute.name}: mean ${round(attribute.mean)}, sd ${round(attribute.sd)}, ${round(attribute.min)} to ${round(attribute.max)}`;
  }
  const shares = attribute.shares.map((share) => `${share.value} ${percent(share.share)}${share.target === undefined ? '' : ` (target ${percent(share.target)})`}`);
  return `  ${attribute.name}: ${shares.join(', ')}`;
}

/** What `lemming populate` prints of a report, line by line (docs/people.md shows them). */
export function populateLines(report: PopulateReport): string[] {
  const where = relative(process.cwd(), report.root) || '.';
  const roles = [
    report.roles.head > 0 ? plural(report.roles.head, 'department head') : '',
    report.roles.lead > 0 ? plural(report.roles.lead, 'team lead') : '',
    plural(report.roles.member, 'member'),
  ].filter((part) => part !== '');
  const lines = [`${report.written ? 'wrote' : 'would write'} ${formatCount(report.agents)} agents and the human into ${where} from ${report.spec} (seed ${report.seed}): ${roles.join(', ')}`];
  lines.push(...report.summary.map(attributeLine));
  const estimate = report.estimate;
  if (estimate) {
    lines.push(
      `--enrich ${estimate.model}: ${formatCount(estimate.calls)} call(s), about ${formatCount(estimate.inputTokens)} input tokens and at most ${formatCount(estimate.outputTokens)} output tokens: at most ${showCredits(estimate.credits)} credits, charged to the research account (no agent's balance)`,
    );
  }
  const enriched = report.enriched;
  if (enriched) {
    lines.push(`wrote ${formatCount(enriched.written)} biograph${enriched.written === 1 ? 'y' : 'ies'} with ${enriched.model}: ${showCredits(enriched.credits)} credits charged to the research account`);
    for (const failure of enriched.failed) lines.push(`  ${failure.agent}: no biography: ${failure.error.split('\n')[0] ?? ''}`);
  }
  const plan = report.plan;
  lines.push(
    `${report.written ? 'wrote' : 'would write'} ${formatCount(plan.files)} files, ${formatCount(plan.bytes)} bytes: ${formatCount(plan.resumes)} resumes (the largest ${formatCount(plan.largestResume)} bytes; a resume is read up to ${formatCount(MAX_EDITED_MARKDOWN_BYTES)}) and org/chart.yaml of ${formatCount(plan.chartBytes)} bytes (read up to ${formatCount(MAX_ORG_YAML_BYTES)})`,
  );
  const { cap, template } = plan.messageCap;
  if (cap > template) lines.push(`  org.yaml: engine.max_messages_per_turn ${formatCount(cap)}, the most people one agent here may write to, so a head or a lead hands a task to each in one turn (the template's ${formatCount(template)} would refuse the rest)`);
  if (report.written) {
    const hint = commandHint(report.root);
    lines.push(`Next: \`${hint('validate')}\`, \`${hint('ask --all "..."')}\`, or \`${hint(`send ${report.first} "..."`)}\` and \`${hint('run')}\`.`);
  } else {
    lines.push('Nothing was written (--dry-run).');
  }
  return lines;
}

/**
 * `lemming populate SPEC --root DIR [--dry-run] [--enrich MODEL]`: an org of N agents made from a
 * population spec (docs/people.md). Says what it made, attribute by attribute; exit 1 when a
 * biography could not be written for some agent (each named, with why).
 */
export async function populateCommand(root: string, spec: string, flags: PopulateFlags, output: Output): Promise<number> {
  const slow = slowWorkLine(output, 'populating');
  const report = await populate(spec, root, {
    progress: slow.progress,
    template: flags.template === undefined ? defaultTemplateFolder(packageRoot()) : findTemplate(packageRoot(), flags.template, process.cwd()).folder,
    ...(flags.dryRun ? { dryRun: true } : {}),
    ...(flags.enrich === undefined ? {} : { enrich: { model: flags.enrich, ...(flags.record === undefined ? {} : { record: flags.record }), ...(flags.replay === undefined ? {} : { replay: flags.replay }) } }),
  }).finally(() => slow.done());
  if (flags.json) output.out(JSON.stringify(report, null, 2));
  else for (const line of populateLines(report)) output.out(terminalText(line));
  return (report.enriched?.failed.length ?? 0) > 0 ? 1 : 0;
}
