import type { UnreachableModel } from '../../providers/reachability.js';
import type { EngineState } from '../record/engine-state.js';
import { makeNotice } from './notices.js';
import { HUMAN } from '../../org/names.js';

/**
 * The human's notice when a run could not start because a model's server cannot be reached:
 * one per model and turn, so trying again and again does not pile them up.
 */
export function unreachableNotice(unreachable: readonly UnreachableModel[], lastTurn: number): EngineState['humanNotices'][number] {
  const turn = lastTurn + 1;
  const models = unreachable.map((item) => item.modelKey);
  const subject = `Cannot reach the server of model ${models.join(', ')}`;
  const lines = unreachable.map(
    (item) => `- org/org.yaml models.${item.modelKey}: ${item.url}: ${item.cause} (needed by ${item.agents.join(', ')})`,
  );
  const body =
    `\`lemming run\` stopped before turn ${turn}: nothing answers at the server of a model some agents have no other model than.\n` +
    `${lines.join('\n')}\n\nStart the server, correct base_url, or give those agents another model; their mail waits.`;
  const notice = makeNotice(turn, HUMAN, `unreachable-${models.join('-')}`, 1, subject, body);
  return { id: notice.id, turn, subject, body };
}
