import { isAddressedTo, recipientsOf, type Message } from '../../mailbox/message.js';
import { listsWithMember } from '../../org/lists/mailing-list.js';
import { recipientProblem, refusedNames } from '../../org/lists/recipients.js';
import type { Org } from '../../org/org.js';
import { checkEdge } from '../../org/permissions.js';

/** What the chart and the lists let a person's seat read from one sender: by name (both ends of the edge), and through which of its lists. */
export interface SenderReach {
  direct: boolean;
  /** The lists the seat is a member of that the sender may post to. */
  via: readonly string[];
}

/**
 * What a person's seat may read, as the chart and the lists are now: the one rule of `lemming inbox` and the chat, which
 * show a letter as soon as it lies in an outbox. An MCP seat's `read_inbox`, the human's too, lists of these only what
 * its `read_message` opens (mailbox/readable-mail.ts, mailAccess: delivered by a turn). A message names the seat
 * with both ends of the edge agreeing, or names a list the seat is a member of that the sender may post to; a
 * message to several whose one name the chart refuses reached no one (all or none); and what the seat wrote is its own.
 */
export class SeatReading {
  private readonly reaches = new Map<string, SenderReach>();
  private seatLists: readonly string[] | undefined;

  constructor(
    private readonly org: Org,
    readonly seat: string,
  ) {}

  /** What the seat may read from `sender`; asked once a sender (the lists the seat is on are listed once). */
  from(sender: string): SenderReach {
    let reach = this.reaches.get(sender);
    if (reach === undefined) {
      const lists = (this.seatLists ??= listsWithMember(this.org.root, this.org, this.seat));
      // A list's post reaches its members by the list's rule, not their read_from: the lists this sender may post to.
      const via = lists.length === 0 ? lists : lists.filter((list) => recipientProblem(this.org, sender, list) === undefined);
      reach = { direct: checkEdge(this.org, sender, this.seat).allowed, via };
      this.reaches.set(sender, reach);
    }
    return reach;
  }

  /** How the seat reads a message from `sender`: by name (no `via`), through a list (`via`), or not at all (undefined). */
  reads(sender: string, message: Pick<Message, 'to' | 'alsoTo' | 'cc'>): { via?: string } | undefined {
    if (sender === this.seat) return {};
    const reach = this.from(sender);
    const byName = reach.direct && isAddressedTo(message, this.seat);
    const via = byName ? undefined : reach.via.find((list) => isAddressedTo(message, list));
    if (!byName && via === undefined) return undefined;
    // A message to several reaches all its names or none, by the engine's rule: one the chart refuses a name of is delivered to nobody.
    const names = recipientsOf(message);
    if (names.length > 1 && refusedNames(this.org, sender, names).length > 0) return undefined;
    return via === undefined ? {} : { via };
  }
}
