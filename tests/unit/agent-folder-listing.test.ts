import { cpSync, renameSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { OrgLoader } from '../../src/org/load-org.js';
import { countFsWork } from '../helpers/fs-work.js';
import { defaultOrg } from '../helpers/temp-org.js';

/** A time with a part below the second, an hour ago: what agents/ shows in an org whose agents have not changed for a while. */
function settle(root: string): void {
  const past = new Date(Date.now() - 3_600_000 + 0.25);
  utimesSync(join(root, 'agents'), past, past);
}

/** One load, with the names of the agents it found and whether it listed agents/. */
async function load(loader: OrgLoader): Promise<{ agents: string[]; listedAgents: boolean; joined: string[]; left: string[] }> {
  let result;
  const work = await countFsWork(async () => {
    result = loader.load();
  });
  const loaded = result as unknown as ReturnType<OrgLoader['load']>;
  return {
    agents: [...loaded.org.agents.keys()],
    listedAgents: work.listed.some((folder) => folder.endsWith('/agents')),
    joined: loaded.joined,
    left: loaded.left,
  };
}

describe('a loader that loads every turn lists agents/ only when that folder changed', () => {
  test('a steady load stats agents/ and lists nothing; an agent folder added, renamed or removed is seen at the next load', async () => {
    const root = defaultOrg();
    settle(root);
    const loader = new OrgLoader(root);
    expect((await load(loader)).listedAgents).toBe(true);
    const steady = await load(loader);
    expect(steady).toMatchObject({ listedAgents: false, joined: [], left: [] });
    expect(steady.agents).toEqual(['coder_01', 'hr', 'human', 'janitor', 'manager', 'planner']);

    // A hire by hand: the folder copied in moves the time of agents/.
    cpSync(join(root, 'agents', 'coder_01'), join(root, 'agents', 'coder_02'), { recursive: true });
    expect(await load(loader)).toMatchObject({ listedAgents: true, joined: ['coder_02'] });
    settle(root);
    expect(await load(loader)).toMatchObject({ listedAgents: true, joined: [] });
    expect(await load(loader)).toMatchObject({ listedAgents: false });

    renameSync(join(root, 'agents', 'coder_02'), join(root, 'agents', 'tester'));
    expect(await load(loader)).toMatchObject({ listedAgents: true, joined: ['tester'], left: ['coder_02'] });
    settle(root);
    await load(loader);

    rmSync(join(root, 'agents', 'tester'), { recursive: true });
    expect(await load(loader)).toMatchObject({ listedAgents: true, left: ['tester'] });
  });

  test('a folder changed in the last second, or whose time has no part below the second, is listed at every load', async () => {
    const root = defaultOrg();
    const loader = new OrgLoader(root);
    // Just bootstrapped: its time could be stamped again by a change made in the same tick of the clock.
    expect((await load(loader)).listedAgents).toBe(true);
    expect((await load(loader)).listedAgents).toBe(true);

    const whole = new Date('2026-01-01T10:00:00.000Z');
    utimesSync(join(root, 'agents'), whole, whole);
    expect((await load(loader)).listedAgents).toBe(true);
    expect((await load(loader)).listedAgents).toBe(true);
  });

  test('an agent folder replaced by a link moves the time of agents/: listed again, the link is not taken for an agent folder', async () => {
    const root = defaultOrg();
    settle(root);
    const loader = new OrgLoader(root);
    await load(loader);
    cpSync(join(root, 'agents', 'coder_01'), join(root, 'elsewhere'), { recursive: true });
    rmSync(join(root, 'agents', 'coder_01'), { recursive: true });
    symlinkSync(join(root, 'elsewhere'), join(root, 'agents', 'coder_01'));
    expect(await load(loader)).toMatchObject({ listedAgents: true, left: ['coder_01'] });
  });
});
