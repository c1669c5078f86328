import { loadOrg } from '../../org/load-org-once.js';
import { recordCharges } from '../experiment-ledger.js';
import { runMessages } from '../run-messages.js';
import type { SurveyRound } from '../run-survey.js';
import { judgeAdherence, type RunAdherence } from './adherence.js';
import type { PersonaSetting } from './persona-settings.js';
import { selfConsistency, type ConsistencyPair } from './self-consistency.js';

/** How one run's agents held their personas: what they wrote, judged, and their answers asked twice. */
export interface RunPersonas {
  /** Present when the experiment has `personas:` (a judge). */
  adherence?: RunAdherence;
  /** One pair for each question its survey asked early and late; empty when it asked none twice. */
  consistency: ConsistencyPair[];
}

/**
 * Measure a finished run's personas: adherence by the experiment's persona judge (its calls charged
 * on the experiment's own ledger, purpose `adherence`, a line a call made) and self-consistency from the
 * run's survey rounds and mail. Undefined when there is nothing to measure.
 */
export async function measurePersonas(folder: string, run: string, root: string, setting: PersonaSetting | undefined, rounds: readonly SurveyRound[], seed: number, forkedAfterTurn?: number): Promise<RunPersonas | undefined> {
  const asksTwice = rounds.length > 1;
  if (!setting && !asksTwice) return undefined;
  const messages = runMessages(root);
  const consistency = selfConsistency(rounds, messages);
  if (!setting) return { consistency };
  const { adherence, charges } = await judgeAdherence(loadOrg(root).org, messages, setting, seed, forkedAfterTurn, () => new Date());
  recordCharges(folder, run, 'adherence', charges);
  return { adherence, consistency };
}
