import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { sweepTemporaries } from '../storage/temporary-files.js';
import { join } from 'node:path';
import type { Experiment } from './experiment-file.js';
import { reportChartSpec } from './report-chart.js';
import { writeChart } from '../charts/write-chart.js';
import { table } from './report-markdown.js';
import type { RunMetrics } from './run-metrics.js';
import { metricPlotSpec } from './metric-plot.js';
import { plotFile, renderStudy } from './study-report.js';
import { studyStatistics, type StudyStatistics } from './study-statistics.js';
import { renderSurvey, surveyTables } from './survey-report.js';
import { personaTables, renderPersonas } from './personas/persona-report.js';
import { renderSurveyByAttribute, surveyByAttribute } from './personas/survey-by-attribute.js';
import { summariseVariants, type VariantSummary } from './variant-summary.js';
import { renderNetwork } from './network-report.js';
import { renderMail } from './mail-report.js';
import { summariseNetworks, type VariantNetwork } from './network-summary.js';
import { measureNetwork, type RunNetwork } from './run-network.js';
import { experimentProvenance } from './run-settings.js';
import { renderProvenance, type Provenance } from '../provenance/report-provenance.js';

/** Where the report was written. */
export interface ReportFiles {
  markdown: string;
  json: string;
  /** The report's bar chart (SVG), its Vega-Lite spec beside it (`report.vl.json`). */
  chart: string;
  /** One SVG per metric: each variant's runs as a box and dots; each beside its spec (`plots/<metric>.vl.json`). */
  plots: string[];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function orDash(value: number | null): string {
  return value === null ? '–' : String(value);
}

function breakdown(title: string, summaries: readonly VariantSummary[], pick: (summary: VariantSummary) => Record<string, number>): string[] {
  const keys = [...new Set(summaries.flatMap((summary) => Object.keys(pick(summary))))].sort();
  if (keys.length === 0) return [];
  return [`## ${title}`, '', ...table(['variant', ...keys], summaries.map((summary) => [summary.variant, ...keys.map((key) => String(pick(summary)[key] ?? 0))])), ''];
}

/**
 * What a report from a fork point says once, under its title: which turns the runs share, how turns
 * are numbered, and that the figures count only the runs' own turns. Pure.
 */
export function forkStatement(experiment: Experiment): string[] {
  const fork = experiment.fork;
  if (!fork) return [];
  return [
    `Every run is a fork of the base org as it was after turn ${fork.turn} (\`base: ${fork.written}\`): turns 1 to ${fork.turn} are the base's, the same in every run byte for byte, and no run ran them again (no model was called for them). ` +
      `Turns are the org's own numbers, counted from the start of the base's run: a run's first turn is ${fork.turn + 1}. ` +
      `Messages, refusals, errors, calls and credits count only what the runs did after turn ${fork.turn}; the base's charges up to it are in every run's ledger and are not counted.`,
    '',
  ];
}

/** The report as markdown: variants side by side, credits by model and by agent, the organisation measured, then every run. Pure. */
export function renderMarkdown(experiment: Experiment, base: string, summaries: readonly VariantSummary[], runs: readonly RunMetrics[], failed: readonly string[], statistics?: StudyStatistics, networks: readonly VariantNetwork[] = [], provenance?: Provenance): string {
  const lines = [
    `# Experiment ${experiment.name}`,
    '',
    `Base org: \`${base}\`${experiment.fork ? ` after turn ${experiment.fork.turn}` : ''}. ${runs.length} run(s) complete${failed.length > 0 ? `, ${failed.length} not finished (${failed.join(', ')}): run the experiment again to resume them` : ''}. Figures are means over each variant's repeats.`,
    '',
    ...forkStatement(experiment),
    ...(statistics ? renderStudy(statistics, runs, experiment.variants.map((variant) => variant.name)) : []),
    '![credits, messages and turns to idle by variant](report.svg)',
    '',
    '## Variants',
    '',
    ...table(
      ['variant', 'runs', 'idle', 'held', 'turns to idle', 'messages', 'refusals', 'errors', 'credits', 'human answered', 'answer in turn', 'wall time'],
      summaries.map((summary) => [
        summary.variant,
        String(summary.runs),
        `${summary.idle}/${summary.runs}`,
        `${summary.held}/${summary.runs}`,
        orDash(summary.turnsToIdle),
        String(summary.messages),
        String(summary.refusals),
        String(summary.errors),
        String(summary.credits),
        `${summary.humanAnswered}/${summary.runs}`,
        orDash(summary.humanAnswerTurn),
        seconds(summary.wallMs),
      ]),
    ),
    '',
    ...renderMail(summaries, runs),
    ...renderSurvey(surveyTables(experiment, runs)),
    ...renderSurveyByAttribute(surveyByAttribute(experiment, runs)),
    ...renderPersonas(personaTables(experiment, runs)),
    ...breakdown('Credits by model', summaries, (summary) => summary.creditsByModel),
    ...breakdown('Credits by agent', summaries, (summary) => summary.creditsByAgent),
    ...renderNetwork(networks, experiment.name),
    '## Runs',
    '',
    ...table(
      ['run', 'ended', 'turns', 'messages', 'refusals', 'errors', 'calls', 'credits', 'human answer', 'wall time', 'attempts'],
      runs.map((run) => [
        run.run,
        run.heldBy ? `${run.ended} (${run.heldBy.join(', ')})` : run.ended,
        String(run.turns),
        String(run.messages),
        String(run.refusals),
        String(run.errors),
        String(run.calls),
        String(run.credits),
        run.humanAnswer ? `turn ${run.humanAnswer.turn} from ${run.humanAnswer.from}, after ${seconds(run.humanAnswer.afterMs)}` : 'none',
        seconds(run.wallMs),
        String(run.attempts),
      ]),
    ),
    '',
    ...(provenance ? renderProvenance(provenance) : []),
  ];
  return lines.join('\n');
}

/**
 * Each complete run's org measured from its folder (`experiments/<name>/<run>/`), read after the
 * run as `lemming analyze` reads any org; a run whose folder can no longer be read (moved, mended
 * by hand into an invalid org) is left out of this section and named in report.json (`network.unread`).
 */
function measureNetworks(folder: string, runs: readonly RunMetrics[]): { measured: RunNetwork[]; unread: string[] } {
  const measured: RunNetwork[] = [];
  const unread: string[] = [];
  for (const run of runs) {
    try {
      measured.push(measureNetwork(join(folder, run.run), run.run, run.variant));
    } catch {
      unread.push(run.run);
    }
  }
  return { measured, unread };
}

/** Write `report.md`, `report.json`, `report.svg` and the plots in the experiment's folder, each chart's Vega-Lite spec beside it. */
export async function writeReport(folder: string, experiment: Experiment, base: string, runs: readonly RunMetrics[], failed: readonly string[]): Promise<ReportFiles> {
  const summaries = summariseVariants(experiment, runs);
  const statistics = studyStatistics(experiment, runs);
  const { measured, unread } = measureNetworks(folder, runs);
  const networks = summariseNetworks(experiment.variants.map((variant) => variant.name), measured);
  mkdirSync(join(folder, 'plots'), { recursive: true });
  // The report is written again whole: the temporaries of a `lemming experiment` killed while it wrote it go first
  // (not below: each run's folder under it is an org, swept as a run is prepared).
  sweepTemporaries(folder);
  sweepTemporaries(join(folder, 'plots'));
  const files: ReportFiles = { markdown: join(folder, 'report.md'), json: join(folder, 'report.json'), chart: join(folder, 'report.svg'), plots: [] };
  const provenance = experimentProvenance(experiment, folder, runs);
  writeFileAtomic(files.markdown, renderMarkdown(experiment, base, summaries, runs, failed, statistics, networks, provenance));
  const network = { variants: networks, runs: measured, ...(unread.length > 0 ? { unread } : {}) };
  const personas = personaTables(experiment, runs);
  const byAttribute = surveyByAttribute(experiment, runs);
  const measuredPersonas = personas.adherence || personas.consistency.length > 0 ? { personas } : {};
  writeFileAtomic(files.json, `${JSON.stringify({ experiment: experiment.name, base, ...(experiment.fork ? { forkedAfterTurn: experiment.fork.turn } : {}), variants: summaries, statistics, network, ...(experiment.survey.length > 0 ? { survey: surveyTables(experiment, runs) } : {}), ...(byAttribute.length > 0 ? { surveyByAttribute: byAttribute } : {}), ...measuredPersonas, runs, unfinished: failed, provenance }, null, 2)}\n`);
  for (const metric of statistics.metrics) {
    const path = join(folder, plotFile(metric.key));
    await writeChart(path, metricPlotSpec(metric, statistics.runs, experiment.variants.map((variant) => variant.name)));
    files.plots.push(path);
  }
  await writeChart(files.chart, reportChartSpec(`Experiment ${experiment.name}`, summaries));
  return files;
}
