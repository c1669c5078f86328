import { analyzeOrg } from '../../analysis/analyze-org.js';
import { renderAnalysis } from '../../analysis/render-analysis.js';
import { terminalText } from '../../terminal-text/terminal-text.js';
import type { Output } from '../cli-context.js';
import { orgForReading } from '../org-for-reading.js';

/**
 * `lemming analyze`: the org's network measured from its files (load per agent, messages per
 * edge, each request's path to its answer, bottlenecks, unanswered requests, failure patterns).
 * Reads only; exit 0 whatever it finds, so a script reads the findings from `--json`.
 */
export function analyzeCommand(root: string, options: { json?: boolean }, output: Output): number {
  const { org } = orgForReading(root, output);
  const analysis = analyzeOrg(root, org);
  if (options.json) {
    output.out(JSON.stringify(analysis, null, 2));
    return 0;
  }
  // Subjects and bodies are anyone's text: the one printer for terminals escapes their control characters.
  output.out(terminalText(renderAnalysis(analysis).trimEnd()));
  return 0;
}
