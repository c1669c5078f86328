import type { LogEntry } from '../../src/engine/record/agent-log.js';
import { parseMessageFileName, messageId } from '../../src/mailbox/message.js';
import { parseMessageMarkup } from '../../src/mailbox/prompt-markup.js';
import { ENGINE_SENDER, HUMAN } from '../../src/org/names.js';
import type { Org } from '../../src/org/org.js';
import { checkEdge } from '../../src/org/permissions.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import type { OrgRecord } from './org-record.js';

function count<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Ids a broken file would have had, so reading one (it broke after it was taken in) is not "unknown". */
function brokenIds(broken: ReadonlySet<string>): Set<string> {
  const ids = new Set<string>();
  for (const file of broken) {
    const [, sender, , name] = file.split('/');
    const parsed = parseMessageFileName(name ?? '');
    if (sender && parsed) ids.add(messageId(parsed.turn, sender, parsed.seq));
  }
  return ids;
}

/**
 * Exactly once: every message the chart allowed was read once by its recipient (or
 * still waits for it, once), never by anyone else; every refused one has one
 * `refused` line and reached no one; every refusal's notice reached its sender once.
 */
export function deliveryViolations(record: OrgRecord, org: Org, broken: ReadonlySet<string>): string[] {
  const violations: string[] = [];
  const reads = new Map<string, Array<{ agent: string; turn: number }>>();
  for (const [agent, entries] of record.logs) {
    for (const entry of entries.filter((line) => line.event === 'read')) {
      for (const id of entry.ids as string[]) reads.set(id, [...(reads.get(id) ?? []), { agent, turn: entry.turn }]);
    }
  }
  const waiting = new Map<string, number>();
  for (const item of record.state.pending) count(waiting, `${item.id}\n${item.to}`);
  const refusedFiles = new Map<string, LogEntry[]>();
  for (const entries of record.logs.values()) {
    for (const entry of entries) {
      if (entry.event === 'refused' && typeof entry.file === 'string') refusedFiles.set(entry.file, [...(refusedFiles.get(entry.file) ?? []), entry]);
    }
  }

  const known = new Map<string, string>();
  for (const message of record.messages) {
    if ('error' in message.read) continue;
    const { id, to } = message.read.message;
    known.set(id, to);
    const refused = refusedFiles.get(message.file) ?? [];
    const readers = reads.get(id) ?? [];
    for (const reader of readers.filter((item) => item.agent !== to)) violations.push(`${message.file}: shown to ${reader.agent} in turn ${reader.turn}, but it is for ${to}`);
    const delivered = readers.filter((item) => item.agent === to).length + (waiting.get(`${id}\n${to}`) ?? 0);
    if (refused.length > 1) violations.push(`${message.file}: refused ${refused.length} times`);
    if (to === HUMAN) {
      const allowed = checkEdge(org, message.sender, HUMAN).allowed;
      if (allowed === refused.length > 0) violations.push(`${message.file}: ${allowed ? 'allowed to reach the human but refused' : 'not allowed to reach the human and not refused'}`);
    } else if (refused.length > 0 && delivered > 0) {
      violations.push(`${message.file}: refused, yet delivered ${delivered} time(s)`);
    } else if (refused.length === 0 && delivered !== 1) {
      violations.push(`${message.file}: delivered ${delivered} time(s) to ${to}, not once`);
    }
  }

  const lost = brokenIds(broken);
  for (const [id, readers] of reads) {
    if (readers.length > 1) violations.push(`${id}: read ${readers.length} times (${readers.map((item) => `${item.agent} in turn ${item.turn}`).join(', ')})`);
    const isNotice = id.split('-')[1] === ENGINE_SENDER;
    if (!known.has(id) && !isNotice && !lost.has(id)) violations.push(`${id}: read by ${readers[0]?.agent}, but no message file has that id`);
  }

  // Every refusal names a notice, and that notice reached the sender once.
  for (const [agent, entries] of record.logs) {
    for (const entry of entries.filter((line) => line.event === 'refused')) {
      const notice = entry.notice;
      if (typeof notice !== 'string') {
        violations.push(`agents/${agent}/logs: a refusal in turn ${entry.turn} names no notice`);
        continue;
      }
      const shown = (reads.get(notice) ?? []).filter((item) => item.agent === agent).length;
      const humanNotices = agent === HUMAN ? record.state.humanNotices.filter((item) => item.id === notice).length : 0;
      const total = shown + (waiting.get(`${notice}\n${agent}`) ?? 0) + humanNotices;
      if (total !== 1) violations.push(`agents/${agent}/logs: the notice ${notice} of a refusal in turn ${entry.turn} reached ${agent} ${total} time(s)`);
    }
  }
  return violations;
}

/**
 * What each recipient was shown against the files: every message in a prompt is
 * the file with that id, from its real sender, with the file's body (or its start,
 * when the context cut it); every refusal is listed in the notice that reports it.
 */
export function promptViolations(record: OrgRecord, requests: readonly ProviderRequest[]): string[] {
  const violations: string[] = [];
  const files = new Map(record.messages.flatMap((message) => ('error' in message.read ? [] : [[message.read.message.id, message.read.message] as const])));
  const notices = new Map<string, string>();
  for (const request of requests) {
    for (const item of parseMessageMarkup(request.messages[0]?.content ?? '')) {
      if (item.from === ENGINE_SENDER) {
        notices.set(item.id, item.body);
        continue;
      }
      const message = files.get(item.id);
      if (!message) continue; // A file broken after it was taken in: the warning says so.
      if (message.from !== item.from) violations.push(`${request.agent}, turn ${request.turn}: ${item.id} shown as from ${item.from}, but it is from ${message.from}`);
      const cut = /\n\[lemming: this message is \d+ characters; only the first \d+ fit in your context\]$/.exec(item.body);
      const same = cut ? message.body.startsWith(item.body.slice(0, cut.index)) : message.body === item.body;
      if (!same) violations.push(`${request.agent}, turn ${request.turn}: ${item.id} was shown with a body that is not its file's`);
    }
  }
  for (const [agent, entries] of record.logs) {
    for (const entry of entries.filter((line) => line.event === 'refused')) {
      const body = agent === HUMAN ? record.state.humanNotices.find((item) => item.id === entry.notice)?.body : notices.get(String(entry.notice));
      if (body === undefined) continue; // Not shown yet; deliveryViolations says whether it waits.
      if (!body.includes(`to ${JSON.stringify(entry.to)}`) && !/- and \d+ more/.test(body)) {
        violations.push(`${entry.notice}: does not list the refusal of ${agent}'s message to ${JSON.stringify(entry.to)}`);
      }
    }
  }
  return violations;
}
