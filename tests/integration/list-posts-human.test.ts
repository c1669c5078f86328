import { describe, expect, test } from 'vitest';
import type { Output } from '../../src/cli/cli-context.js';
import { inboxCommand } from '../../src/cli/commands/inbox.js';
import { sendCommand } from '../../src/cli/commands/send.js';
import { Engine } from '../../src/engine/engine.js';
import { AwaitedAnswer } from '../../src/engine/human/awaited-answer.js';
import { driveUntilReply, type DriveOutcome } from '../../src/engine/human/drive-until-reply.js';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import { inbox } from '../../src/library/human-actions.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { fileChatBackend } from '../../src/ui/chat/chat-backend.js';
import { ChatSession } from '../../src/ui/chat/chat-session.js';
import { groupConversations } from '../../src/ui/chat/conversation.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultOrg, inboxOf, listOutbox, read, runEngine, write } from '../helpers/temp-org.js';
import { getJson, serveOrg } from '../web/web-server.js';

function captured(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (line: string) => lines.push(line), err: (line: string) => lines.push(`err: ${line}`) } as Output & { lines: string[] };
}

/**
 * The default org with a list `team` of the planner, hr and the human, every member able to post.
 * The planner's send_to names the list but not the human: the human reads its posts by the list's rule.
 */
function orgWithHumanOnList(): string {
  const root = defaultOrg();
  write(root, 'org/lists/team.yaml', 'members: [planner, hr, human]\n');
  const chart = read(root, 'org/chart.yaml')
    .replace('send_to: [manager]\n    read_from: ["*"]', 'send_to: [manager, team]\n    read_from: ["*"]')
    .replace('send_to: [manager, coder_01]', 'send_to: [manager, coder_01, team]');
  write(root, 'org/chart.yaml', chart);
  return root;
}

describe('a mailing list with the human on it', () => {
  test('the human posts with lemming send and the chat; a member post reaches the human inbox, lemming inbox, the chat under the list and the dashboard', async () => {
    const root = orgWithHumanOnList();
    // The human posts once from the command line: one file, read by planner and hr.
    await sendCommand(root, 'team', ['Release', 'on', 'Friday'], { subject: 'Release' }, captured());
    expect(listOutbox(root, 'human')).toEqual(['000000-001-team.md']);
    const provider = new ScriptedProvider((request) => (request.agent === 'planner' && request.turn === 1 ? { toolCalls: [sendCall('team', 'Friday works for me', { subject: 'Re: Release' })] } : {}));
    await runEngine(root, { maxTurns: 2 }, { providerFactory: () => provider });
    expect(listOutbox(root, 'planner')).toEqual(['000001-001-team.md']);
    // hr read the planner's post at turn 2: the list delivered it to the other members.
    expect(inboxOf(provider.requests.find((request) => request.agent === 'hr' && request.turn === 2)).map((item) => item.id)).toEqual(['000001-planner-001']);

    // What the human sees with `lemming inbox`: the post, from the planner, to the list.
    const output = captured();
    inboxCommand(root, {}, output);
    expect(output.lines).toContain('* [turn 1] 000001-planner-001 from planner to team (reply to 000000-human-001): Re: Release');
    expect(output.lines).toContain('    Friday works for me');

    // The chat: the list is someone to write to, its posts one conversation with the human's own.
    const backend = fileChatBackend(root);
    expect(backend.recipients()).toEqual(['manager', 'team']);
    expect(backend.check('team')).toEqual({ allowed: true });
    expect(groupConversations(backend.messages()).map((conversation) => [conversation.with, conversation.messages.map((message) => message.id)])).toEqual([
      ['team', ['000000-human-001', '000001-planner-001']],
    ]);
    const session = new ChatSession(backend, { to: 'team' });
    expect(session.handle('/reply Thanks, Friday it is')).toMatchObject({ kind: 'sent', to: 'team', replyTo: '000001-planner-001' });
    expect(listOutbox(root, 'human')).toEqual(['000000-001-team.md', '000002-001-team.md']);

    // The dashboard: the inbox has the post, and the composer offers the list.
    const server = await serveOrg(root, undefined, { waitForIndex: false });
    const inbox = (await getJson<{ messages: Array<{ id: string; to: string }> }>(server, '/api/inbox')).body;
    expect(inbox.messages.map((message) => [message.id, message.to])).toEqual([['000001-planner-001', 'team']]);
    const human = (await getJson<{ reaches: string[] }>(server, '/api/agents/human')).body;
    expect(human.reaches).toEqual(['manager', 'team']);
  });

  test('chat --drive after a post to the list ends when a member answers on the list', async () => {
    const root = orgWithHumanOnList();
    const post = sendAsHuman(root, loadOrg(root).org, { to: 'team', body: 'Who takes the release?' }).message.id;
    const provider = new ScriptedProvider((request) => (request.agent === 'planner' && request.turn === 1 ? { toolCalls: [sendCall('team', 'I do.')] } : {}));
    const engine = Engine.open({ root, providerFactory: () => provider });
    const awaiting = new AwaitedAnswer();
    awaiting.expect({ id: post, to: 'team', title: 'Who takes the release?' });
    let outcome: DriveOutcome | undefined;
    try {
      const run = driveUntilReply(engine, { maxTurns: 4, awaiting });
      for (let next = await run.next(); ; next = await run.next()) if (next.done) { outcome = next.value; break; }
    } finally {
      // Resolves once git has written the turn's history entry: the test's folder is removed right after.
      await engine.close();
    }
    expect(outcome).toEqual({ turns: 1, reason: 'replied', replies: ['000001-planner-001'], answer: '000001-planner-001' });
  });

  test('the human reads no post of a list it is not on, nor of a poster the list refuses', async () => {
    const root = orgWithHumanOnList();
    write(root, 'org/lists/team.yaml', 'members: [planner, hr, human]\nmay_post: [human]\n');
    write(root, 'org/lists/others.yaml', 'members: [planner, hr]\nmay_post: "*"\n');
    // Dropped by hand into the planner's outbox: to a list that refuses the planner, and to one the human is not on.
    write(root, 'agents/planner/outbox/refused.md', '---\nto: team\n---\nnot a poster here\n');
    write(root, 'agents/planner/outbox/elsewhere.md', '---\nto: others\n---\nnot for the human\n');
    expect(inbox(root).messages).toEqual([]);
  });
});
