import type { Command } from 'commander';
import { PRIORITIES, type Priority } from '../../mailbox/message.js';
import { command } from '../command-modules.js';
import { execute } from '../execute.js';
import { credits, choiceList, CSV_OPTION, positiveInteger, QUEUE_HELP } from '../option-values.js';
import type { CommandTable } from './command-table.js';

/** Commands by which the person takes part as `human`: mail, chat, decisions, credits, another try. */
export function addPersonCommands(program: Command, { root, output, Option }: CommandTable): void {
  program
    .command('send')
    .description('send a message as the human (or, with --from, as an agent, to seed a study\'s mail); "-" as the text reads it from standard input (at a terminal, Ctrl-D on a line of its own ends it); --file sends messages written in files, many in one process')
    .argument('[agent]', 'the recipient (an agent or a mailing list), or a list: agent_00001,agent_00002, each sent its own message (left out with --where, --to and --file)')
    .argument('[text...]', 'the message')
    .option('--subject <subject>', 'a subject line')
    .addOption(new Option('--priority <priority>', 'how urgent it is').choices(PRIORITIES))
    .option('--reply-to <id>', 'the id of the message this answers')
    .option('--from <agent>', "write it into this agent's outbox instead of the human's, as if the agent had sent it (agent-to-agent mail for a study); the chart is checked as for the agent's own sends")
    .option('--to <names>', 'one message to all of these, one file read by each (agent_00001,agent_00002), as an agent\'s send_message with a to list; every word after send is text')
    .option('--cc <names>', 'copies of the message to these (hr,janitor): one file with the recipient, each name checked at both ends of the chart like the recipient, and none sent if one is refused')
    .option('--file <path>', 'send the message written in this markdown file: front matter to, cc, subject, priority, reply_to, then the text; a folder sends each of its .md files, "-" reads one from standard input (repeat for more: all checked, then all sent, in one load of the org)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--where <field=value>', 'send to everyone whose persona has this value (repeat for more: all must hold), for example --where department=sales; each recipient gets its own message, and the chart must let the sender reach every one', (value: string, previous: string[] = []) => [...previous, value])
    .action((agent: string | undefined, text: string[], options: { subject?: string; priority?: Priority; replyTo?: string; from?: string; where?: string[]; to?: string; cc?: string; file?: string[] }) =>
      execute(async () => (await command('send')).sendCommand(root(), agent, text, options, output)),
    );

  program
    .command('chat')
    .description('take part as the human: your conversations, an input line, new mail as soon as it is written')
    .option('--drive', 'after each message, run turns until someone writes back (takes the org lock while it drives)')
    .option('--turns <n>', 'with --drive: the most turns one message drives (default: org.yaml engine.max_turns)', positiveInteger)
    .option('--to <agent>', 'whom to write to first')
    .option('--plain', 'read lines from standard input and print lines (the default when either is not a terminal)')
    .option('--queue <redis-url>', `with --drive: ${QUEUE_HELP}`)
    .action((options: { drive?: boolean; turns?: number; to?: string; plain?: boolean; queue?: string }) =>
      execute(async () => (await command('chat')).chatCommand(root(), options, output)),
    );

  program
    .command('inbox')
    .description("show the human's unread mail and mark it read")
    .option('--all', 'show all mail, read or not')
    .option('--json', 'print JSON')
    .action((options: { all?: boolean; json?: boolean }) =>
      execute(async () => (await command('inbox')).inboxCommand(root(), options, output)),
    );

  program
    .command('ask')
    .description("put a question to agents (with their resume, notes, latest mail and the memories their stream holds for it) and print their answers; nothing is delivered, nothing of theirs changes, and the calls are charged to the ledger's research account, not to their balances")
    .argument('<agent-and-question...>', 'an agent and the question; with --all or --role, the question alone')
    .option('--all', 'ask every agent')
    .option('--role <role>', "ask the agents whose title (or name) holds this word, for example engineer")
    .option('--choices <list>', 'the answer is one of these, separated by commas: yes,no,unsure', choiceList)
    .option('--number', 'the answer is a number')
    .option('--json', 'print JSON')
    .option(...CSV_OPTION)
    .action((words: string[], options: { all?: boolean; role?: string; choices?: string[]; number?: boolean; json?: boolean; csv?: string }) =>
      execute(async () => (await command('ask')).askCommand(root(), words, options, output)),
    );

  program
    .command('approvals')
    .description('proposals waiting for your decision: hires, retirements and tool calls (org/proposals/)')
    .option('--all', 'include decided proposals')
    .option('--json', 'print JSON')
    .action((options: { all?: boolean; json?: boolean }) =>
      execute(async () => (await command('approvals')).approvalsCommand(root(), options, output)),
    );

  program
    .command('approve')
    .description('approve a proposal; a hire is carried out at once and the new agent joins at the next turn')
    .argument('<id>', 'the proposal id, as `lemming approvals` shows it')
    .action((id: string) => execute(async () => (await command('approvals')).decideCommand(root(), id, 'approve', undefined, output)));

  program
    .command('reject')
    .description('reject a proposal; the proposer is told why')
    .argument('<id>', 'the proposal id')
    .option('--reason <text>', 'why, for the proposer')
    .action((id: string, options: { reason?: string }) =>
      execute(async () => (await command('approvals')).decideCommand(root(), id, 'reject', options.reason, output)),
    );

  program
    .command('top-up')
    .description("add credits to an agent's budget (a ledger entry)")
    .argument('<agent>')
    .argument('<credits>', 'how many credits, for example 0.5', credits('one top-up'))
    .action((agent: string, credits: number) => execute(async () => (await command('top-up')).topUpCommand(root(), agent, credits, output)));

  program
    .command('retry')
    .description('call an agent held because its models kept failing again, from the next turn')
    .argument('<agent>')
    .action((agent: string) => execute(async () => (await command('retry')).retryCommand(root(), agent, output)));
}
