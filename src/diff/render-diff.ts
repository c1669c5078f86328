import { formatCount, plural, showCredits } from '../format/format.js';
import { rowDiffers } from './compare-orgs.js';
import type { AgentMoney, ChangedMessage, FieldChange, MessageChanges, MessageRef, OrgDiff } from './org-diff.js';

/**
 * `lemming diff` for people: the two sides, a summary of counts, then a section for each kind of
 * difference. Lines of plain text; the command sends each through the terminal gate (agents
 * wrote the bodies and subjects quoted here). Pure.
 */
export function renderDiff(diff: OrgDiff): string[] {
  const lines = [side('A', diff.a), side('B', diff.b)];
  if (diff.equal) {
    lines.push(`no differences${diff.comparedCreated ? '' : ' (created: times not compared; --created compares them)'}`);
    return lines;
  }
  lines.push(`summary: ${summary(diff)}`);
  if (diff.a.turn !== diff.b.turn) lines.push('', `turn: A is at turn ${diff.a.turn}, B at turn ${diff.b.turn}`);
  messageSections(lines, diff.messages);
  humanSection(lines, diff);
  agentSections(lines, diff);
  moneySections(lines, diff);
  if (diff.proposals.length > 0) {
    lines.push('', `proposals decided differently (${diff.proposals.length}):`);
    for (const change of diff.proposals) lines.push(`  ${change.id}: ${change.description}: A ${status(change.a)}, B ${status(change.b)}`);
  }
  if (diff.outcome) {
    lines.push('', 'outcome (experiment-result.json):');
    for (const row of diff.outcome) lines.push(`  ${row.measure}: ${row.same ? `${value(row.a)} (both)` : `${value(row.a)} -> ${value(row.b)}`}`);
  }
  for (const [name, files] of [['A', diff.unreadable.a], ['B', diff.unreadable.b]] as const) {
    if (files.length === 0) continue;
    lines.push('', `message files ${name} could not read (left out of the comparison):`);
    for (const file of files) lines.push(`  ${file.file}: ${file.error}`);
  }
  return lines;
}

function side(name: string, about: OrgDiff['a']): string {
  return `${name}: ${about.label} (org ${about.org}, turn ${about.turn})`;
}

function summary(diff: OrgDiff): string {
  const counts = diff.summary;
  const parts: string[] = [];
  const messages = [
    counts.messagesAdded > 0 ? `${formatCount(counts.messagesAdded)} added` : '',
    counts.messagesMissing > 0 ? `${formatCount(counts.messagesMissing)} missing` : '',
    counts.messagesChanged > 0 ? `${formatCount(counts.messagesChanged)} changed` : '',
  ].filter(Boolean);
  if (messages.length > 0) parts.push(`messages: ${messages.join(', ')}`);
  if (counts.humanMessagesDiffering > 0) parts.push(`the human's mail: ${formatCount(counts.humanMessagesDiffering)} differ`);
  if (counts.agentsAdded > 0) parts.push(`${plural(counts.agentsAdded, 'agent')} added`);
  if (counts.agentsRemoved > 0) parts.push(`${plural(counts.agentsRemoved, 'agent')} removed`);
  if (counts.resumesChanged > 0) parts.push(`${plural(counts.resumesChanged, 'resume')} changed`);
  if (counts.orgFilesChanged > 0) parts.push(`${plural(counts.orgFilesChanged, 'org file')} changed`);
  if (counts.balancesDiffering > 0) parts.push(`${plural(counts.balancesDiffering, 'balance')} differ`);
  if (diff.ledger.difference.spent !== 0) parts.push(`credits spent ${creditPair(diff.ledger.a.spent, diff.ledger.b.spent)}`);
  if (counts.proposalsDecidedDifferently > 0) parts.push(`${plural(counts.proposalsDecidedDifferently, 'proposal')} decided differently`);
  if (counts.outcomeMeasuresDiffering > 0) parts.push(`${plural(counts.outcomeMeasuresDiffering, 'outcome measure')} differ`);
  if (diff.a.turn !== diff.b.turn) parts.push(`turn ${diff.a.turn} -> ${diff.b.turn}`);
  if (diff.unreadable.a.length + diff.unreadable.b.length > 0) parts.push('message files that could not be read');
  return parts.length > 0 ? parts.join('; ') : 'only the ledger differs';
}

function messageLine(mark: string, message: MessageRef): string {
  return `  ${mark} [turn ${message.turn}] ${message.id} ${message.from} -> ${message.to}: ${message.subject ?? message.preview}`;
}

function fieldLine(change: FieldChange): string {
  const show = (value: FieldChange['a']): string => (value === null ? '(none)' : typeof value === 'string' ? JSON.stringify(value) : String(value));
  return `    ${change.field}: ${show(change.a)} -> ${show(change.b)}`;
}

function changedLines(message: ChangedMessage): string[] {
  return [messageLine('~', message), ...message.fields.map(fieldLine), ...message.bodyDiff.map((line) => `    ${line}`)];
}

