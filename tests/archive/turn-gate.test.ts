import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { exportOrg } from '../../src/archive/export-org.js';
import { processStat } from '../../src/process-liveness.js';
import { statePaths } from '../../src/engine/record/state-paths.js';
import { expandOrgRoots, servedOrgs } from '../../src/web/served-orgs.js';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { listOutbox } from '../helpers/org-files.js';
import { defaultFaultOrg, eventsOf, humanSends, runOrg } from '../faults/fault-org.js';
import { scratchDir } from '../faults/scratch.js';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

/** The pid of a process that has exited: what a backup killed with SIGKILL leaves in its files. */
function deadPid(): number {
  const child = spawnSync('sh', ['-c', 'echo $$']);
  return Number(child.stdout.toString().trim());
}

async function until(condition: () => boolean): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > 60_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function lockContent(pid: number, command: string): string {
  const pidStart = processStat(pid)?.startTicks;
  return JSON.stringify({ pid, ...(pidStart === undefined ? {} : { pidStart }), host: hostname(), token: 'feedfacefeedface', command, started: '2026-01-01T00:00:00.000Z' });
}

describe('the turn gate', () => {
  test('a backup killed while it copied (its gate and its wish to copy left behind) holds up no engine', async () => {
    const root = defaultFaultOrg();
    const gate = statePaths(root).turnGate;
    mkdirSync(statePaths(root).directory, { recursive: true });
    const dead = deadPid();
    writeFileSync(gate, lockContent(dead, 'backup'));
    writeFileSync(`${gate}.wanted`, JSON.stringify({ pid: dead }));
    humanSends(root, 'manager', 'A task.');
    const events = await runOrg(root);
    expect(eventsOf(events, 'turn-finished').length).toBeGreaterThan(0);
    expect(existsSync(gate)).toBe(false);
  });

  test('`lemming run` waits at the gate while a live copier holds it, writes nothing meanwhile, and goes on once it lets go', async () => {
    const root = defaultFaultOrg();
    humanSends(root, 'manager', 'A task.');
    const gate = statePaths(root).turnGate;
    mkdirSync(statePaths(root).directory, { recursive: true });
    const copier = spawn('sleep', ['600'], { stdio: 'ignore' });
    started.push(copier);
    writeFileSync(gate, lockContent(copier.pid as number, 'backup'));
    const run = lemmingAsync(root, ['run', '--plain']);
    // The engine has the org's lock (it is open) but not the gate: it writes nothing until the copier is done.
    await until(() => existsSync(statePaths(root).lock));
    expect(listOutbox(root, 'manager')).toEqual([]);
    copier.kill('SIGKILL');
    const result = await run;
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/turn\(s\) run/);
    expect(listOutbox(root, 'manager').length).toBeGreaterThan(0);
  });

  test('an export at rest takes the org lock too, so no engine starts half-way, and leaves both locks free', async () => {
    const root = defaultFaultOrg();
    await exportOrg(root, join(scratchDir(), 'org.tar.gz'));
    expect(existsSync(statePaths(root).lock)).toBe(false);
    expect(existsSync(statePaths(root).turnGate)).toBe(false);
  });
});

describe('the orgs one dashboard serves', () => {
  test('keys from folder names, made safe for a URL and told apart; a folder of orgs is its orgs in name order', () => {
    expect(servedOrgs(['/a/Lab One', '/b/lab-one', '/c/desk', '/d/ü']).map((org) => org.key)).toEqual(['lab-one', 'lab-one-2', 'desk', 'org']);
    const folder = scratchDir();
    for (const name of ['b-run', 'a-run']) {
      mkdirSync(join(folder, name, 'org'), { recursive: true });
      writeFileSync(join(folder, name, 'org', 'org.yaml'), 'name: x\n');
    }
    mkdirSync(join(folder, 'notes'));
    expect(expandOrgRoots([folder])).toEqual([join(folder, 'a-run'), join(folder, 'b-run')]);
    expect(() => expandOrgRoots([join(folder, 'notes')])).toThrow(/notes holds no org \(org\/org\.yaml is missing\) and no folder inside it does/);
  });

  test('--root twice is refused, with exit 2, by every command but serve', () => {
    const root = defaultFaultOrg();
    const result = lemming(root, ['--root', root, 'status']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--root was given 2 times; only `lemming serve` serves several orgs/);
  });
});
