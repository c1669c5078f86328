import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { defaultOrg, resume, write } from '../helpers/temp-org.js';

/** A Cyrillic a (U+0430), which reads as a Latin a, and a zero-width joiner (U+200D), which reads as nothing. */
const CYRILLIC_A = '\u0430';
const JOINER = '\u200d';

/**
 * A name a person made on disk that does not pass the name rule is printed quoted, its look-alike
 * characters escaped (quoteName, mailbox/message-text.ts): shown as itself, `agents/humаn/` reads as
 * the person's own folder and `org/meetings/sync‍up.yaml` as a meeting lemming reads.
 */
describe('names read from disk that fail the name rule are printed quoted', () => {
  test('validate: an agent folder, a chart key, a list, a meeting, a template and an outbox file, each named with a look-alike', () => {
    const root = defaultOrg();
    write(root, `agents/hum${CYRILLIC_A}n/resume.md`, resume({ title: 'Impostor', model: 'offline' }, 'Not the human.'));
    write(root, 'org/chart.yaml', `${readFileSync(join(root, 'org', 'chart.yaml'), 'utf8')}  plan${JOINER}ner:\n    reports_to: manager\n`);
    write(root, `org/lists/te${CYRILLIC_A}m.yaml`, 'members: [planner]\n');
    write(root, `org/meetings/sync${JOINER}up.yaml`, 'chair: manager\n');
    write(root, `org/templates/wr${JOINER}iter.md`, '---\ntitle: Writer\n---\nWrites.\n');
    write(root, `agents/manager/outbox/n${CYRILLIC_A}te.md`, 'no front matter\n');

    const validated = lemming(root, ['validate']);
    const said = `${validated.stdout}${validated.stderr}`;
    expect(said).toContain('warning: agents/"hum\\u0430n"/: is not a valid agent name');
    expect(said).toContain('org/chart.yaml:');
    expect(said).toContain(': agents."plan\\u200dner": is not a valid agent name');
    expect(said).toContain('warning: org/lists/"te\\u0430m".yaml: is not read');
    expect(said).toContain('warning: org/meetings/"sync\\u200dup".yaml: is not read');
    expect(said).toContain('warning: org/templates/"wr\\u200diter".md: ');
    expect(said).toContain('agents/manager/outbox/"n\\u0430te".md: ');
    // No look-alike is printed as itself.
    expect(said).not.toMatch(/[\u0430\u200d]/);
    // A name that passes the rule is printed as it is.
    expect(said).not.toContain('"manager"');
  });

  test('experiment: a variant named with a look-alike is named quoted in each of its problems', () => {
    const root = defaultOrg();
    const file = join(root, 'study.yaml');
    write(root, 'study.yaml', `name: study\nmessages: [{ to: manager, body: hi }]\nvariants:\n  - name: no-pl${CYRILLIC_A}nner\n    repeats: 0\n`);
    const refused = lemming(root, ['experiment', file]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`${file}:5: variants.0.repeats: variant "no-pl\\u0430nner": `);
    expect(refused.stderr).not.toMatch(/[\u0430\u200d]/);
  });

  test('run: a skipped outbox file named with a look-alike is printed quoted in the run warning', async () => {
    const root = defaultOrg();
    mkdirSync(join(root, 'agents', 'manager', 'outbox'), { recursive: true });
    write(root, `agents/manager/outbox/n${CYRILLIC_A}te.md`, 'no front matter\n');
    const run = await lemmingAsync(root, ['run', '--plain', '--turns', '1']);
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).toContain('warning: agents/manager/outbox/"n\\u0430te".md: ');
    expect(run.stdout + run.stderr).not.toMatch(/[\u0430\u200d]/);
  });
});

