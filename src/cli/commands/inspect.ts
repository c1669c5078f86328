import { readMemory } from '../../engine/record/agent-memory.js';
import { orgStatus } from '../../engine/human/org-status.js';
import { listMessageFiles, readMessageFile } from '../../mailbox/message-file.js';
import { parseMessageFileName, type Message } from '../../mailbox/message.js';
import { orgForReading } from '../org-for-reading.js';
import { requireAgent } from '../../org/must-exist.js';
import type { Audience, Org } from '../../org/org.js';
import { checkEdge } from '../../org/permissions.js';
import type { Output } from '../cli-context.js';
import { showCredits } from '../../format/format.js';

function audience(value: Audience): string {
  return value === '*' ? 'everyone (*)' : value.size === 0 ? 'nobody' : [...value].sort().join(', ');
}

function recent(root: string, org: Org, agent: string, count: number): { sent: Message[]; received: Message[] } {
  const read = (sender: string, names: string[]): Message[] =>
    names.flatMap((name) => {
      const result = readMessageFile(root, sender, name, 0, org.settings.max_body_chars);
      return 'error' in result ? [] : [result.message];
    });
  const sent = read(agent, listMessageFiles(root, agent).slice(-count));
  const received: Message[] = [];
  for (const sender of org.agents.keys()) {
    if (sender === agent) continue;
    const names = listMessageFiles(root, sender).filter((name) => parseMessageFileName(name)?.to === agent);
    received.push(...read(sender, names.slice(-count)));
  }
  received.sort((left, right) => left.turn - right.turn || left.id.localeCompare(right.id));
  return { sent, received: received.slice(-count) };
}

/** `lemming inspect <agent>`: resume, permissions, credits, notes, and recent mail in and out. */
export function inspectCommand(root: string, agent: string, options: { json?: boolean; count?: number }, output: Output): number {
  const { org } = orgForReading(root, output);
  const target = requireAgent(org, agent);
  const status = orgStatus(org).agents.find((entry) => entry.name === agent);
  const others = [...org.agents.keys()].filter((name) => name !== agent);
  const reaches = others.filter((name) => checkEdge(org, agent, name).allowed);
  const hears = others.filter((name) => checkEdge(org, name, agent).allowed);
  const memory = readMemory(root, agent);
  const mail = recent(root, org, agent, options.count ?? 5);
  if (options.json) {
    output.out(JSON.stringify({ agent: { ...target, sendTo: audience(target.sendTo), readFrom: audience(target.readFrom) }, status, reaches, hears, memory: Object.fromEntries(memory), ...mail }, null, 2));
    return 0;
  }
  output.out(`${agent}: ${target.title}`);
  output.out(`  resume      ${target.resumeFile}`);
  output.out(`  model       ${target.models.join(' -> ')}`);
  if (!target.isHuman) {
    output.out(`  credits     ${showCredits(status?.balance ?? 0)} left of ${showCredits(target.credits)} budget + ${showCredits(status?.toppedUp ?? 0)} top-ups (${showCredits(status?.spent ?? 0)} spent)`);
    output.out(`  schedule    ${target.schedule.every > 0 ? `every ${target.schedule.every} turns from turn ${target.schedule.offset}` : 'only when mail arrives'}`);
    output.out(`  tools       ${target.tools.join(', ') || 'none'}`);
    output.out(`  unread      ${status?.unread ?? 0}`);
  }
  output.out(`  reports to  ${target.reportsTo ?? 'nobody'}`);
  output.out(`  send_to     ${audience(target.sendTo)}  (reaches: ${reaches.join(', ') || 'nobody'})`);
  output.out(`  read_from   ${audience(target.readFrom)}  (hears from: ${hears.join(', ') || 'nobody'})`);
  output.out(`  notes       ${memory.size === 0 ? 'none' : [...memory.keys()].join(', ')}`);
  output.out('recent mail in:');
  for (const message of mail.received) output.out(`  [turn ${message.turn}] from ${message.from}: ${message.subject ?? message.body.split('\n')[0]}`);
  if (mail.received.length === 0) output.out('  none');
  output.out('recent mail out:');
  for (const message of mail.sent) output.out(`  [turn ${message.turn}] to ${message.to}: ${message.subject ?? message.body.split('\n')[0]}`);
  if (mail.sent.length === 0) output.out('  none');
  return 0;
}
