import type { SendCause } from '../../format/mail-outcomes.js';
import { padTurn } from '../../mailbox/message.js';
import { ENGINE_SENDER, HUMAN } from '../../org/names.js';
import type { Usage } from '../../providers/provider.js';
import type { EngineState, PendingItem } from '../record/engine-state.js';
import { showCredits } from '../../format/format.js';

/** A notice from the engine to an agent, read in its next inbox like any message. */
export function makeNotice(turn: number, to: string, tag: string, index: number, subject: string, body: string): PendingItem {
  return {
    kind: 'notice',
    id: `${padTurn(turn)}-${ENGINE_SENDER}-${tag}-${to}-${index}`,
    from: ENGINE_SENDER,
    to,
    turn,
    priority: 'high',
    subject,
    body,
  };
}

/** Whether a piece of mail is one of the engine's notices (`000003-lemming-refused-coder_01-1`), not a message file. */
export function isNoticeId(id: string): boolean {
  return id.startsWith(`-${ENGINE_SENDER}-`, id.indexOf('-'));
}

/** What an agent whose sends the per-turn cap refused is told to do: they are not kept, and a later turn may send them. */
const CAP_ADVICE = 'The cap counts the messages of one turn: those refused for it were not kept. Send them again in a later turn, at most the cap in each.';

/**
 * The text of a notice about refused messages: the first 20 with their reasons, then how many more;
 * when the per-turn cap refused any, what to do with them (CAP_ADVICE): a model told only that they
 * were not delivered may drop them, where a send next turn would go through.
 */
export function refusalNoticeBody(refusals: Array<{ to: string; subject?: string; reason: string; cause?: SendCause }>): string {
  const shown = refusals.slice(0, 20).map((refusal) => {
    const about = refusal.subject ? ` ("${refusal.subject}")` : '';
    return `- to ${JSON.stringify(refusal.to)}${about}: ${refusal.reason}`;
  });
  if (refusals.length > shown.length) shown.push(`- and ${refusals.length - shown.length} more, refused for the same kinds of reason`);
  if (refusals.some((refusal) => refusal.cause === 'cap')) shown.push(CAP_ADVICE);
  return `${refusals.length} message(s) you sent were not delivered:\n${shown.join('\n')}`;
}

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

/**
 * The human's notice that a local server cut an agent's prompt silently (it reported the whole of its
 * window as the prompt's tokens: record/token-ratios.ts), told the first time an entry's server is
 * seen doing so, whoever the agent reports to: nothing else would say that the model answered
 * without seeing all it was asked. None when the answer says no such thing. Pure.
 */
export function silentCutNotices(turn: number, agent: string, cutSilently: string | undefined): EngineState['humanNotices'] {
  if (cutSilently === undefined) return [];
  const subject = `${agent}'s prompt was cut by its model's server`;
  const body = `In turn ${turn}, ${cutSilently}\n\`lemming trace ${agent} --turn ${turn}\` shows the call.`;
  const notice = makeNotice(turn, HUMAN, `cut-${agent}`, 1, subject, body);
  return [{ id: notice.id, turn, subject, body }];
}

/**
 * The human's notice that an agent's model answered nothing (no text, no tool call): the call was
 * made and charged, the agent's mail waits for its next call, and a model that keeps doing so is held
 * as any failing model is. Told at once, whoever the agent reports to: nothing else would say that
 * the org went idle with the work undone. Pure.
 */
export function emptyAnswerNotice(turn: number, agent: string, modelKey: string, usage: Pick<Usage, 'inputTokens' | 'outputTokens'> & { credits: number }): EngineState['humanNotices'][number] {
  const subject = `${agent}'s model ${modelKey} answered nothing`;
  const body = [
    `In turn ${turn} ${agent}'s call to ${modelKey} came back empty: no text and no tool call. It was charged ${showCredits(usage.credits)} credits (${usage.inputTokens} input and ${usage.outputTokens} output tokens), and the mail it was shown waits for its next call.`,
    `A model that keeps answering nothing is held after org.yaml engine.max_failed_turns turns in a row. A small model may do better with \`tool_calling: false\` (lemming's plain-text actions) or a larger max_output_tokens; \`lemming trace ${agent} --turn ${turn}\` shows the call.`,
  ].join('\n');
  const notice = makeNotice(turn, HUMAN, `empty-${agent}`, 1, subject, body);
  return { id: notice.id, turn, subject, body };
}

/**
 * The human's notice that the org's history could not record a turn (history/history-writer.ts): what
 * failed, that the run went on, and that the next turn tries again; one per turn it happened after, so
 * a history that stays broken does not fill the inbox. Undefined when nothing failed. Pure.
 */
export function historyNotice(failed: readonly string[], lastTurn: number): EngineState['humanNotices'][number] | undefined {
  if (failed.length === 0) return undefined;
  const subject = `The history did not record turn ${lastTurn}`;
  const body = [
    `The org's history (org/state/history.git) could not record what turn ${lastTurn} left; the run went on, and the record of the turn is whole.`,
    ...failed.map((line) => `- ${line}`),
    "The next turn records the org as it then stands, this turn's changes with it; `lemming status` says whether the history is behind, and `lemming history` lists what it holds.",
  ].join('\n');
  const notice = makeNotice(lastTurn, HUMAN, 'history', 1, subject, body);
  return { id: notice.id, turn: lastTurn, subject, body };
}
