import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { decideProposal } from '../../src/engine/human/decide-proposal.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { CassetteWriter, readCassette } from '../../src/providers/cassette/cassette-file.js';
import { requestKey, type NormalisedRequest } from '../../src/providers/cassette/normalise-request.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { RecordingProvider } from '../../src/providers/recording-provider.js';
import { CassetteAnswers, ReplayingProvider } from '../../src/providers/replaying-provider.js';
import { listProposals } from '../../src/tools/proposals/proposal-store.js';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import { defaultFaultOrg, humanSends, requestsOf, runOrg, runScripted, writeFile } from '../faults/fault-org.js';
import { scratchDir } from '../faults/scratch.js';

const MANAGER = '---\ntitle: Engineering manager\nmodel: offline\ncredits: 0.3\ntools: [send_message, hire_agent]\n---\nHire when asked.\n';

/** What the model was shown last in a request: the content of its last message. */
function lastShown(request: ProviderRequest | undefined): string {
  const last = request?.messages.at(-1);
  return typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content);
}

/** A model whose manager asks to hire a tester for 5 credits, more than it holds, then ends its turn. */
function hiresBeyondItsMeans(): ScriptedProvider {
  return new ScriptedProvider((request) => {
    if (request.agent !== 'manager') return { text: 'ok' };
    if (lastShown(request).includes('hire_agent')) return { text: 'done' };
    return { toolCalls: [{ id: 'hire_1', name: 'hire_agent', arguments: { name: 'tester', title: 'Tester', instructions: 'Test.', reports_to: 'manager', credits: 5 } }] };
  });
}

/** Every message file and the ledger: what a replay must write again, byte for byte. */
function written(root: string): Record<string, string> {
  const files: Record<string, string> = { ledger: readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8') };
  for (const agent of readdirSync(join(root, 'agents'))) {
    const outbox = join(root, 'agents', agent, 'outbox');
    for (const name of readdirSync(outbox)) files[`${agent}/${name}`] = readFileSync(join(outbox, name), 'utf8');
  }
  return files;
}

describe('credits in what an agent is shown', () => {
  test('a hire refused for want of credits tells the agent its balance as people see it, never a raw float', async () => {
    const root = defaultFaultOrg();
    writeFile(root, 'agents/manager/resume.md', MANAGER);
    const provider = hiresBeyondItsMeans();
    humanSends(root, 'manager', 'Please hire a tester');
    await runScripted(root, provider, { maxTurns: 1 });
    humanSends(root, 'manager', 'Please hire a tester, again');
    await runScripted(root, provider, { maxTurns: 1 });
    // The call before the refusal was charged at the offline model's price: 0.3 less 0.00035, then 0.3 less 0.00105,
    // which JavaScript's sums hold as 0.29964999999999997 and 0.29895.
    const refusals = requestsOf(provider, 'manager').map(lastShown).filter((shown) => shown.includes('hire_agent:'));
    expect(refusals.map((shown) => /hire_agent: [^\n]*/.exec(shown)?.[0])).toEqual([
      'hire_agent: credits 5 is more than the 0.2996 you have; the budget comes out of yours',
      'hire_agent: credits 5 is more than the 0.2989 you have; the budget comes out of yours',
    ]);
  });

  test('a hire of a ten-millionth of a credit is said in plain decimals in the approval and the notice its proposer reads', async () => {
    const root = defaultFaultOrg();
    writeFile(root, 'agents/manager/resume.md', MANAGER);
    const provider = new ScriptedProvider((request) => {
      if (request.agent !== 'manager' || request.turn > 1 || lastShown(request).includes('hire_agent')) return { text: 'ok' };
      return { toolCalls: [{ id: 'hire_1', name: 'hire_agent', arguments: { name: 'tester', title: 'Tester', instructions: 'Test.', reports_to: 'manager', credits: 0.0000001 } }] };
    });
    humanSends(root, 'manager', 'Please hire a tester');
    await runScripted(root, provider, { maxTurns: 1 });
    const [proposal] = listProposals(root).proposals;
    if (!proposal) throw new Error('no proposal');
    const decided = await decideProposal(loadOrg(root).org, proposal.id, 'approve', undefined);
    expect(decided.summary).toContain('hire tester (Tester), reporting to manager, 0.0000001 credits from manager');
    await runScripted(root, provider, { maxTurns: 1 });
    const told = requestsOf(provider, 'manager').filter((request) => request.turn === 2).map((request) => JSON.stringify(request.messages));
    expect(told.join('')).toContain('has joined, reporting to manager; 0.0000001 credits moved from your budget to theirs.');
    expect(told.join('')).not.toContain('1e-7');
  });

  test('a run recorded now replays exactly; a recording whose prompt held the raw float stops at that call, naming the cassette and what changed', async () => {
    const pristine = defaultFaultOrg();
    writeFile(pristine, 'agents/manager/resume.md', MANAGER);
    humanSends(pristine, 'manager', 'Please hire a tester');
    const copy = (): string => {
      const root = scratchDir();
      cpSync(pristine, root, { recursive: true });
      return root;
    };
    const [recorded, replayed, older] = [copy(), copy(), copy()];
    const cassette = join(scratchDir(), 'hire.jsonl');
    await runOrg(recorded, { maxTurns: 1 }, { providerFactory: () => new RecordingProvider(hiresBeyondItsMeans(), new CassetteWriter(cassette)) });
    await runOrg(replayed, { maxTurns: 1 }, { providerFactory: () => new ReplayingProvider(new CassetteAnswers(cassette, readCassette(cassette))) });
    expect(written(replayed)).toEqual(written(recorded));

    // The same recording as an earlier lemming made it: the refusal it showed said the balance as a raw float.
    const earlier = join(scratchDir(), 'earlier.jsonl');
    const lines = readFileSync(cassette, 'utf8').trimEnd().split('\n').map((line) => {
      const entry = JSON.parse(line.replace('the 0.2996 you have', 'the 0.29964999999999997 you have')) as { key: string; request: NormalisedRequest };
      return JSON.stringify({ ...entry, key: requestKey(entry.request) });
    });
    expect(lines.join('\n')).toContain('0.29964999999999997');
    writeFileSync(earlier, `${lines.join('\n')}\n`);
    const stopped = await runOrg(older, { maxTurns: 1 }, { providerFactory: () => new ReplayingProvider(new CassetteAnswers(earlier, readCassette(earlier))) }).then(
      (events) => JSON.stringify(events),
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    expect(stopped).toContain(`--replay ${earlier} has no answer for manager's call in turn 1 (model offline)`);
    // Compared with the recorded call of the same step (three messages), not the turn's first: the line that changed is shown.
    expect(stopped).toBe(
      [
        `--replay ${earlier} has no answer for manager's call in turn 1 (model offline): the run no longer asks what was recorded.`,
        "What changed since the recording (against manager's call in turn 1, model offline):",
        '  messages[2] (user), line 2:',
        '    - recorded: hire_agent: credits 5 is more than the 0.29964999999999997 you have; the budget comes out of yours',
        '    + now:      hire_agent: credits 5 is more than the 0.2996 you have; the budget comes out of yours',
        'Replay into a fresh copy of the org the recording was made from, or record again with --record.',
      ].join('\n'),
    );
  });
});
