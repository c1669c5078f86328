import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatMessage } from '../../src/mailbox/message-format.js';
import { messageFileName, messageId } from '../../src/mailbox/message.js';
import { ringAgents, ringMessagesIn, ringText } from './ring.js';

/**
 * The ring as a lemming org, written as files a user would write: org.yaml naming the stand-in
 * model as an `openai-compatible` entry and `engine.concurrency`, a chart in which each agent may
 * write to the next and read from the one before, a resume per agent, and the human's first
 * message to every agent in the human's outbox (step 0). `lemming run` takes it from there.
 */
export interface LemmingRing {
  root: string;
  agents: number;
  url: string;
  concurrency: number;
  /** `history: { keep: true }`, for a fork. */
  keepHistory?: boolean;
}

export function writeLemmingRing(ring: LemmingRing): void {
  const { root } = ring;
  const names = ringAgents(ring.agents);
  mkdirSync(join(root, 'org'), { recursive: true });
  writeFileSync(
    join(root, 'org', 'org.yaml'),
    [
      'name: ring',
      'engine:',
      '  max_turns: 1000',
      `  concurrency: ${ring.concurrency}`,
      'models:',
      '  ring:',
      '    provider: openai-compatible',
      '    model: ring',
      `    base_url: ${ring.url}`,
      '    input_price: 0.1',
      '    output_price: 0.1',
      '    context_window: 100000',
      ...(ring.keepHistory ? ['history: { keep: true }'] : []),
      '',
    ].join('\n'),
  );
  const chart = names.map((name, index) => {
    const next = names[(index + 1) % names.length] as string;
    const previous = names[(index + names.length - 1) % names.length] as string;
    return `  ${name}:\n    reports_to: human\n    send_to: [${next}]\n    read_from: [${previous}, human]\n`;
  });
  writeFileSync(join(root, 'org', 'chart.yaml'), `agents:\n  human:\n    reports_to: null\n    send_to: ["*"]\n    read_from: ["*"]\n${chart.join('')}`);
  const resume = (name: string, front: string, body: string) => {
    mkdirSync(join(root, 'agents', name), { recursive: true });
    writeFileSync(join(root, 'agents', name, 'resume.md'), `---\n${front}---\n${body}\n`);
  };
  resume('human', 'title: The person\nmodel: human\n', 'The person who starts the ring.');
  for (const name of names) resume(name, 'title: Member of the ring\nmodel: ring\ncredits: 1000000\n', 'Read your mail and pass the work on to the next agent.');
  const outbox = join(root, 'agents', 'human', 'outbox');
  mkdirSync(outbox, { recursive: true });
  names.forEach((to, index) => {
    const seq = index + 1;
    const message = { id: messageId(0, 'human', seq), from: 'human', to, turn: 0, created: '2026-01-01T00:00:00.000Z', priority: 'normal' as const, subject: 'Ring', body: ringText(0, 'human') };
    writeFileSync(join(outbox, messageFileName(0, seq, to)), formatMessage(message));
  });
}

/** Every ring message the agents' outboxes hold, by sender (the outbox's owner) and step. */
export function lemmingRingMessages(root: string, agents: number): Array<{ agent: string; step: number }> {
  const messages: Array<{ agent: string; step: number }> = [];
  for (const agent of ringAgents(agents)) {
    const outbox = join(root, 'agents', agent, 'outbox');
    let files: string[] = [];
    try {
      files = readdirSync(outbox).filter((file) => file.endsWith('.md'));
    } catch {
      continue;
    }
    for (const file of files) for (const { step } of ringMessagesIn(readFileSync(join(outbox, file), 'utf8'))) messages.push({ agent, step });
  }
  return messages;
}
