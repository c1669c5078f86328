import type { EngineEvent } from '../engine/events.js';
import type { Output } from './cli-context.js';
import { formatEvent, notCarriedOut } from './format-event.js';
import { finishReason, formatCount, showCredits } from '../format/format.js';
import { capCutText, formsText, heldText, refusedText } from '../format/mail-outcomes.js';
import type { RuleDraws } from '../engine/turn/activation.js';
import { paintEvent } from './paint-event.js';
import { listProposals } from '../tools/proposals/proposal-store.js';
import { waitingDecisionLines } from '../ui/shared/waiting-decisions.js';
import { commandHint, type CommandHint } from './command-hint.js';

/** Events without the terminal UI: readable lines, one JSON object per line, or (`--log-format json`) log records on standard error. */
export type OutputMode = 'plain' | 'json' | 'log';

/** Print an engine event stream as readable lines or as one JSON object per line; return the last run summary. */
export async function printEvents(
  events: AsyncIterable<EngineEvent>,
  mode: OutputMode,
  output: Output,
  /** `seen`: told each event before it is printed. */
  options: { colour?: boolean; seen?: (event: EngineEvent) => void } = {},
  /** Counts the messages the run delivered to the human: they wait for the person (see finishReason). */
  delivered?: { toHuman: number },
): Promise<Extract<EngineEvent, { type: 'run-finished' }> | undefined> {
  let finished: Extract<EngineEvent, { type: 'run-finished' }> | undefined;
  for await (const event of events) {
    options.seen?.(event);
    if (event.type === 'run-finished') finished = event;
    if (delivered && event.type === 'message-delivered' && event.message.to === 'human') delivered.toHuman += 1;
    if (mode === 'json') {
      output.out(JSON.stringify(event));
      continue;
    }
    if (mode === 'log' && output.record) {
      output.record(event);
      continue;
    }
    const line = formatEvent(event);
    if (line !== undefined) output.out(line, options.colour ? (escaped) => paintEvent(event, escaped) : undefined);
  }
  return finished;
}

type RunFinished = Extract<EngineEvent, { type: 'run-finished' }>;

/** The line naming agents that wait for credits with mail, when there are any. */
export function strandedLine(finished: RunFinished, hint: CommandHint): string | undefined {
  return finished.stranded.length > 0 ? `Out of credits with mail waiting: ${finished.stranded.join(', ')} (\`${hint('top-up <agent> <credits>')}\`).` : undefined;
}

/** The line naming agents whose mail waits on models that keep failing. */
export function failingLine(finished: RunFinished, hint: CommandHint): string {
  return `Mail waits for agents whose models keep failing: ${finished.failing.join(', ')}; the human's inbox says why (\`${hint('inbox')}\`), and \`${hint('retry <agent>')}\` tries again.`;
}

/** Proposals waiting for the person when a run ends, and how to decide them (none: no lines). */
export function decisionsWaiting(root: string, hint: CommandHint): string[] {
  return waitingDecisionLines(
    listProposals(root).proposals.filter((proposal) => proposal.status === 'pending'),
    hint,
  );
}

/** Where a run's files are and what to look at next. */
export function whereToLook(root: string, hint: CommandHint): string {
  return `Messages: ${root}/agents/<name>/outbox/. Read the human's mail with \`${hint('inbox')}\`; see credits with \`${hint('status')}\`.`;
}

/** Agents whose mail waits because a budget ceiling is reached, and what lets them go on. */
export function ceilingLine(finished: RunFinished): string | undefined {
  return finished.atCeiling && finished.atCeiling.length > 0 ? `At a budget ceiling with mail waiting: ${finished.atCeiling.join(', ')} (raise \`budget:\` in org/org.yaml to go on).` : undefined;
}

/** A part of a line as a sentence of its own (none when it is empty): `Reached 9: …`. */
function sentence(part: string, after = ''): string[] {
  return part === '' ? [] : [`${part.charAt(0).toUpperCase()}${part.slice(1)}${after}.`];
}

/** What each activation rule drew: `Activation (org.yaml engine.activation): rule 1 drew 3 of 4 agent-turns with work, rule 2 drew 3 of 3.` */
export function drawsLine(draws: readonly RuleDraws[]): string {
  return `Activation (org.yaml engine.activation): ${draws.map((rule) => `rule ${rule.rule} drew ${formatCount(rule.drawn)} of ${formatCount(rule.governed)}`).join(', ')} agent-turns with work; the others' mail waited for a later draw.`;
}

/**
 * The short summary a run ends with; `forYou`: messages the run delivered to the human. Its one
 * hint serves every line: how to start lemming is a search of PATH (a look in each of its folders).
 */
export function runSummary(finished: RunFinished, root: string, forYou = 0): string[] {
  const totals = finished.totals;
  const tokens = totals.inputTokens + totals.outputTokens;
  const hint = commandHint(root);
  const stranded = strandedLine(finished, hint);
  const ceiling = ceilingLine(finished);
  return [
    ...(stranded ? [stranded] : []),
    ...(ceiling ? [ceiling] : []),
    ...(finished.failing.length > 0 ? [failingLine(finished, hint)] : []),
    `${finished.turns} turn(s) run, now at turn ${finished.lastTurn}; ${finishReason(finished, forYou, hint)}.`,
    `${totals.delivered} message(s) delivered by the org${totals.fromHuman > 0 ? ` (besides ${totals.fromHuman} from the human)` : ''}, ${refusedText(totals.refusals)}, ${notCarriedOut(totals.invalidCalls)}${totals.errors} error(s); ` +
      `${formatCount(tokens)} tokens, ${showCredits(totals.credits)} credits spent.`,
    ...sentence(formsText(totals.deliveries)),
    ...sentence(heldText(totals.refusals), ' (their mail waited)'),
    ...(totals.draws && totals.draws.length > 0 ? [drawsLine(totals.draws)] : []),
    ...(totals.refusals.cap > 0 ? [capCutText(totals.refusals.cap)] : []),
    ...decisionsWaiting(root, hint),
    whereToLook(root, hint),
  ];
}
