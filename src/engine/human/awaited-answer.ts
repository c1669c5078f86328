import { HUMAN } from '../../org/names.js';
import type { MessageSummary } from '../events.js';

/** The request a drive waits on: the human's message, whom it went to, and a few words of it. */
export interface AwaitedRequest {
  id: string;
  to: string;
  /** Its subject or first line, for saying what is waited for. */
  title: string;
}

/**
 * The answer `chat --drive` waits for: a message that reaches the human in the thread below
 * the request the human made last (its replies, their replies, and so on, by `reply_to`), as
 * `lemming requests` counts a request answered. Mail to the human about anything else (an
 * older request's answer) does not end the drive. A newer request replaces the one waited
 * for, also while a drive runs. It learns the thread from the delivered messages it is shown.
 */
export class AwaitedAnswer {
  private request: AwaitedRequest | undefined;
  private thread = new Set<string>();
  private holder: string | undefined;
  private answerId: string | undefined;

  /** Wait for an answer to `request` from now on. */
  expect(request: AwaitedRequest): void {
    this.request = request;
    this.thread = new Set([request.id]);
    this.holder = request.to;
    this.answerId = undefined;
  }

  /** Take in one delivered message; `reachesHuman` when the human reads it other than by name (a copy, a list it is on). */
  see(message: MessageSummary, reachesHuman = message.to === HUMAN): void {
    if (this.request === undefined || this.answerId !== undefined) return;
    if (message.replyTo === undefined || !this.thread.has(message.replyTo)) return;
    this.thread.add(message.id);
    if (reachesHuman) this.answerId = message.id;
    else this.holder = message.to;
  }

  /** Whether a request is waited for at all. */
  get waiting(): boolean {
    return this.request !== undefined;
  }

  /** The id of the message that answered, once one has. */
  get answer(): string | undefined {
    return this.answerId;
  }

  /** What is waited for, in words: `an answer to "Plan the release" (000004-human-001), now with planner`. */
  describe(): string | undefined {
    if (this.request === undefined) return undefined;
    const what = `an answer to "${this.request.title}" (${this.request.id})`;
    return this.answerId !== undefined ? `${what}: answered by ${this.answerId}` : `${what}, now with ${this.holder ?? this.request.to}`;
  }
}
