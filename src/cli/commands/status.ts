import { orgStatus } from '../../engine/human/org-status.js';
import { orgForReading } from '../org-for-reading.js';
import { whileReadingOnce } from '../../heap-settings.js';
import type { Output } from '../cli-context.js';
import { commandHint } from '../command-hint.js';
import { budgetStatusLine, formatCount, showCredits } from '../../format/format.js';
import { HOLDER_WORDS } from '../../format/mail-outcomes.js';
import { upcomingMeetings } from '../../engine/turn/meetings-of-turn.js';
import { terminalText } from '../../terminal-text/terminal-text.js';
import { listProposals } from '../../tools/proposals/proposal-store.js';
import { waitingDecisionLines } from '../../ui/shared/waiting-decisions.js';

/**
 * Past this many agents, the table lists the agents with something to show and counts the rest:
 * a line per agent of 100,000 is no overview (and took most of `status`'s time); `--all` and
 * `--json` give every agent.
 */
export const STATUS_TABLE_LIMIT = 1_000;

/** `lemming status`: the turn, and each agent's credits, unread mail, last activity and last error. */
export function statusCommand(root: string, options: { json?: boolean; all?: boolean }, output: Output): number {
  // Read, shown and done: the old generation grows freely while the org is read (heap-settings.ts).
  const { org, problems } = whileReadingOnce(() => orgForReading(root, output));
  const status = orgStatus(org, { leaveOutQuiet: !options.all && !options.json && org.agents.size > STATUS_TABLE_LIMIT });
  const proposals = listProposals(root).proposals.filter((proposal) => proposal.status === 'pending');
  const meetings = upcomingMeetings(root, org, status.turn);
  if (options.json) {
    output.out(JSON.stringify({ ...status, proposals, ...(meetings.length > 0 ? { meetings } : {}), problems }, null, 2));
    return 0;
  }
  const running = status.running ? `; running (\`lemming ${status.running.command}\`, process ${status.running.pid})` : '';
  const unfinished = status.unfinishedTurn && !status.running ? '; a turn was interrupted and the next run finishes it' : '';
  output.out(`${status.org} at turn ${status.turn}${running}${unfinished}`);
  const rows = status.agents.map((agent) => [
    agent.name,
    agent.isHuman ? 'human' : agent.model,
    agent.isHuman ? '-' : `${showCredits(agent.balance)} / ${showCredits(agent.budget + agent.toppedUp)}`,
    String(agent.unread),
    agent.lastActivity ? `turn ${agent.lastActivity.turn}: ${agent.lastActivity.summary}` : '-',
    agent.lastError ? `turn ${agent.lastError.turn}: ${agent.lastError.message}` : '',
  ]);
  const header = ['agent', 'model', 'credits left', 'unread', 'last activity', 'last error'];
  // One write for the whole table: at 10,000 agents, a write per line cost more than building it.
  output.out(table([header, ...rows]).join('\n'));
  const hint = commandHint(root);
  if (status.quiet) {
    output.out(`and ${formatCount(status.quiet)} more agents with no unread mail, no error, not held and not called in turn ${status.turn}: \`${hint('status --all')}\` lists every agent`);
  }
  const refused = status.agents.flatMap((agent) =>
    agent.refusedWhenRead ? [`${agent.name} has ${agent.refusedWhenRead} more message(s) waiting that it will not read: the chart or a list changed after they were sent, and its next turn refuses them and tells their senders`] : [],
  );
  if (refused.length > 0) output.out(refused.join('\n'));
  const held = status.agents.flatMap((agent) =>
    agent.held ? [`${agent.name} is held: its model ${agent.held.model} failed in ${agent.held.failedTurns} turns in a row (${agent.held.cause}); \`${hint(`retry ${agent.name}`)}\` calls it again`] : [],
  );
  if (held.length > 0) output.out(held.join('\n'));
  const breakerHeld = (status.breakerHeld ?? []).map((item) => `${item.agent} is held by ${HOLDER_WORDS[item.by]} since turn ${item.turn} (${item.reason}); \`${hint(`retry ${item.agent}`)}\` calls it again`);
  if (breakerHeld.length > 0) output.out(breakerHeld.join('\n'));
  if (status.budget) output.out(status.budget.map(budgetStatusLine).join('\n'));
  if (meetings.length > 0) output.out(meetings.map((meeting) => `meeting ${meeting.name} at turn ${meeting.turn}: ${meeting.attendees.join(', ')}, ${meeting.rounds} round(s) (${meeting.file})`).join('\n'));
  if (status.awaiting) {
    const shown = status.awaiting.slice(0, 5).map((item) => `  ${item.id} from ${item.from} to ${item.to}, sent in turn ${item.turn}${item.subject ? ` ("${item.subject}")` : ''}`);
    const more = status.awaiting.length > shown.length ? [`  and ${status.awaiting.length - shown.length} more`] : [];
    output.out([`${status.awaiting.length} message(s) wait for an answer (org/routing.yaml escalate):`, ...shown, ...more].join('\n'));
  }
  const decisions = waitingDecisionLines(proposals, hint);
  if (decisions.length > 0) output.out(decisions.join('\n'));
  if (status.historyBehind) {
    output.out(`the history is behind: it has recorded no turn since turn ${status.historyBehind.turn} (${status.historyBehind.problem}); the next turn records the org as it then stands, and \`${hint('history')}\` lists what it holds`);
  }
  return 0;
}

/**
 * Left-aligned columns, two spaces apart. Plain loops: at 10,000 agents this is 60,000 cells in code not yet optimised.
 * Each cell is escaped for the terminal before it is measured, so a cell holding a control character does not
 * shift the columns after it (the printer's own pass then finds nothing left to escape).
 */
export function table(cells: string[][]): string[] {
  const rows = cells.map((row) => row.map(terminalText));
  const widths: number[] = [];
  for (const row of rows) {
    for (let index = 0; index < row.length; index += 1) {
      const length = (row[index] ?? '').length;
      if (length > (widths[index] ?? 0)) widths[index] = length;
    }
  }
  const lines: string[] = [];
  for (const row of rows) {
    let line = '';
    const last = row.length - 1;
    for (let index = 0; index < last; index += 1) line += `${(row[index] ?? '').padEnd(widths[index] ?? 0)}  `;
    if (last >= 0) line += row[last] ?? '';
    lines.push(line.trimEnd());
  }
  return lines;
}
