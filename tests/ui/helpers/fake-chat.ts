import type { AwaitedAnswer } from '../../../src/engine/human/awaited-answer.js';
import type { DriveOutcome } from '../../../src/engine/human/drive-until-reply.js';
import type { EngineEvent } from '../../../src/engine/events.js';
import type { InboxNotice } from '../../../src/engine/human/human-inbox.js';
import type { OrgStatus } from '../../../src/engine/human/org-status.js';
import { LemmingError, type Problem } from '../../../src/errors.js';
import type { ChatBackend } from '../../../src/ui/chat/chat-backend.js';
import type { ChatDriver } from '../../../src/ui/chat/chat-driver.js';
import type { ChatMessage } from '../../../src/ui/chat/conversation.js';

/** An org in memory: the human may write to `recipients`; everyone else is refused with the chart's reason. */
export class FakeChatBackend implements ChatBackend {
  readonly sent: Array<{ to: string; body: string; replyTo?: string }> = [];
  readonly read = new Set<string>();
  notes: InboxNotice[] = [];
  orgProblems: Problem[] = [];
  turn = 3;

  constructor(
    public recipientNames: string[],
    public mail: ChatMessage[] = [],
  ) {}

  describe() {
    return { org: 'acme', turn: this.turn };
  }
  problems() {
    return this.orgProblems;
  }
  recipients() {
    return this.recipientNames;
  }
  check(to: string) {
    return this.recipientNames.includes(to)
      ? ({ allowed: true } as const)
      : ({ allowed: false, reason: `human may not send to ${to} (chart.yaml: agents.human.send_to)` } as const);
  }
  messages() {
    return this.mail.map((message) => ({ ...message, unread: message.unread && !this.read.has(message.id) }));
  }
  notices() {
    return this.notes.map((notice) => ({ ...notice, unread: notice.unread && !this.read.has(notice.id) }));
  }
  send(message: { to: string; body: string; replyTo?: string }) {
    const verdict = this.check(message.to);
    if (!verdict.allowed) throw new LemmingError('refused', `not sent: ${verdict.reason}`);
    this.sent.push(message);
    const id = `${String(this.turn).padStart(6, '0')}-human-${String(this.sent.length).padStart(3, '0')}`;
    const file = `agents/human/outbox/${String(this.turn).padStart(6, '0')}-${String(this.sent.length).padStart(3, '0')}-${message.to}.md`;
    this.mail.push({ id, from: 'human', to: message.to, turn: this.turn, created: `2026-01-01T00:00:${String(this.sent.length).padStart(2, '0')}.000Z`, body: message.body, file, unread: false, ...(message.replyTo ? { replyTo: message.replyTo } : {}) });
    return { id, file };
  }
  markRead(ids: string[]) {
    for (const id of ids) this.read.add(id);
  }
  status(): OrgStatus {
    return {
      org: 'acme',
      root: '/tmp/acme',
      turn: this.turn,
      unfinishedTurn: false,
      agents: [
        { name: 'manager', title: 'Manager', model: 'offline', isHuman: false, budget: 0.5, toppedUp: 0, spent: 0.1, balance: 0.4, inputTokens: 10, outputTokens: 5, unread: 1, lastActivity: { turn: 3, summary: 'sent 1' } },
      ],
    };
  }
}

export function chatMessage(fields: Partial<ChatMessage> & Pick<ChatMessage, 'id' | 'from' | 'to' | 'turn' | 'body'>): ChatMessage {
  return { created: `2026-01-01T00:00:${String(fields.turn).padStart(2, '0')}.000Z`, file: `agents/${fields.from}/outbox/x.md`, unread: false, ...fields };
}

/** A driver that plays scripted turns (showing the delivered mail to what it awaits, as the engine's drive does), then says how the drive ended. */
export function scriptedDriver(events: EngineEvent[], outcome: DriveOutcome): ChatDriver & { drives: number } {
  const driver = {
    drives: 0,
    async *drive(_signal: AbortSignal, awaiting?: AwaitedAnswer): AsyncGenerator<EngineEvent, DriveOutcome> {
      driver.drives += 1;
      for (const event of events) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (event.type === 'message-delivered') awaiting?.see(event.message);
        yield event;
      }
      return outcome;
    },
  };
  return driver;
}
