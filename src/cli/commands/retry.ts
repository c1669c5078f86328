import { holderOf } from '../../engine/breakers/breaker-state.js';
import { requestBreakerRelease } from '../../engine/breakers/hold-by-breakers.js';
import { requestRetry } from '../../engine/turn/failing-agents.js';
import { EXIT, LemmingError } from '../../errors.js';
import { HOLDER_WORDS } from '../../format/mail-outcomes.js';
import { loadOrg } from '../../org/load-org-once.js';
import { requireAgent } from '../../org/must-exist.js';
import type { Output } from '../cli-context.js';

/**
 * `lemming retry <agent>`: call an agent held because its models kept failing (or by a circuit breaker or an intervention's hold) again at the
 * next turn (a running engine picks the request up; otherwise the next `lemming run` does).
 */
export function retryCommand(root: string, agent: string, output: Output): number {
  const { org } = loadOrg(root);
  if (requireAgent(org, agent).isHuman) throw new LemmingError('human-retry', 'the human is never called by the engine, so there is nothing to retry; retry an agent the engine calls, for example `lemming retry manager`', { exitCode: EXIT.usage });
  const breaker = requestBreakerRelease(root, agent);
  if (breaker) output.out(`${agent} will be called again at the next turn (${HOLDER_WORDS[holderOf(breaker)]} held it in turn ${breaker.turn}: ${breaker.reason}).`);
  const streak = requestRetry(root, agent);
  if (breaker && !streak?.held) return 0;
  if (!streak) {
    output.out(`${agent} is not held: its calls have not been failing, so it is called whenever it has mail.`);
  } else if (!streak.held) {
    output.out(`${agent} is not held yet (its calls failed in ${streak.turns} turn(s) in a row); it is called whenever it has mail.`);
  } else {
    output.out(`${agent} will be called again at the next turn (its model ${streak.model} had failed in ${streak.turns} turns in a row: ${streak.cause}).`);
  }
  return 0;
}
