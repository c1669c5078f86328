import { Session } from 'node:inspector/promises';
import { setFlagsFromString } from 'node:v8';
import { expect, test } from 'vitest';
import { readMessageFile } from '../../src/mailbox/message-file.js';
import { tempDir, write } from '../helpers/org-files.js';

/** A node of V8's sampling heap profile: a function, the bytes sampled in it, and what it called. */
interface ProfileNode {
  callFrame: { functionName: string };
  selfSize: number;
  children: ProfileNode[];
}

/** Bytes V8's sampling heap profiler counted in `name` and what it called, dead or alive. */
function bytesUnder(node: ProfileNode, name: string, inside = false): number {
  const here = inside || node.callFrame.functionName === name;
  return (here ? node.selfSize : 0) + node.children.reduce((sum, child) => sum + bytesUnder(child, name, here), 0);
}

const MESSAGES = 1_000;

/** A message file as lemming writes it (about 300 bytes): what a fresh process's first turn reads for each agent with mail waiting. */
function messageFile(index: number): string {
  const from = `agent_${String(index).padStart(4, '0')}`;
  const to = `agent_${String((index + 1) % MESSAGES).padStart(4, '0')}`;
  return `---\nid: 000003-${from}-001\nfrom: ${from}\nto: ${to}\nturn: 3\ncreated: 2026-11-29T17:29:39.807Z\nsubject: Turn 3\npriority: normal\nreply_to: 000002-agent_0999-001\nmodel: bench\nusage: { input_tokens: 500, output_tokens: 40, credits: 0.00058 }\n---\nOver to you, ${to}: the next step is yours.\n`;
}

// Counted, not timed: the bytes the reads allocate, dead or alive, as V8's sampling heap profiler counts them at a fixed interval (its randomness off).
test("reading a fresh process's waiting mail makes at most 8 KB of garbage a message of 300 bytes", { timeout: 60_000 }, async () => {
  const root = tempDir('lemming-message-read-garbage-');
  const senders = Array.from({ length: MESSAGES }, (_, index) => `agent_${String(index).padStart(4, '0')}`);
  for (const [index, sender] of senders.entries()) write(root, `agents/${sender}/outbox/000003-001-${senders[(index + 1) % MESSAGES]}.md`, messageFile(index));
  setFlagsFromString('--sampling-heap-profiler-suppress-randomness');
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.startSampling', { samplingInterval: 64, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    const read = senders.map((sender, index) => readMessageFile(root, sender, `000003-001-${senders[(index + 1) % MESSAGES]}.md`, 1, 20_000));
    const { profile } = await session.post('HeapProfiler.stopSampling');
    for (const [index, result] of read.entries()) {
      if ('error' in result) throw new Error(result.error);
      expect(result).toEqual({
        message: {
          id: `000003-${senders[index]}-001`,
          from: senders[index],
          to: senders[(index + 1) % MESSAGES],
          turn: 3,
          created: '2026-11-29T17:29:39.807Z',
          subject: 'Turn 3',
          priority: 'normal',
          replyTo: '000002-agent_0999-001',
          model: 'bench',
          usage: { inputTokens: 500, outputTokens: 40, credits: 0.00058 },
          body: `Over to you, ${senders[(index + 1) % MESSAGES]}: the next step is yours.`,
        },
        notes: [],
      });
    }
    const perMessage = bytesUnder(profile.head as ProfileNode, 'readMessageFile') / MESSAGES;
    // 10.6 KB before (its front matter's lines split out and each matched by a pattern, its fields spread and two deleted: a
    // dictionary each), 6.9 KB after, 1.8 of them the `fstat`'s Stats (with its four dates, which no call of Node 20 leaves out) and the bytes read.
    expect({ perMessage: perMessage <= 8192 ? 'at most 8 KB' : Math.round(perMessage) }).toEqual({ perMessage: 'at most 8 KB' });
  } finally {
    session.disconnect();
  }
});
