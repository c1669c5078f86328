import { markRead, readHumanInbox } from '../../engine/human/human-inbox.js';
import { byPriority } from '../../mailbox/message.js';
import { orgForReading } from '../org-for-reading.js';
import type { Output } from '../cli-context.js';

/** The flags of `lemming inbox`: `all` shows read mail too, `json` prints JSON. */
export interface InboxOptions {
  all?: boolean;
  json?: boolean;
}

/** `lemming inbox`: the human's unread mail (or all of it), most urgent first and oldest first within a priority, then marks it read. */
export function inboxCommand(root: string, options: InboxOptions, output: Output): number {
  const { org, problems } = orgForReading(root, output);
  const inbox = readHumanInbox(root, org);
  const messages = byPriority(options.all ? inbox.messages : inbox.messages.filter((message) => message.unread));
  const notices = options.all ? inbox.notices : inbox.notices.filter((notice) => notice.unread);
  if (options.json) {
    output.out(JSON.stringify({ messages, notices, problems }, null, 2));
  } else if (messages.length === 0 && notices.length === 0) {
    output.out(options.all ? 'the human has no mail yet' : 'no unread mail (`lemming inbox --all` shows everything)');
  } else {
    for (const notice of notices) {
      output.out(`${notice.unread ? '*' : ' '} [turn ${notice.turn}] from lemming: ${notice.subject}`);
      output.out(indent(notice.body));
      output.out('');
    }
    for (const message of messages) {
      const reply = message.replyTo ? ` (reply to ${message.replyTo})` : '';
      const priority = message.priority === 'normal' ? '' : ` [${message.priority}]`;
      output.out(`${message.unread ? '*' : ' '} [turn ${message.turn}]${priority} ${message.id} from ${message.from}${message.via === undefined ? '' : ` to ${message.via}`}${reply}: ${message.subject ?? '(no subject)'}`);
      output.out(indent(message.body));
      output.out(`  -- ${message.file}`);
      output.out('');
    }
  }
  markRead(root, org, [...messages.map((message) => message.id), ...notices.map((notice) => notice.id)]);
  return 0;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
