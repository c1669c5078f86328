import { basename, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import { readMessageFile } from '../../src/mailbox/message-file.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { ofType, resume, runEngine, tempDir, write } from '../helpers/temp-org.js';

/**
 * The offline model's rules of information flow, as docs/offline-model.md names them, each held on a
 * small clinic run through the engine: a head over two ward leads, their nurses, and a list of all
 * staff. What is asserted is the mail each agent wrote, as `lemming inbox` or the outboxes show it.
 */

const STAFF = ['head', 'lead_a', 'nurse_a1', 'nurse_a2', 'lead_b', 'nurse_b1'];

function clinic(): string {
  const root = join(tempDir(), 'clinic');
  write(root, 'org/org.yaml', ['name: clinic', 'engine: { max_turns: 12, max_messages_per_turn: 20 }', 'history: { keep: false }', 'models:', '  offline: { provider: offline, model: offline-1, input_price: 1, output_price: 2, context_window: 32000 }', ''].join('\n'));
  const chart: Record<string, [string | null, string[]]> = {
    human: [null, ['head', 'lead_a', 'lead_b', 'all_staff']],
    head: ['human', ['human', 'lead_a', 'lead_b', 'all_staff']],
    lead_a: ['head', ['head', 'nurse_a1', 'nurse_a2', 'human', 'all_staff']],
    nurse_a1: ['lead_a', ['lead_a', 'nurse_a2', 'human', 'all_staff']],
    nurse_a2: ['lead_a', ['lead_a', 'nurse_a1', 'human', 'all_staff']],
    lead_b: ['head', ['head', 'nurse_b1', 'human', 'all_staff']],
    nurse_b1: ['lead_b', ['lead_b', 'human', 'all_staff']],
  };
  write(
    root,
    'org/chart.yaml',
    ['agents:', ...Object.entries(chart).map(([name, [manager, sendTo]]) => `  ${name}: { reports_to: ${manager ?? 'null'}, send_to: [${sendTo.join(', ')}], read_from: ["*"] }`), ''].join('\n'),
  );
  write(root, 'org/lists/all_staff.yaml', `description: Everyone in the clinic\nmembers: [${STAFF.join(', ')}]\nmay_post: "*"\n`);
  write(root, 'agents/human/resume.md', resume({ title: 'The person', model: 'human' }, 'You.'));
  const titles: Record<string, string> = {
    head: 'Chief of clinic: runs the clinic',
    lead_a: 'Ward lead: runs ward A',
    lead_b: 'Ward lead: runs ward B',
    nurse_a1: 'Nurse: cares for patients on ward A',
    nurse_a2: 'Nurse: cares for patients on ward A',
    nurse_b1: 'Nurse: cares for patients on ward B',
  };
  for (const [name, title] of Object.entries(titles)) write(root, `agents/${name}/resume.md`, resume({ title: JSON.stringify(title), model: 'offline', credits: '5' }, 'Do your part of the clinic\'s work.'));
  return root;
}

function send(root: string, to: string, body: string, subject: string, cc?: string[]): void {
  sendAsHuman(root, loadOrg(root).org, { to, body, subject, ...(cc ? { cc } : {}) });
}

/** Every message delivered, as its file says it: (turn, from, to, cc, subject). */
function mail(root: string, events: EngineEvent[]) {
  return ofType(events, 'message-delivered').map(({ turn, message }) => {
    const read = readMessageFile(root, message.from, basename(message.file), turn, 20_000);
    if (!('message' in read)) throw new Error(`${message.file}: ${read.error}`);
    return { turn, from: message.from, to: read.message.to, cc: read.message.cc ?? [], subject: read.message.subject ?? '' };
  });
}

describe("the offline model's information-flow rules (docs/offline-model.md)", () => {
  test('reply all when copied: an answer to a message on which others were copied goes to its sender with a copy to each of them it may write to, a roll-up too', async () => {
    const root = clinic();
    send(root, 'lead_a', 'What is the status of the team?', 'Status', ['head']);
    send(root, 'lead_a', 'Please prepare the ward rota for next week.', 'Ward rota', ['head']);
    const events = await runEngine(root);
    const fromLead = mail(root, events).filter((each) => each.from === 'lead_a' && each.to === 'human');
    // The question answered at once, and the rota handed down and rolled up when the nurse reported: both to the human, the head copied.
    expect(fromLead.map((each) => [each.subject, each.cc])).toEqual([
      ['Re: Status', ['head']],
      ['Re: Ward rota', ['head']],
    ]);
    expect(ofType(events, 'run-finished')[0]).toMatchObject({ reason: 'idle' });
  });

  test('a copy for information is read and not acted on as a task: the head copied on a task to a lead hands nothing down and answers nothing', async () => {
    const root = clinic();
    send(root, 'lead_a', 'Please prepare the ward rota for next week.', 'Ward rota', ['head']);
    const events = await runEngine(root);
    expect(ofType(events, 'agent-called').filter((event) => event.turn === 1).map((event) => event.agent).sort()).toEqual(['head', 'lead_a']);
    // The head read its copy (it was called on it) and wrote nothing about it.
    expect(mail(root, events).filter((each) => each.from === 'head')).toEqual([]);
    expect(mail(root, events).filter((each) => each.to === 'lead_b' || each.to === 'nurse_b1')).toEqual([]);
  });

  test('a list post is not re-sent to its members: those who read it do their own part and answer; nobody hands the task to someone who had it', async () => {
    const root = clinic();
    send(root, 'all_staff', 'Please review the fire drill procedure for your area.', 'Fire drill');
    const events = await runEngine(root);
    const delivered = mail(root, events).filter((each) => each.from !== 'human');
    // Every message written is an answer; none passes the post on to a member of the list, by name or to the list.
    expect(delivered.filter((each) => !each.subject.startsWith('Re:'))).toEqual([]);
    // Each of the six answered the human, copying the list (reply all), once.
    const answers = delivered.filter((each) => each.to === 'human');
    expect(answers.map((each) => each.from).sort()).toEqual([...STAFF].sort());
    expect(answers.every((each) => each.cc.includes('all_staff'))).toBe(true);
    expect(ofType(events, 'run-finished')[0]).toMatchObject({ reason: 'idle' });
  });

  test('a request to confirm gets confirmations: each reader of the post confirms to the sender alone, and does nothing more with it', async () => {
    const root = clinic();
    send(root, 'all_staff', 'The clinic closes at 5 pm on Friday for the inspection. Please confirm you have read this.', 'Early closing on Friday');
    const events = await runEngine(root);
    const delivered = mail(root, events).filter((each) => each.from !== 'human');
    expect(delivered.map((each) => [each.from, each.to, each.cc, each.subject]).sort()).toEqual(STAFF.map((name) => [name, 'human', [], 'Re: Early closing on Friday']).sort());
    expect(ofType(events, 'run-finished')[0]).toMatchObject({ reason: 'idle' });
  });
});
