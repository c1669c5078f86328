import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { describeOrgChange } from '../../src/ui/watch/describe-org-change.js';
import { watchOrgFiles, type FileChange, type FileWatch } from '../../src/ui/watch/org-files-watcher.js';
import { OrgLoader } from '../../src/org/load-org.js';
import { editFile, tempOrg } from './helpers/temp-org.js';
import { waitFor } from './helpers/wait.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setUp(options: { edits: boolean; mail: boolean }): { root: string; changes: FileChange[]; watch: FileWatch } {
  const org = tempOrg();
  const watch = watchOrgFiles(org.root, { ...options, settleMs: 20 });
  const changes: FileChange[] = [];
  watch.subscribe((change) => changes.push(change));
  cleanups.push(org.remove, () => watch.close());
  return { root: org.root, changes, watch };
}

function texts(changes: FileChange[]): string[] {
  return changes.flatMap((change) => (change.kind === 'edits' ? change.notices.map((notice) => notice.text) : []));
}

describe('describing a reload of the org files', () => {
  test('names the agent of a reloaded resume, and a broken file with field and reason', () => {
    const { root, remove } = tempOrg();
    cleanups.push(remove);
    const loader = new OrgLoader(root);
    loader.load();
    const seen = new Set<string>();
    editFile(root, 'agents/manager/resume.md', /^title: .*$/m, 'title: Release manager');
    expect(describeOrgChange(loader.load(), seen, 'k').map((notice) => [notice.tone, notice.text])).toEqual([['ok', 'manager: resume reloaded — takes effect next turn']]);
    editFile(root, 'agents/manager/resume.md', /^credits: .*$/m, 'credits: -3');
    const [problem] = describeOrgChange(loader.load(), seen, 'k');
    expect(problem?.tone).toBe('problem');
    expect(problem?.text).toMatch(/^agents\/manager\/resume\.md:\d+: credits: .+ — the last valid version stays in force$/);
  });
});

describe('the file watcher', () => {
  test('validates a hand edit as soon as it is saved', async () => {
    const { root, changes, watch } = setUp({ edits: true, mail: false });
    await watch.ready;
    editFile(root, 'agents/planner/resume.md', /^title: .*$/m, 'title: "Planner: writes the plans"');
    await waitFor(() => texts(changes).length > 0, () => JSON.stringify(changes));
    expect(texts(changes)).toEqual(['planner: resume reloaded — takes effect next turn']);

    editFile(root, 'org/chart.yaml', /send_to: \[manager, coder_01\]/, 'send_to: [manager, nobody_here]');
    await waitFor(() => texts(changes).length > 1, () => JSON.stringify(changes));
    // A name with no agent is ignored with a warning, not a broken chart: the rest of the edit applies.
    expect(texts(changes).slice(1)).toEqual([
      'chart.yaml reloaded — takes effect next turn',
      expect.stringMatching(/^warning: org\/chart\.yaml:\d+: agents\.planner\.send_to\.1: names "nobody_here", which is not an agent of this org; ignored until you edit the chart/),
    ]);
  });

  test('a new agent folder with a valid resume joins; a removed one leaves', async () => {
    const { root, changes, watch } = setUp({ edits: true, mail: false });
    await watch.ready;
    mkdirSync(join(root, 'agents', 'tester'));
    writeFileSync(join(root, 'agents', 'tester', 'resume.md'), '---\ntitle: Tester\nmodel: offline\ncredits: 0.1\n---\nTest things.\n');
    await waitFor(() => texts(changes).some((text) => text.includes('joins')), () => JSON.stringify(changes));
    expect(texts(changes)).toContain('tester: joins at the next turn');
    rmSync(join(root, 'agents', 'janitor'), { recursive: true });
    editFile(root, 'org/chart.yaml', /\n {2}janitor:\n(?: {4}.*\n)+/, '\n');
    editFile(root, 'org/chart.yaml', /send_to: \[human, planner, hr, janitor\]/, 'send_to: [human, planner, hr]');
    await waitFor(() => texts(changes).includes('janitor: leaves at the next turn'), () => JSON.stringify(changes));
  });

  test('reports new mail files, and not memory, logs or temporary files', async () => {
    const { root, changes, watch } = setUp({ edits: false, mail: true });
    await watch.ready;
    writeFileSync(join(root, 'agents', 'manager', 'memory', 'note.md'), 'x');
    writeFileSync(join(root, 'agents', 'manager', 'outbox', '.000001-001-human.md.tmp'), 'x');
    writeFileSync(join(root, 'agents', 'manager', 'outbox', '000001-001-human.md'), '---\nto: human\n---\nHi\n');
    await waitFor(() => changes.length > 0, () => JSON.stringify(changes));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(changes).toEqual([{ kind: 'mail', file: 'agents/manager/outbox/000001-001-human.md' }]);
  });
});
