import { HUMAN } from '../../org/names.js';
import type { Usage } from '../../providers/provider.js';
import type { EngineState } from '../record/engine-state.js';
import { makeNotice } from './notices.js';

/**
 * The human's notice that the usage a provider reported for an agent's call in `turn` was not counted
 * as it came (providers/usage-gate.ts says each change in `clamped`); none when it was. The person is
 * told, whoever the agent reports to: what an agent is charged is their money. Pure.
 */
export function usageNotices(turn: number, agent: string, usage: Pick<Usage, 'clamped'>): EngineState['humanNotices'] {
  const sentences = usage.clamped ?? [];
  if (sentences.length === 0) return [];
  const subject = `${agent}'s reported usage was corrected`;
  const body = [
    `The usage reported for ${agent}'s call in turn ${turn} was not counted as it came:`,
    ...sentences.map((sentence) => `- ${sentence}`),
    `The call was charged for the counts as corrected. \`lemming trace ${agent} --turn ${turn}\` shows the answer; a program or server that reports more than a call can use is broken, or is not to be trusted with credits.`,
  ].join('\n');
  const notice = makeNotice(turn, HUMAN, `usage-${agent}`, 1, subject, body);
  return [{ id: notice.id, turn, subject, body }];
}