function messageSections(lines: string[], changes: MessageChanges): void {
  if (changes.added.length > 0) {
    lines.push('', `messages added (in B, not in A): ${formatCount(changes.added.length)}`);
    for (const message of changes.added) lines.push(messageLine('+', message));
  }
  if (changes.missing.length > 0) {
    lines.push('', `messages missing (in A, not in B): ${formatCount(changes.missing.length)}`);
    for (const message of changes.missing) lines.push(messageLine('-', message));
  }
  if (changes.changed.length > 0) {
    lines.push('', `messages changed: ${formatCount(changes.changed.length)}`);
    for (const message of changes.changed) lines.push(...changedLines(message));
  }
}

/** The human's mail again, by direction and without the bodies (the sections above hold them). */
function humanSection(lines: string[], diff: OrgDiff): void {
  const { sent, received, lastAnswer } = diff.human;
  const listed = (changes: MessageChanges): string[] => [
    ...changes.added.map((message) => messageLine('+', message)),
    ...changes.missing.map((message) => messageLine('-', message)),
    ...changes.changed.map((message) => messageLine('~', message)),
  ];
  const sentLines = listed(sent);
  const receivedLines = listed(received);
  if (sentLines.length === 0 && receivedLines.length === 0 && lastAnswer.same) return;
  lines.push('', "the human's answers:");
  if (sentLines.length > 0) lines.push('  sent by the human:', ...sentLines.map((line) => `  ${line}`));
  if (receivedLines.length > 0) lines.push('  received by the human:', ...receivedLines.map((line) => `  ${line}`));
  if (!lastAnswer.same) {
    const answer = (message: MessageRef | null): string => (message ? `${message.id} from ${message.from} in turn ${message.turn}` : 'none');
    lines.push(`  last answer to the human: A ${answer(lastAnswer.a)}; B ${answer(lastAnswer.b)}${lastAnswer.a && lastAnswer.a.id === lastAnswer.b?.id ? ' (changed)' : ''}`);
  }
}

function agentSections(lines: string[], diff: OrgDiff): void {
  if (diff.agents.added.length > 0) lines.push('', `agents added (in B, not in A): ${diff.agents.added.join(', ')}`);
  if (diff.agents.removed.length > 0) lines.push('', `agents removed (in A, not in B): ${diff.agents.removed.join(', ')}`);
  for (const [title, changes] of [['resumes changed', diff.resumes], ['org files changed', diff.orgFiles]] as const) {
    if (changes.length === 0) continue;
    lines.push('', `${title}: ${changes.length}`);
    for (const change of changes) lines.push(`  ${change.file}`, ...change.diff.map((line) => `    ${line}`));
  }
}

/** `0.0480 -> 0.0109`; amounts that differ below the fourth decimal in full, so the two never read the same. */
function creditPair(a: number, b: number): string {
  const [shownA, shownB] = [showCredits(a), showCredits(b)];
  return shownA === shownB && a !== b ? `${a} -> ${b}` : `${shownA} -> ${shownB}`;
}

function credits(value: number | null | undefined): string {
  return value === null || value === undefined ? 'n/a' : showCredits(value);
}

function signed(value: number | null): string {
  if (value === null) return 'n/a';
  // A difference too small for four decimals is given in full rather than as a zero.
  const shown = value !== 0 && showCredits(value).replace(/^-/, '') === '0.0000' ? String(value) : showCredits(value);
  return value > 0 ? `+${shown}` : shown;
}

function moneySide(money: AgentMoney | null): string {
  return money ? `${credits(money.balance)} (spent ${credits(money.spent)})` : 'no such agent';
}

function moneySections(lines: string[], diff: OrgDiff): void {
  const rows = diff.balances.filter(rowDiffers);
  if (rows.length > 0) {
    lines.push('', 'balances (A, B, B - A):');
    for (const row of rows) {
      lines.push(`  ${row.agent}: ${moneySide(row.a)}, ${moneySide(row.b)}, ${signed(row.balanceDifference)}${row.spentDifference === 0 ? '' : ` (spent ${signed(row.spentDifference)})`}`);
    }
  }
  const { a, b, difference } = diff.ledger;
  if (Object.values(difference).every((count) => count === 0)) return;
  lines.push(
    '',
    'ledger (A -> B):',
    `  credits spent: ${creditPair(a.spent, b.spent)} (${signed(difference.spent)})`,
    `  calls charged: ${formatCount(a.calls)} -> ${formatCount(b.calls)}`,
    `  tokens: ${formatCount(a.inputTokens)} in, ${formatCount(a.outputTokens)} out -> ${formatCount(b.inputTokens)} in, ${formatCount(b.outputTokens)} out`,
  );
  if (difference.toppedUp !== 0) lines.push(`  topped up or moved: ${showCredits(a.toppedUp)} -> ${showCredits(b.toppedUp)}`);
}

function status(side: { status: string; reason?: string } | null): string {
  if (!side) return 'has no such proposal';
  return `${side.status}${side.reason ? ` (${side.reason})` : ''}`;
}

function value(given: string | number | boolean | null): string {
  if (given === null) return 'n/a';
  if (typeof given === 'boolean') return given ? 'yes' : 'no';
  return String(given);
}
