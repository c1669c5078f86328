import { MODEL_DEFAULTS } from '../../providers/model-defaults.js';
import { ANSWER_MAX_BYTES } from '../../providers/provider-error.js';

/**
 * A step of an agent's loop whose answer lemming refused unread as too large (provider-error.ts,
 * ANSWER_TOO_LARGE_CODE) after earlier steps were answered: those stand, and the agent is held as
 * for a first step's (run-turn.ts, failing-agents.ts), its charge noted.
 */
export interface RefusedStep {
  /** The registry entry whose server sent it. */
  modelKey: string;
  /** The failure as the provider said it: the hold's cause. */
  error: string;
  /** Why its charge is what it is (unreadNote): the ledger's line and the log say it. */
  note: string;
}

/** Why an answer refused unread is charged what it is: its server's count is in the body lemming did not read. Pure. */
export function unreadNote(modelKey: string, usage: { inputTokens: number; outputTokens: number }): string {
  return (
    `the answer was past ${ANSWER_MAX_BYTES / 1024 / 1024} MiB and not read, so its server's count of it is unknown; its server did the work, so the call is charged ` +
    `at what it was reserved at: ${usage.inputTokens} prompt tokens as lemming counts them and ${usage.outputTokens} output tokens (org/org.yaml models.${modelKey}.max_output_tokens, or ${MODEL_DEFAULTS.maxOutputTokens} when it sets none)`
  );
}
