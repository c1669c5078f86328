import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { listOutbox, tempDir } from '../helpers/org-files.js';

interface InboxJson {
  messages: Array<{ id: string; from: string; subject?: string; body: string; turn: number }>;
}

function inbox(root: string): InboxJson['messages'] {
  return (JSON.parse(lemming(root, ['inbox', '--all', '--json']).stdout) as InboxJson).messages;
}

// The shipped org on the offline model, as a new user first meets it.
describe('the default org on the offline model', () => {
  test('a hiring plan goes to the people partner and comes back; a question is answered, not done', () => {
    const root = tempDir();
    lemming(root, ['bootstrap']);
    lemming(root, ['send', 'manager', 'Please prepare a hiring plan for two backend engineers']);
    const run = lemming(root, ['run']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('[turn 1] manager -> hr: Please prepare a hiring plan for two backend engineers');
    expect(run.stdout).toContain('[turn 2] hr -> manager: Re: Please prepare a hiring plan for two backend engineers');
    expect(run.stdout).toContain('[turn 3] manager -> human: Re: Please prepare a hiring plan for two backend engineers');
    expect(listOutbox(root, 'planner')).toEqual([]);
    expect(listOutbox(root, 'coder_01')).toEqual([]);
    const [plan] = inbox(root);
    expect(plan?.body).toContain('What I did, as People partner:');

    lemming(root, ['send', 'manager', 'What is the status of the team?']);
    const asked = lemming(root, ['run']);
    expect(asked.stdout).toContain('[turn 4] manager -> human: Re: What is the status of the team?');
    // Answered by the manager in the turn it read the question: nobody was handed it as a task.
    expect(asked.stdout).not.toMatch(/manager -> (planner|hr|janitor)/);
    const answer = inbox(root).at(-1);
    expect(answer?.body).not.toContain('Done:');
    expect(answer?.body).toContain('- hr, People partner: hiring and onboarding: nothing I handed over is open');
    expect(answer?.body).toContain('- turn 3: "Please prepare a hiring plan for two backend engineers", done by hr, reported to human');
  });
});
