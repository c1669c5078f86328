import { capCutText, CAUSE_UNITS, CAUSE_WORDS, DELIVERY_FORMS, FORM_WORDS, REFUSAL_CAUSES } from '../format/mail-outcomes.js';
import { figure, table } from './report-markdown.js';
import type { RunMetrics } from './run-metrics.js';
import type { VariantSummary } from './variant-summary.js';

/**
 * The report's section on what became of the runs' mail: each variant's mean readers by form and
 * refusals by cause (each cause apart, in its unit), and, once, what the per-turn cap cut and where to
 * change it, when it cut anything: reach and diffusion measured under a cap measure the cap. Pure.
 */
export function renderMail(summaries: readonly VariantSummary[], runs: readonly RunMetrics[]): string[] {
  const lines = ['## Deliveries and refusals', '', 'Means per run. A message to k people reaches k readers, a post to a list each member, a speech each attendee who heard it.', ''];
  lines.push(...table(['variant', ...DELIVERY_FORMS.map((form) => FORM_WORDS[form])], summaries.map((summary) => [summary.variant, ...DELIVERY_FORMS.map((form) => figure(summary.deliveries[form]))])), '');
  lines.push(
    'Sends refused (not on the chart, over the per-turn cap) and agent-turns with work not called (the others), each cause apart:',
    '',
    ...table(
      ['variant', ...REFUSAL_CAUSES.map((cause) => `${CAUSE_WORDS[cause]} (${CAUSE_UNITS[cause]})`)],
      summaries.map((summary) => [summary.variant, ...REFUSAL_CAUSES.map((cause) => figure(summary.refusalsByCause[cause]))]),
    ),
    '',
  );
  const capped = runs.filter((run) => run.refusalsByCause.cap > 0);
  if (capped.length > 0) {
    const sends = capped.reduce((sum, run) => sum + run.refusalsByCause.cap, 0);
    lines.push(`${capCutText(sends, `${capped.length} of the ${runs.length} runs (${capped.map((run) => run.run).join(', ')})`)} A variant may set it: \`org: { engine: { max_messages_per_turn: N } }\`.`, '');
  }
  return lines;
}
