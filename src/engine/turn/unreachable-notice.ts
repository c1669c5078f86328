import type { UnreachableModel } from '../../providers/reachability.js';
import type { EngineState } from '../record/engine-state.js';
import { makeNotice } from './notices.js';
import { HUMAN } from '../../org/names.js';

/**
 * The human's notice when a run could not start because a model's server cannot be reached (or its agent program is not installed):
 * one per model and turn, so trying again and again does not pile them up.
 */
export function unreachableNotice(unreachable: readonly UnreachableModel[], lastTurn: number): EngineState['humanNotices'][number] {
  const turn = lastTurn + 1;
  const models = unreachable.map((item) => item.modelKey);
  const programs = unreachable.every((item) => item.program);
  const subject = programs ? `Cannot run the program of model ${models.join(', ')}` : `Cannot reach the server of model ${models.join(', ')}`;
  const lines = unreachable.map(
    (item) => `- org/org.yaml models.${item.modelKey}${item.program ? '.command' : ''}: ${item.program ? '' : `${item.url}: `}${item.cause} (needed by ${item.agents.join(', ')})`,
  );
  const what = programs ? 'an agent program is not installed here for a model' : 'nothing answers at the server of a model';
  const body =
    `\`lemming run\` stopped before turn ${turn}: ${what} some agents have no other model than.\n` +
    `${lines.join('\n')}\n\n${programs ? 'Install the program, correct command' : 'Start the server, correct base_url'}, or give those agents another model; their mail waits.`;
  const notice = makeNotice(turn, HUMAN, `unreachable-${models.join('-')}`, 1, subject, body);
  return { id: notice.id, turn, subject, body };
}
