import { describe, expect, test } from 'vitest';
import { buildPrompt } from '../../src/engine/turn/build-prompt.js';
import { stepTurns } from '../../src/engine/turn/step-conversation.js';
import type { ToolCall } from '../../src/providers/provider.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { OfflineProvider } from '../../src/providers/offline/offline-provider.js';
import { filesNamed } from '../../src/providers/offline/read-files.js';
import { namedFolder } from '../../src/providers/offline/tool-use.js';
import { estimateTokens } from '../../src/providers/token-estimate.js';
import { defaultOrg } from '../helpers/temp-org.js';

const { org } = loadOrg(defaultOrg());

function requestFor(agentName: string, inbox: Parameters<typeof buildPrompt>[0]['inbox'], memory = new Map<string, string>(), tools?: string[]) {
  const found = org.agents.get(agentName);
  if (!found) throw new Error(agentName);
  const agent = tools ? { ...found, tools } : found;
  return buildPrompt({ org, agent, modelKey: 'offline', turn: 3, inbox, memory, reason: 'mail' }).request;
}

/** Only the talking tools: the first answer is then the reply itself (file and hiring tools add steps). */
const TALK = ['send_message', 'remember'];

describe('the offline model', () => {
  const task = { id: '000000-human-001', from: 'human', turn: 0, priority: 'normal' as const, subject: 'Plan the first release', body: 'Break the work into tasks and build it.' };

  test('hands a task to the best-matching member of its team and notes who asked', async () => {
    const response = await new OfflineProvider().generate(requestFor('manager', [task]));
    expect(response.toolCalls.map((call) => call.name)).toEqual(['send_message', 'remember']);
    expect(response.toolCalls[0]?.arguments).toMatchObject({ to: 'planner', subject: 'Plan the first release' });
    expect(response.toolCalls[1]?.arguments).toMatchObject({ key: 'task-plan-the-first-release', text: expect.stringContaining('asker: human') });
  });

  test('does the work itself when it has no team, saves it in its workspace, and replies to whoever asked with the path', async () => {
    // Without run_command: an engineer that can run commands also writes and runs a test of its work (tests/sandbox).
    const tools = (org.agents.get('coder_01')?.tools ?? []).filter((tool) => tool !== 'run_command');
    const request = requestFor('coder_01', [{ ...task, from: 'planner', id: '000002-planner-001' }], new Map(), tools);
    const first = await new OfflineProvider().generate(request);
    expect(first.toolCalls.map((call) => call.name)).toEqual(['write_file']);
    expect(first.toolCalls[0]?.arguments).toMatchObject({ path: 'work/plan-the-first-release.md', content: expect.stringContaining('Done: Plan the first release.') });
    const results = [{ call: first.toolCalls[0] as ToolCall, result: { isError: false, content: 'wrote 300 bytes to work/plan-the-first-release.md' } }];
    const second = await new OfflineProvider().generate({ ...request, messages: [...request.messages, ...stepTurns(first, results, 6)] });
    expect(second.toolCalls).toHaveLength(1);
    expect(second.toolCalls[0]?.arguments).toMatchObject({ to: 'planner', subject: 'Re: Plan the first release', reply_to: '000002-planner-001' });
    expect(String((second.toolCalls[0]?.arguments as { body: string }).body)).toContain('The file: agents/coder_01/workspace/work/plan-the-first-release.md');
  });

  test('passes a report up to whoever asked, then forgets the task; an unexpected report gets silence', async () => {
    const note = new Map([['task-plan-the-first-release', 'asker: human\nasker_message: 000000-human-001\ndelegate: planner']]);
    const report = { id: '000004-planner-001', from: 'planner', turn: 4, priority: 'normal' as const, subject: 'Re: Plan the first release', body: 'Done: it.' };
    const response = await new OfflineProvider().generate(requestFor('manager', [report], note));
    expect(response.toolCalls[0]?.arguments).toMatchObject({ to: 'human', reply_to: '000000-human-001' });
    expect(response.toolCalls[1]?.arguments).toEqual({ key: 'task-plan-the-first-release', text: '' });
    const silent = await new OfflineProvider().generate(requestFor('manager', [report]));
    expect(silent.toolCalls).toEqual([]);
  });

  test('is deterministic, and its usage is the documented estimate of the real text', async () => {
    const request = requestFor('manager', [task]);
    const first = await new OfflineProvider().generate(request);
    const second = await new OfflineProvider().generate(request);
    expect(JSON.stringify(first)).toBe(JSON.stringify(second));
    expect(first.usage.estimated).toBe(true);
    expect(first.usage.inputTokens).toBeGreaterThanOrEqual(estimateTokens(request.system) + estimateTokens(request.messages[0]?.content ?? ''));
    expect(first.usage.outputTokens).toBeGreaterThan(estimateTokens(String((first.toolCalls[0]?.arguments as { body: string }).body)));
  });

  test('ignores notices from the engine', async () => {
    const notice = { id: '000003-lemming-refused-manager-1', from: 'lemming', turn: 3, priority: 'high' as const, subject: 'Not delivered', body: 'x' };
    expect((await new OfflineProvider().generate(requestFor('manager', [notice]))).toolCalls).toEqual([]);
  });
});

