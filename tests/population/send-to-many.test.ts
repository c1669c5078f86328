import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Output } from '../../src/cli/cli-context.js';
import { sendCommand } from '../../src/cli/commands/send.js';
import { populate } from '../../src/population/populate.js';
import { CHANGE_LOG_FILE } from '../../src/org/changes/change-log.js';
import { callsTo, countFsWork } from '../helpers/fs-work.js';
import { DEFAULT_ORG, tempDir } from '../helpers/temp-org.js';

function captured(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (line: string) => lines.push(line), err: (line: string) => lines.push(`err: ${line}`) } as Output & { lines: string[] };
}

/** A populated org of `size` people; without structure every one reports to the human, who may write to each. */
async function populated(size: number, structure = ''): Promise<string> {
  const dir = tempDir();
  const file = join(dir, 'people.yaml');
  const roles = structure === '' ? '' : '  head: { title: "Head of {department}", model: offline, credits: 1 }\n';
  writeFileSync(file, `name: p\nsize: ${size}\nattributes:\n  department: { shares: { sales: 0.5, support: 0.5 } }\n  seniority: { shares: { junior: 0.5, senior: 0.5 } }\n${structure}roles:\n${roles}  member: { title: A, model: offline, credits: 1 }\n`);
  const root = join(dir, 'org');
  await populate(file, root, { template: DEFAULT_ORG });
  return root;
}

const outbox = (root: string): string[] => readdirSync(join(root, 'agents', 'human', 'outbox')).filter((name) => name.endsWith('.md'));

describe('lemming send at scale', () => {
  test('a send to one reads the same files at 30 and 300 agents, no resume, and looks at each agent once at most', async () => {
    const reads: number[] = [];
    for (const size of [30, 300]) {
      const root = await populated(size);
      const work = await countFsWork(async () => {
        await sendCommand(root, 'agent_00001', ['hello'], {}, captured());
      });
      reads.push(callsTo(work, 'readFileSync', 'openSync'));
      expect(work.listed.filter((folder) => folder.endsWith('/agents'))).toHaveLength(1);
      // One stat of each resume (the loader's look for hand edits), not one per load of the org.
      expect(callsTo(work, 'statSync')).toBeLessThanOrEqual(size + 20);
    }
    expect(reads[1]).toBe(reads[0]);
  });

  test('--where sends one message to each agent whose persona matches, in three listings of the outbox (one to remove what a killed send left, one to number the messages, one to see no other writer took a number meanwhile) and one note to the engine', async () => {
    const root = await populated(40);
    const output = captured();
    const work = await countFsWork(async () => {
      await sendCommand(root, 'Please', ['report', 'by', 'Friday'], { where: ['department=sales', 'persona.seniority=senior'] }, output);
    });
    const files = outbox(root);
    const matching = readdirSync(join(root, 'agents')).filter((name) => /department: sales\n\s*seniority: senior\n/.test(readFileSync(join(root, 'agents', name, 'resume.md'), 'utf8')));
    expect(matching.length).toBeGreaterThan(3);
    expect(files.map((file) => file.replace(/^\d+-\d+-/, '').replace(/\.md$/, ''))).toEqual(matching);
    for (const file of files) expect(readFileSync(join(root, 'agents', 'human', 'outbox', file), 'utf8')).toContain('Please report by Friday');
    expect(output.lines.at(-2)).toBe(`${matching.length} messages sent, one to each recipient`);
    expect(work.listed.filter((folder) => folder.endsWith('/outbox'))).toHaveLength(3);
    // The engine told once: the change log opened once, to append the human's one line (org/changes/change-log.ts).
    expect(work.opened.filter((path) => path.endsWith(CHANGE_LOG_FILE))).toHaveLength(1);
  });

  test('a list sends to each name; one recipient the chart does not allow and nothing is sent', async () => {
    const root = await populated(40, 'structure: { departments: department }\n');
    await sendCommand(root, 'agent_00001,agent_00021', ['hello'], {}, captured());
    expect(outbox(root)).toEqual(['000000-001-agent_00001.md', '000000-002-agent_00021.md']);
    await expect(sendCommand(root, 'agent_00001,agent_00002,agent_00003', ['hello'], {}, captured())).rejects.toThrow(
      /^not sent to anyone: 2 of the 3 recipients cannot be reached: human may not send to agent_00002 \(chart\.yaml: agents\.human\.send_to\); human may not send to agent_00003/,
    );
    await expect(sendCommand(root, 'hello', [], { where: ['department=sales'] }, captured())).rejects.toThrow(/^not sent to anyone: 19 of the 20 recipients cannot be reached/);
    await expect(sendCommand(root, 'hello', [], { where: ['department=legal'] }, captured())).rejects.toThrow("not sent: no agent's persona has department=legal; department is one of sales, support");
    expect(outbox(root)).toHaveLength(2);
  });
});
