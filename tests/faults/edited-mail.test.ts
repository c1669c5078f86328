import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { enterCommand } from '../../src/invocation.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultFaultOrg, eventsOf, humanSends, inboxOf, requestsOf, runScripted } from './fault-org.js';

/**
 * A message the manager sent the planner in turn 1, then edited by hand between runs, before the planner has
 * read it: `edit` is given the file's text and returns the text written. Returns the file, the run's warnings
 * and the scripted model (the planner's calls are its requests).
 */
async function editedBeforeRead(edit: (text: string) => string): Promise<{ root: string; file: string; warnings: string[]; provider: ScriptedProvider }> {
  const root = defaultFaultOrg();
  humanSends(root, 'manager', 'go');
  const provider = new ScriptedProvider((request) => (request.agent === 'manager' && request.turn === 1 ? { toolCalls: [sendCall('planner', 'Plan the release.')] } : {}));
  await runScripted(root, provider, { maxTurns: 1 });
  const sent = readdirSync(join(root, 'agents/manager/outbox')).filter((name) => name.endsWith('-planner.md'));
  expect(sent).toHaveLength(1);
  const file = `agents/manager/outbox/${sent[0] as string}`;
  writeFileSync(join(root, file), edit(readFileSync(join(root, file), 'utf8')));
  // The next run is a command of its own, as a new process is: it reads the files, not what the last run wrote.
  enterCommand({ env: process.env, cwd: process.cwd() })();
  const events = await runScripted(root, provider);
  return { root, file, warnings: eventsOf(events, 'warning').map((event) => `${event.file}: ${event.message}`), provider };
}

describe('a message edited by hand after it was sent, before its reader read it', () => {
  test('its body edited: the reader is shown the file as it is now, and nothing is said', async () => {
    const { warnings, provider } = await editedBeforeRead((text) => text.replace('Plan the release.', 'Plan the release, and the hotfix.'));
    expect(warnings.filter((warning) => warning.includes('outbox'))).toEqual([]);
    expect(inboxOf(requestsOf(provider, 'planner')[0]).map((item) => item.body)).toEqual(['Plan the release, and the hotfix.']);
  });

  test('its `to:` edited to another agent: it is read by the one it was sent to, shown as sent to it, and the edit is named, with how to send it to the other', async () => {
    const { file, warnings, provider } = await editedBeforeRead((text) => text.replace(/^to: planner$/m, 'to: coder_01'));
    // Before: the planner was shown a message "to coder_01" without a word, and coder_01 never had it.
    expect(warnings).toContain(
      `${file}: to: and cc: name coder_01 now, not planner: it was sent to planner in turn 1 and is read by planner as sent (an edit of to: or cc: after a message is sent sends it to no one new; to send it to coder_01, save a copy under a new name)`,
    );
    const shown = inboxOf(requestsOf(provider, 'planner')[0]);
    expect(shown.map((item) => ({ body: item.body, to: item.to }))).toEqual([{ body: 'Plan the release.', to: undefined }]);
    expect(requestsOf(provider, 'coder_01')).toEqual([]);
  });

  test('its front matter broken: the reader is not shown it, it stops waiting, and the warning says how to send it again', async () => {
    const { root, file, warnings, provider } = await editedBeforeRead((text) => text.replace(/^priority: normal$/m, 'priority: normal\nsubject: [unclosed'));
    // Before: "... now; it cannot be shown to planner", as if mending the file would bring it back; it does not.
    expect(warnings).toContain(`${file}: has broken front matter at line 8: the [ opened on this line is never closed with ] now; it cannot be shown to planner and stops waiting (mend it and save it under a new name to send it again)`);
    expect(requestsOf(provider, 'planner')).toEqual([]);
    // Mended in place, it is not delivered again: it was taken in when it was sent.
    writeFileSync(join(root, file), readFileSync(join(root, file), 'utf8').replace('subject: [unclosed', 'subject: Mended'));
    enterCommand({ env: process.env, cwd: process.cwd() })();
    const again = await runScripted(root, provider);
    expect(eventsOf(again, 'agent-called')).toEqual([]);
  });
});
