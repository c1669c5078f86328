import { describe, expect, test } from 'vitest';
import { statePaths } from '../../src/engine/record/state-paths.js';
import { deliveredMail } from '../../src/engine/record/taken-files.js';
import { readOrgRecords } from '../../src/analysis/records/read-records.js';
import { mailingListProblems, parseMailingList } from '../../src/org/lists/mailing-list.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { readMessageTool } from '../../src/tools/messages/message-tools.js';
import { MessageIndex } from '../../src/web/search/message-index.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { lemming } from '../helpers/cli.js';
import { defaultOrg, humanSends, inboxOf, listOutbox, ofType, read, runEngine, write } from '../helpers/temp-org.js';

const withProvider = (provider: ScriptedProvider) => ({ providerFactory: () => provider });
const firstCall = (provider: ScriptedProvider, agent: string): ProviderRequest | undefined => provider.requests.find((request) => request.agent === agent);

/** The default org with a list `team` (planner, hr, coder_01) that the manager and hr have an edge to; only the manager may post. */
function orgWithList(archive = 'members'): string {
  const root = defaultOrg();
  write(root, 'org/lists/team.yaml', `description: The release team\nmembers: [planner, hr, coder_01]\nmay_post: [manager]\narchive: ${archive}\n`);
  const chart = read(root, 'org/chart.yaml').replace('send_to: [human, planner, hr, janitor]', 'send_to: [human, planner, hr, janitor, team]');
  write(root, 'org/chart.yaml', chart.replace(/(hr:\n\s+reports_to: manager\n\s+send_to: )\[manager\]/, '$1[manager, team]'));
  return root;
}

