import { MAST_MODES } from '../analysis/failures/mast.js';
import { NETWORK_COUNTS, type VariantNetwork } from './network-summary.js';
import { figure, table } from './report-markdown.js';

/** Edges and agents past this are counted, not listed: report.json has them all. */
const MAX_ROWS = 20;

/** A key (agent names, edges) shown in a table cell: a `|` would end the cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/**
 * The report's section on the organisation itself (src/analysis/, read from each run's folder):
 * the findings per variant as mean and range over its repeats, which agents were bottlenecks in
 * how many runs, messages per chart edge, and span of control. Pure.
 */
export function renderNetwork(networks: readonly VariantNetwork[], experiment: string): string[] {
  if (networks.length === 0) return [];
  const lines = [
    '## The organisation measured',
    '',
    `What \`lemming analyze\` finds in each run's org, per variant: the mean over its repeats, with the range [least, most]. \`lemming analyze --root experiments/${experiment}/<run>\` shows one run's findings in full.`,
    '',
  ];
  const counted = NETWORK_COUNTS.filter((count) => networks.some((network) => network.counts[count.key] !== undefined));
  lines.push(
    ...table(
      ['variant', 'runs', ...counted.map((count) => count.label)],
      networks.map((network) => [
        network.variant,
        String(network.runs),
        ...counted.map((count) => {
          const value = network.counts[count.key];
          return value ? `${figure(value.mean)} [${value.min}, ${value.max}]` : '–';
        }),
      ]),
    ),
    '',
  );
  const bottlenecks = networks.flatMap((network) => Object.entries(network.bottleneckRuns).map(([agent, runs]) => `${cell(agent)} in ${runs}/${network.runs} run(s) of ${network.variant}`));
  if (bottlenecks.length > 0) lines.push(`Bottlenecks: ${bottlenecks.join('; ')}.`, '');
  // As MAST counts them (a mode once per trace): the runs that have each mode by the detectors' rules (their agreement with MAST's annotators is not measured).
  const modes = MAST_MODES.flatMap((mode) => networks.filter((network) => (network.mastRuns[mode.code] ?? 0) > 0).map((network) => `${mode.code} ${mode.name} in ${network.mastRuns[mode.code]}/${network.runs} run(s) of ${network.variant}`));
  if (modes.length > 0) lines.push(`MAST failure modes: ${modes.join('; ')}. Found by lemming's rules; their agreement with MAST's annotators is not measured.`, '');

  const edges = [...new Set(networks.flatMap((network) => Object.keys(network.messagesPerEdge)))];
  const total = (edge: string): number => networks.reduce((sum, network) => sum + (network.messagesPerEdge[edge] ?? 0), 0);
  edges.sort((left, right) => total(right) - total(left) || (left < right ? -1 : 1));
  if (edges.length > 0) {
    lines.push(
      '### Messages per edge',
      '',
      'Mean messages per run along each edge a message went along (a run that did not use it counts 0), busiest first.',
      '',
      ...table(
        ['edge', ...networks.map((network) => network.variant)],
        edges.slice(0, MAX_ROWS).map((edge) => [cell(edge), ...networks.map((network) => figure(network.messagesPerEdge[edge] ?? 0))]),
      ),
      ...(edges.length > MAX_ROWS ? [`| … ${edges.length - MAX_ROWS} more edges (report.json) |${networks.map(() => ' |').join('')}`] : []),
      '',
    );
  }
  const managers = [...new Set(networks.flatMap((network) => Object.keys(network.spanOfControl)))].sort();
  if (managers.length > 0) {
    lines.push(
      '### Span of control',
      '',
      ...table(
        ['agent', ...networks.map((network) => network.variant)],
        managers.slice(0, MAX_ROWS).map((agent) => [cell(agent), ...networks.map((network) => figure(network.spanOfControl[agent] ?? 0))]),
      ),
      '',
    );
  }
  return lines;
}
