import { chmodSync, cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrg } from '../org/load-org.js';
import { runSandboxed } from '../sandbox/run-sandboxed.js';
import { commandHostIdentity, handToCommands } from '../sandbox/sandbox-identity.js';
import type { CommandSpec, SandboxLimits } from '../sandbox/command-spec.js';
import { outboxPath } from '../mailbox/message-file.js';
import { ownWorkspace, SHARED_WORKSPACE } from '../tools/workspace/workspace-path.js';
import type { CheckSetting } from './outcome-settings.js';
import { humanAnswer, runMessages, threadText } from './run-messages.js';

/** What one check said of one run. */
export interface CheckResult {
  name: string;
  /** It exited 0. */
  passed: boolean;
  /** The last line of its standard output, when that line is a number; else null. */
  score: number | null;
  exitCode: number | null;
  /** Which limit stopped it, when one did. */
  stoppedBy?: string;
  /** The end of what it printed (stdout, then stderr), for a person reading the report. */
  output: string;
}

/** How much of a check's output the result keeps. */
const KEPT_OUTPUT_CHARS = 2000;

/** The last non-empty line of `stdout` as a number, when it is one. Pure. */
export function lastNumber(stdout: string): number | null {
  const last = stdout.trim().split('\n').at(-1)?.trim() ?? '';
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(last)) return null;
  const value = Number(last);
  return Number.isFinite(value) ? value : null;
}

/** A copy of a folder with plain files and folders only: a link in a run's workspace leads nowhere from the view. */
function copyPlain(from: string, to: string): void {
  const stat = lstatSync(from, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) return;
  mkdirSync(to, { recursive: true });
  cpSync(from, to, { recursive: true, filter: (source) => { const each = lstatSync(source); return each.isDirectory() || each.isFile(); } });
}

/**
 * What a check sees of a run, at $SHARED (read-only): `answer.md` (the human's answer, empty when
 * there was none), `thread.md` (every message, oldest first), each agent's `agents/<name>/outbox/`
 * and `agents/<name>/workspace/`, and the shared `workspace/`. A copy: nothing a check does reaches the run.
 */
function writeView(root: string, view: string): void {
  const messages = runMessages(root);
  mkdirSync(view, { recursive: true });
  writeFileSync(join(view, 'answer.md'), humanAnswer(messages)?.body ?? '');
  writeFileSync(join(view, 'thread.md'), threadText(messages));
  for (const agent of readdirSync(join(root, 'agents')).sort()) {
    copyPlain(join(root, outboxPath(agent)), join(view, outboxPath(agent)));
    copyPlain(join(root, ownWorkspace(agent)), join(view, ownWorkspace(agent)));
  }
  copyPlain(join(root, SHARED_WORKSPACE), join(view, SHARED_WORKSPACE));
}

/**
 * Run a variant's checks against a finished run, each in the sandbox as an agent's command runs
 * (the org's engine.sandbox isolation, identity and limits), in an empty workspace of its own,
 * with the run's view (writeView) at $SHARED, read-only. Exit 0 passes.
 */
export async function runChecks(root: string, checks: readonly CheckSetting[]): Promise<CheckResult[]> {
  if (checks.length === 0) return [];
  const org = loadOrg(root).org;
  const sandbox = org.settings.sandbox;
  const limits: SandboxLimits = {
    timeout_ms: sandbox.timeout_ms,
    max_output_bytes: sandbox.max_output_bytes,
    memory_mb: sandbox.memory_mb,
    max_processes: sandbox.max_processes,
    tmp_mb: sandbox.tmp_mb,
    max_file_mb: sandbox.max_file_mb,
    disk_mb: sandbox.disk_mb,
    max_files: sandbox.max_files,
  };
  const scratch = mkdtempSync(join(tmpdir(), 'lemming-check-'));
  // The command's host identity must reach the view and its workspace through this folder.
  chmodSync(scratch, 0o755);
  try {
    const view = join(scratch, 'view');
    writeView(root, view);
    const results: CheckResult[] = [];
    for (const check of checks) {
      const workspace = join(scratch, `work-${results.length}`);
      mkdirSync(workspace);
      if (sandbox.isolation === 'bwrap') handToCommands(workspace, commandHostIdentity(sandbox.run_as));
      const spec: CommandSpec = {
        argv: ['/bin/sh', '-c', check.run],
        workspace,
        shared: { path: view, writable: false },
        limits,
        isolation: sandbox.isolation,
        ...(sandbox.run_as ? { runAs: sandbox.run_as } : {}),
      };
      const ran = await runSandboxed(spec);
      const output = `${ran.stdout}${ran.stderr ? `\n${ran.stderr}` : ''}`.trim();
      results.push({
        name: check.name,
        passed: ran.exitCode === 0 && ran.stoppedBy === undefined,
        score: lastNumber(ran.stdout),
        exitCode: ran.exitCode,
        ...(ran.stoppedBy ? { stoppedBy: ran.stoppedBy } : {}),
        output: output.length > KEPT_OUTPUT_CHARS ? `…${output.slice(-KEPT_OUTPUT_CHARS)}` : output,
      });
    }
    return results;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