describe('mailing lists (org/lists/<name>.yaml)', () => {
  test('a post is one file in the poster outbox; each member reads it by the list rule, once; a reply threads back to it', async () => {
    const root = orgWithList();
    humanSends(root, 'manager', 'go');
    const provider = new ScriptedProvider((request) => {
      if (request.agent === 'manager' && request.turn === 1) return { toolCalls: [sendCall('team', 'release on Friday', { subject: 'Release' })] };
      if (request.agent === 'planner' && request.turn === 2) return { toolCalls: [sendCall('manager', 'noted')] };
      return {};
    });
    const events = await runEngine(root, { maxTurns: 3 }, withProvider(provider));
    expect(ofType(events, 'message-refused')).toEqual([]);
    expect(listOutbox(root, 'manager')).toEqual(['000001-001-team.md']);
    expect(read(root, 'agents/manager/outbox/000001-001-team.md')).toMatch(/^to: team$/m);
    // coder_01 reads only from the planner in the chart: as a member it reads the list's posts.
    for (const member of ['planner', 'hr', 'coder_01']) {
      expect(inboxOf(firstCall(provider, member)).map((item) => [item.id, item.from, item.subject])).toEqual([['000001-manager-001', 'manager', 'Release']]);
    }
    expect(firstCall(provider, 'janitor')).toBeUndefined();
    // The thread: the human's request, the post answering it, the planner's answer under that (reply_to filled in from the one message each was shown).
    const thread = MessageIndex.open(root).thread('000001-manager-001');
    expect(thread.map((entry) => [entry.id, entry.depth])).toEqual([['000000-human-001', 0], ['000001-manager-001', 1], ['000002-planner-001', 2]]);
    // The network counts the post as an edge to each member.
    const { org } = loadOrg(root);
    const post = readOrgRecords(org).messages.find((message) => message.id === '000001-manager-001');
    expect([post?.to, ...(post?.others ?? [])]).toEqual(['planner', 'hr', 'coder_01']);
  });

  test('posting needs an edge to the list and its may_post: each refusal says which', async () => {
    const root = orgWithList();
    // The chart names the list in send_to: a name of the chart, not a missing agent to warn about.
    expect(loadOrg(root).problems.filter((problem) => problem.message.includes('"team"'))).toEqual([]);
    write(root, 'agents/planner/outbox/note.md', '---\nto: team\n---\nno edge to the list\n');
    write(root, 'agents/hr/outbox/note.md', '---\nto: team\n---\nan edge, but not a poster\n');
    const provider = new ScriptedProvider(() => ({}));
    const events = await runEngine(root, { maxTurns: 1 }, withProvider(provider));
    const refused = ofType(events, 'message-refused').map((event) => `${event.from}: ${event.reason}`);
    expect(refused).toEqual([
      'hr: hr may not post to the list team (org/lists/team.yaml: may_post)',
      'planner: planner may not send to the list team (chart.yaml: agents.planner.send_to)',
    ]);
    // No one read either file: the only calls are the two senders', each shown its notice.
    expect(provider.requests.map((request) => [request.agent, inboxOf(request).map((item) => item.subject)])).toEqual([['hr', ['Not delivered']], ['planner', ['Not delivered']]]);
  });

  test('the human posts with lemming send when its send_to names the list and may_post lets it', async () => {
    const root = orgWithList();
    write(root, 'org/lists/team.yaml', 'members: [planner, hr]\nmay_post: [human]\n');
    write(root, 'org/chart.yaml', read(root, 'org/chart.yaml').replace('send_to: [manager]\n    read_from: ["*"]', 'send_to: [manager, team]\n    read_from: ["*"]'));
    humanSends(root, 'team', 'hello team', 'Hi');
    expect(listOutbox(root, 'human')).toEqual(['000000-001-team.md']);
    const provider = new ScriptedProvider(() => ({}));
    await runEngine(root, { maxTurns: 1 }, withProvider(provider));
    expect(provider.requests.map((request) => request.agent).sort()).toEqual(['hr', 'planner']);
  });

  test('read_message by id: members, and those the archive names; no one else', async () => {
    const root = orgWithList('[janitor]');
    humanSends(root, 'manager', 'go');
    const provider = new ScriptedProvider((request) => (request.agent === 'manager' && request.turn === 1 ? { toolCalls: [sendCall('team', 'for the team')] } : {}));
    await runEngine(root, { maxTurns: 1 }, withProvider(provider));
    const { org } = loadOrg(root);
    const readAs = (name: string) => {
      const agent = org.agents.get(name);
      if (!agent) throw new Error(name);
      return readMessageTool({ root, org, agent, delivered: deliveredMail(statePaths(root).taken, []) }, '000001-manager-001');
    };
    expect(readAs('coder_01')).toMatchObject({ isError: false });
    expect(readAs('janitor')).toMatchObject({ isError: false });
    expect(readAs('human')).toMatchObject({ isError: true });
  });

  test('read_message by id under the list as it is now: once the poster may no longer post, neither a member nor the archive opens the post, saying why', async () => {
    const root = orgWithList('[janitor]');
    humanSends(root, 'manager', 'go');
    const provider = new ScriptedProvider((request) => (request.agent === 'manager' && request.turn === 1 ? { toolCalls: [sendCall('team', 'for the team')] } : {}));
    await runEngine(root, { maxTurns: 1 }, withProvider(provider));
    const readAs = (name: string) => {
      const { org } = loadOrg(root);
      const agent = org.agents.get(name);
      if (!agent) throw new Error(name);
      return readMessageTool({ root, org, agent, delivered: deliveredMail(statePaths(root).taken, []) }, '000001-manager-001');
    };
    expect(readAs('coder_01')).toMatchObject({ isError: false });
    expect(readAs('janitor')).toMatchObject({ isError: false });
    write(root, 'org/lists/team.yaml', 'members: [planner, hr, coder_01]\nmay_post: [planner, hr]\narchive: [janitor]\n');
    const closed = { isError: true, content: '000001-manager-001 cannot be read now: manager may not post to the list team (org/lists/team.yaml: may_post)' };
    expect(readAs('coder_01')).toEqual(closed);
    expect(readAs('janitor')).toEqual(closed);
  });

  test('a list file is checked: its fields, and a name an agent already has', () => {
    expect(parseMailingList('members: planner\n', 'team').problems[0]?.message).toMatch(/must be a list of agent names/);
    expect(parseMailingList('members: [planner]\nmay_post: someone\n', 'team').problems[0]).toMatchObject({ field: 'may_post' });
    expect(parseMailingList('members: [planner]\nwho: x\n', 'team').problems[0]?.message).toMatch(/unknown field "who"/);
    // Every name that is none, at once, each at its place and line.
    const bad = parseMailingList('members:\n  - planner\n  - Bad One\n  - hr\n  - x y\nmay_post: [manager, "no way"]\n', 'team').problems;
    expect(bad.map((problem) => [problem.field, problem.line, problem.message.split(';')[0]])).toEqual([
      ['members.1', 3, 'names "Bad One", which is not an agent name (like "planner" or "coder_01")'],
      ['members.3', 5, 'names "x y", which is not an agent name (like "planner" or "coder_01")'],
      ['may_post.1', 6, 'names "no way", which is not an agent name (like "planner" or "coder_01"), or `members`, or "*"'],
    ]);
    const root = defaultOrg();
    write(root, 'org/lists/planner.yaml', 'members: [hr]\n');
    write(root, 'org/lists/team.yaml', 'members: [hr, nobody]\n');
    const { org } = loadOrg(root);
    expect(mailingListProblems(root, org).map((problem) => `${problem.file} ${problem.severity}: ${problem.message}`)).toEqual([
      expect.stringMatching(/^org\/lists\/planner\.yaml error: is a list named planner, but planner is an agent/),
      expect.stringMatching(/^org\/lists\/team\.yaml warning: names "nobody", which is not an agent/),
    ]);
  });

  test('a file under org/lists/ or org/meetings/ that is never read (`.yml`, a name with capitals, a reserved name) is warned of by validate, saying why by the one name rule, with the name it would be read under', () => {
    // Before, `validate` said "valid" and the list or meeting was never used: a post to ops was refused as to no agent.
    const root = defaultOrg();
    const list = 'members: [planner, hr]\n';
    for (const name of ['ops.yml', 'Team.yaml', 'My List.yaml', 'lemming.yaml']) write(root, `org/lists/${name}`, list);
    write(root, 'org/meetings/Sync.yaml', 'attendees: [manager, planner]\nagenda: Plan\nturn: 2\n');
    // Not warned of: a meeting's transcripts (a folder), a hidden file, a file that is no YAML (notes).
    const others = { 'org/meetings/standup/000001.md': '# Meeting standup, turn 1\n', 'org/lists/.team.yaml.swp': 'x', 'org/lists/README.md': 'Our lists.\n' };
    for (const [file, text] of Object.entries(others)) write(root, file, text);
    const validated = lemming(root, ['validate']);
    expect(validated.status, validated.stderr).toBe(0);
    const rule = 'an agent name is 1-64 characters: a lowercase letter, then lowercase letters, digits, "_" or "-" (for example "coder_01")';
    // Before, lemming.yaml was told its name must be "a lowercase letter, then lowercase letters, …", which `lemming` is.
    expect(validated.stdout.split('\n').filter((line) => line.startsWith('warning: org/lists/') || line.startsWith('warning: org/meetings/'))).toEqual([
      `warning: org/lists/My List.yaml: is not read: a mailing list is a file org/lists/<name>.yaml, and "My List" is not a valid agent name; ${rule}; name it like org/lists/team.yaml`,
      `warning: org/lists/Team.yaml: is not read: a mailing list is a file org/lists/<name>.yaml, and "Team" is not a valid agent name; ${rule}: rename it org/lists/team.yaml`,
      `warning: org/lists/lemming.yaml: is not read: a mailing list is a file org/lists/<name>.yaml, and "lemming" is the engine's own sender name, not an agent's; ${rule}; name it like org/lists/team.yaml`,
      'warning: org/lists/ops.yml: is not read: a mailing list is a file org/lists/<name>.yaml: rename it org/lists/ops.yaml',
      `warning: org/meetings/Sync.yaml: is not read: a meeting is a file org/meetings/<name>.yaml, and "Sync" is not a valid agent name; ${rule}: rename it org/meetings/sync.yaml`,
    ]);
  });

  test('a post to a list whose file has a problem is refused with the whole problem on one line, not an example cut off after "looks like"', async () => {
    const root = orgWithList();
    write(root, 'org/lists/team.yaml', 'members: [planner, hr]\nmay_post: [manager]\ncolour: red\n');
    humanSends(root, 'manager', 'go');
    const provider = new ScriptedProvider((request) => (request.agent === 'manager' && request.turn === 1 ? { toolCalls: [sendCall('team', 'release on Friday')] } : {}));
    const events = await runEngine(root, { maxTurns: 1 }, withProvider(provider));
    // Before: `(org/lists/team.yaml: unknown field "colour"; a list has …; a valid list looks like)`.
    expect(ofType(events, 'message-refused').map((event) => event.reason)).toEqual([
      'the list team cannot be used until its file is fixed (org/lists/team.yaml: unknown field "colour"; a list has description, members, may_post, archive)',
    ]);
  });

  test('a run says at its start each list file validate calls an error: an unknown field, a list named like an agent', () => {
    const root = orgWithList();
    write(root, 'org/lists/team.yaml', 'members: [planner, hr]\nmay_post: [manager]\ncolour: red\n');
    write(root, 'org/lists/planner.yaml', 'members: [hr]\n');
    for (let run = 0; run < 2; run += 1) {
      const ran = lemming(root, ['run-once']);
      expect(ran.status, ran.stderr).toBe(0);
      const warned = ran.stdout.split('\n').filter((line) => line.includes('warning: org/lists/'));
      // Before: nothing; a post to team was refused only when one was sent, and one to planner went to the agent without a word.
      expect(warned).toEqual([
        expect.stringMatching(/^\[turn \d+\] warning: org\/lists\/planner\.yaml: is a list named planner, but planner is an agent/),
        expect.stringMatching(/^\[turn \d+\] warning: org\/lists\/team\.yaml: colour: unknown field "colour"; a list has description, members, may_post, archive$/),
      ]);
    }
  }, 60_000);

  test('a list among the members of a list, even in a loop, is said to read nothing (lists do not nest), and a post reaches the agents alone, once', async () => {
    const root = orgWithList();
    write(root, 'org/lists/team.yaml', 'members: [planner, ops]\nmay_post: [manager]\n');
    write(root, 'org/lists/ops.yaml', 'members: [team, hr]\nmay_post: "*"\n');
    const validated = lemming(root, ['validate']);
    expect(validated.stderr + validated.stdout).toContain(
      'warning: org/lists/team.yaml:1: members.1: names "ops", which is the mailing list org/lists/ops.yaml, not an agent: lists do not nest, so it reads nothing; name its members instead, like `members: [planner, coder_01, hr]`',
    );
    expect(validated.stderr + validated.stdout).toContain('warning: org/lists/ops.yaml:1: members.0: names "team", which is the mailing list org/lists/team.yaml, not an agent');
    expect(validated.stderr + validated.stdout).not.toContain('reads nothing until it joins');
    humanSends(root, 'manager', 'go');
    const provider = new ScriptedProvider((request) => (request.agent === 'manager' && request.turn === 1 ? { toolCalls: [sendCall('team', 'release on Friday', { subject: 'Release' })] } : {}));
    await runEngine(root, { maxTurns: 3 }, withProvider(provider));
    expect(inboxOf(firstCall(provider, 'planner')).map((item) => item.subject)).toEqual(['Release']);
    expect(provider.requests.filter((request) => request.agent === 'planner')).toHaveLength(1);
    expect(firstCall(provider, 'hr')).toBeUndefined();
  });

  test('may_post and archive naming someone who is no agent, or a list, are warned of like members: each with its line and place, and such a name posts nothing', async () => {
    const root = orgWithList();
    write(root, 'org/lists/release.yaml', ['members:', '  - planner', '  - hr', 'may_post: [manager, phantom, team]', 'archive:', '  - spook', '  - team', ''].join('\n'));
    const chart = read(root, 'org/chart.yaml');
    write(root, 'org/chart.yaml', chart.replace('[manager, team]', '[manager, team, release]'));
    const validated = lemming(root, ['validate']);
    expect(validated.status).toBe(0);
    expect(validated.stdout.split('\n').filter((line) => line.includes('release.yaml'))).toEqual([
      'warning: org/lists/release.yaml:4: may_post.1: names "phantom", which is not an agent of this org; that name may post only once it joins',
      'warning: org/lists/release.yaml:4: may_post.2: names "team", which is the mailing list org/lists/team.yaml, not an agent: a list never posts, so it lets no one post; name who may instead, like `may_post: [manager, planner]`',
      'warning: org/lists/release.yaml:6: archive.0: names "spook", which is not an agent of this org; that name opens no post until it joins',
      'warning: org/lists/release.yaml:7: archive.1: names "team", which is the mailing list org/lists/team.yaml, not an agent: lists do not nest, so it lets no one in; name who may instead, like `archive: [planner, coder_01]`',
    ]);
    // What the warning says: the list's members may not post to it, team's members included.
    humanSends(root, 'manager', 'go');
    const provider = new ScriptedProvider((request) => {
      if (request.agent === 'manager' && request.turn === 1) return { toolCalls: [sendCall('hr', 'post to release')] };
      if (request.agent === 'hr' && request.turn === 2) return { toolCalls: [sendCall('release', 'from hr', { subject: 'Hi' })] };
      return {};
    });
    const events = await runEngine(root, { maxTurns: 3 }, withProvider(provider));
    expect(ofType(events, 'message-refused').map((event) => event.reason)).toEqual([expect.stringContaining('hr may not post to the list release (org/lists/release.yaml: may_post)')]);
  });
});
