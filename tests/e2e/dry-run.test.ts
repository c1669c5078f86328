import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CLI, lemming } from '../helpers/cli.js';
import { tempDir } from '../helpers/org-files.js';

/** Every file under the root, with its bytes' hash: what "changes no byte" is checked against. */
function fingerprint(root: string, folder = ''): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) for (const [file, hash] of fingerprint(root, path)) files.set(file, hash);
    else files.set(path, createHash('sha256').update(readFileSync(join(root, path))).digest('hex'));
  }
  return files;
}

interface Plan {
  fromTurn: number;
  turns: Array<{ turn: number; credits: number; calls: Array<{ agent: string; model: string; provider: string; promptTokens: number; inputTokens: number; outputTokens: number; credits: number }> }>;
  ended: string;
  totals: { calls: number; credits: number };
}

function ledgerCharges(root: string, turn: number): Array<{ agent: string; input_tokens: number; output_tokens: number; credits: number }> {
  return readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { type: string; turn: number; agent: string; input_tokens: number; output_tokens: number; credits: number })
    .filter((entry) => entry.type === 'charge' && entry.turn === turn)
    .sort((left, right) => left.agent.localeCompare(right.agent));
}

describe('lemming run --dry-run, through the built CLI', () => {
  test('changes no byte under the root, and each next turn\'s estimate is what the real offline turn then charges', () => {
    const root = tempDir();
    expect(lemming(root, ['bootstrap']).status).toBe(0);
    lemming(root, ['send', 'manager', 'Please plan the first release, build and test it, and tell me when it is done']);
    // Turn by turn, until the org is idle: each dry run is checked against the turn that follows it.
    for (let step = 0; step < 8; step += 1) {
      const before = fingerprint(root);
      const dry = lemming(root, ['run', '--dry-run', '--json']);
      expect(dry.stderr).toBe('');
      expect(dry.status).toBe(0);
      expect(fingerprint(root)).toEqual(before);
      const plan = JSON.parse(dry.stdout) as Plan;
      if (plan.turns.length === 0) break;
      const [next] = plan.turns;
      expect(next?.turn).toBe(plan.fromTurn + 1);
      for (const call of next?.calls ?? []) {
        expect(call).toMatchObject({ model: 'offline', provider: 'offline' });
        expect(call.promptTokens).toBeGreaterThan(100);
      }
      expect(lemming(root, ['run-once']).status).toBe(0);
      const charged = ledgerCharges(root, next?.turn ?? 0);
      expect(charged.map((entry) => [entry.agent, entry.input_tokens, entry.output_tokens, entry.credits])).toEqual(
        (next?.calls ?? []).map((call) => [call.agent, call.inputTokens, call.outputTokens, call.credits]),
      );
    }
    expect(lemming(root, ['status', '--json']).stdout).toMatch(/"turn": [4-8]/);
  });

  test('--turns N estimates N turns on the offline behaviour, prices other models at their own rates, and still writes nothing', () => {
    const root = tempDir();
    expect(lemming(root, ['bootstrap']).status).toBe(0);
    lemming(root, ['send', 'manager', 'Please plan the first release']);
    // The planner on a paid model: called in the estimate, priced at its rates, never called for real (no key is set).
    const resume = join(root, 'agents/planner/resume.md');
    const text = readFileSync(resume, 'utf8').replace('model: offline', 'model: gpt-4o-mini');
    writeFileSync(resume, text);
    const before = fingerprint(root);
    const dry = lemming(root, ['run', '--dry-run', '--turns', '10', '--json'], { OPENAI_API_KEY: '' });
    expect(dry.status).toBe(0);
    expect(fingerprint(root)).toEqual(before);
    const plan = JSON.parse(dry.stdout) as Plan;
    expect(plan.ended).toBe('idle');
    expect(plan.turns.length).toBeGreaterThan(2);
    const planner = plan.turns.flatMap((turn) => turn.calls).find((call) => call.agent === 'planner');
    expect(planner).toMatchObject({ model: 'gpt-4o-mini', provider: 'openai' });
    // gpt-4o-mini's prices: 0.15 in, 0.6 out per million tokens.
    expect(planner?.credits).toBeCloseTo((planner!.inputTokens * 0.15 + planner!.outputTokens * 0.6) / 1e6, 9);
    const plain = lemming(root, ['run', '--dry-run', '--turns', '10']);
    expect(plain.stdout).toContain('no model is called');
    expect(plain.stdout).toMatch(/gpt-4o-mini: priced at their own rates/);
    expect(fingerprint(root)).toEqual(before);
  });
  test('what agents wrote reaches the scratch copy through the one walk of an org: a pipe, a link out of the org and a 3 GB sparse file are passed over', () => {
    const root = tempDir();
    expect(lemming(root, ['bootstrap']).status).toBe(0);
    lemming(root, ['send', 'manager', 'Please plan the first release']);
    const expected = JSON.parse(lemming(root, ['run', '--dry-run', '--json']).stdout) as Plan;
    // What a command of the coder's could leave in its workspace.
    const workspace = join(root, 'agents/coder_01/workspace');
    mkdirSync(workspace, { recursive: true });
    expect(spawnSync('mkfifo', [join(workspace, 'pipe')]).status).toBe(0);
    symlinkSync('/etc', join(workspace, 'etc'));
    writeFileSync(join(workspace, 'big.bin'), '');
    truncateSync(join(workspace, 'big.bin'), 3 * 1024 ** 3);
    const before = fingerprint(root, 'org');
    // Files of at most 200 MB for the process: a copy that wrote the sparse file's zeros out would be stopped.
    const dry = spawnSync('sh', ['-c', 'ulimit -f 409600 && exec "$0" "$@"', process.execPath, CLI, '--root', root, 'run', '--dry-run', '--json'], { encoding: 'utf8' });
    expect(dry.stderr).toBe('');
    expect(dry.status).toBe(0);
    expect((JSON.parse(dry.stdout) as Plan).turns).toEqual(expected.turns);
    expect(fingerprint(root, 'org')).toEqual(before);
  });
});