describe('the offline model as a colleague', () => {
  const fromHuman = (body: string, subject?: string) => ({ id: '000000-human-001', from: 'human', turn: 0, priority: 'normal' as const, body, ...(subject ? { subject } : {}) });
  const sends = (response: { toolCalls: Array<{ name: string; arguments: unknown }> }) =>
    response.toolCalls.filter((call) => call.name === 'send_message').map((call) => call.arguments as { to: string; subject: string; body: string; reply_to?: string });

  test('routes by what a role does before names: a hiring plan goes to the people partner, not to the planner', async () => {
    const hiring = sends(await new OfflineProvider().generate(requestFor('manager', [fromHuman('Please prepare a hiring plan for two backend engineers')])));
    expect(hiring.map((send) => send.to)).toEqual(['hr']);
    const onboarding = sends(await new OfflineProvider().generate(requestFor('manager', [fromHuman('Sort out onboarding for the new starters')])));
    expect(onboarding.map((send) => send.to)).toEqual(['hr']);
    const tidy = sends(await new OfflineProvider().generate(requestFor('manager', [fromHuman('Keep the workspace tidy this week')])));
    expect(tidy.map((send) => send.to)).toEqual(['janitor']);
    // Work no title speaks of goes to the first of the team in chart order, the planner.
    const release = sends(await new OfflineProvider().generate(requestFor('manager', [fromHuman('Write the release notes for 1.2')])));
    expect(release.map((send) => send.to)).toEqual(['planner']);
  });

  test('answers a question from its notes instead of handing it down as a task', async () => {
    const notes = new Map([
      ['task-plan-the-release', 'asker: human\nasker_message: 000000-human-001\ndelegate: planner\ntask: Plan the release\nsince: turn 1'],
      ['recent-work', '- turn 2: "Hiring plan", done by hr, reported to human'],
    ]);
    const question = { ...fromHuman('What is the status of the team?'), id: '000002-human-001', turn: 2 };
    const response = await new OfflineProvider().generate(requestFor('manager', [question], notes));
    expect(response.toolCalls.map((call) => call.name)).toEqual(['send_message']);
    const [answer] = sends(response);
    expect(answer).toMatchObject({ to: 'human', subject: 'Re: What is the status of the team?', reply_to: '000002-human-001' });
    expect(answer?.body).not.toContain('Done:');
    expect(answer?.body).toContain('You asked: "What is the status of the team?"');
    expect(answer?.body).toContain('- planner, Planner: breaks work into tasks: "Plan the release" (since turn 1, for human)');
    expect(answer?.body).toContain('- hr, People partner: hiring and onboarding: nothing I handed over is open');
    expect(answer?.body).toContain('Finished lately:\n- turn 2: "Hiring plan", done by hr, reported to human');
  });

  test('with empty notes, says so rather than inventing work', async () => {
    const [answer] = sends(await new OfflineProvider().generate(requestFor('manager', [fromHuman('How is the team doing?')])));
    expect(answer?.body).toContain('Nobody on my team has work from me in progress');
    expect(answer?.body).toContain('Nothing has been finished and reported since my notes began.');
  });

  test('tells questions from polite requests', async () => {
    for (const request of ['Could you prepare the hiring plan?', 'Please write the release notes.', 'Can you tidy the workspace?']) {
      const [first] = sends(await new OfflineProvider().generate(requestFor('manager', [fromHuman(request)])));
      expect(first?.to).not.toBe('human');
    }
    for (const question of ['What is the status of the team?', 'Who is working on the release?', 'Is the release on track?', 'Status update on the release?']) {
      const [first] = sends(await new OfflineProvider().generate(requestFor('manager', [fromHuman(question)])));
      expect(first?.to).toBe('human');
    }
  });

  test('a finished task is remembered as recent work and shown when asked later', async () => {
    const note = new Map([['task-hiring-plan', 'asker: human\nasker_message: 000000-human-001\ndelegate: hr\ntask: Hiring plan\nsince: turn 1']]);
    const report = { id: '000002-hr-001', from: 'hr', turn: 2, priority: 'normal' as const, subject: 'Re: Hiring plan', body: 'Done: Hiring plan.' };
    const response = await new OfflineProvider().generate(requestFor('manager', [report], note));
    expect(response.toolCalls.map((call) => call.name)).toEqual(['send_message', 'remember', 'remember']);
    expect(response.toolCalls[2]?.arguments).toEqual({ key: 'recent-work', text: '- turn 3: "Hiring plan", done by hr, reported to human' });
  });

  test('reports vary by role and by task', async () => {
    const task = (subject: string) => ({ id: '000001-manager-001', from: 'manager', turn: 1, priority: 'normal' as const, subject, body: `manager asked for this.\n\n${subject}` });
    const [hiring] = sends(await new OfflineProvider().generate(requestFor('hr', [task('Hiring plan for two backend engineers')], undefined, TALK)));
    expect(hiring?.body).toMatch(/^Done: Hiring plan for two backend engineers\.\n\nWhat I did, as People partner:\n/);
    expect(hiring?.body).toMatch(/role description|interview loop|onboarding checklist|who on the team can interview|timeline|budget question/);
    const coderTask = { ...task('Fix the login bug'), from: 'planner', id: '000002-planner-001' };
    const [fix] = sends(await new OfflineProvider().generate(requestFor('coder_01', [coderTask], undefined, TALK)));
    expect(fix?.body).toContain('What I did, as Software engineer:');
    expect(fix?.body).toMatch(/test|diff|edge cases|code|comment/);
    // Different tasks get different steps: the steps are chosen by the task, not fixed per role.
    const stepsOf = async (subject: string) => {
      const [report] = sends(await new OfflineProvider().generate(requestFor('coder_01', [{ ...coderTask, subject }], undefined, TALK)));
      return (report?.body ?? '').split('\n').filter((line) => line.startsWith('- ')).join('\n');
    };
    const variants = new Set(await Promise.all(['Fix the login bug', 'Add a search box', 'Speed up the build', 'Write the API docs'].map(stepsOf)));
    expect(variants.size).toBeGreaterThan(1);
  });

  test('a question nobody on the team finds out about is answered from the notes, and says what they hold', async () => {
    // The software team's titles speak of planning, code, hiring and tidying: nobody researches questions.
    const response = await new OfflineProvider().generate(requestFor('manager', [fromHuman('Does remote work raise productivity?')]));
    const [answer] = sends(response);
    expect(answer?.to).toBe('human');
    expect(answer?.body).toContain('That is all my notes hold');
  });

  test('a checker reads the files a task names in the shared workspace, and says why it cannot open one in another\'s workspace', () => {
    const files = filesNamed({ self: 'reviewer' }, 'Please check this.\n\nThe file: workspace/findings/a.md\nThe file: agents/researcher_01/workspace/work/b.md\nThe file: agents/reviewer/workspace/notes/c.md');
    expect(files).toEqual([
      { shown: 'workspace/findings/a.md', path: 'shared/findings/a.md' },
      { shown: 'agents/researcher_01/workspace/work/b.md', unreadable: "it is in researcher_01's own workspace, which only researcher_01 can open; it belongs in the shared workspace" },
      { shown: 'agents/reviewer/workspace/notes/c.md', path: 'notes/c.md' },
    ]);
  });

  test('work is saved in the folder the instructions name; in a shared one, under the agent\'s name too', () => {
    expect(namedFolder('Write your findings in the shared workspace (`shared/findings/`), one file per question.')).toBe('shared/findings/');
    expect(namedFolder('Write each story as a file in your workspace (`stories/`).')).toBe('stories/');
    expect(namedFolder('Keep a checklist (`qa/checklist.md`) and use `../up/`.')).toBeUndefined();
  });
});
