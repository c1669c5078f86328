import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadOrg } from '../org/load-org-once.js';
import type { Org } from '../org/org.js';
import { walkOrg } from '../org/walk-org.js';
import { workspaceLimitsOf } from '../org/workspace-limits.js';
import { closeQuietly } from '../sandbox/beneath/open-beneath.js';
import { runSandboxed } from '../sandbox/run-sandboxed.js';
import { commandHostIdentity, handToCommands } from '../sandbox/sandbox-identity.js';
import type { CommandSpec, SandboxLimits } from '../sandbox/command-spec.js';
import { copyFilePieces } from '../storage/copy-file.js';
import { removeTemporaryFolder, sweepTemporaryFoldersOnce, temporaryFolder } from '../storage/temporary-files.js';
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

/** Whether a path of the org is in a check's view: an agent's outbox or workspace, or the shared workspace. Pure. */
function inView(path: string): boolean {
  return /^agents\/[^/]+\/(outbox|workspace)\//.test(path) || path.startsWith('workspace/');
}

/**
 * What a check sees of a run, at $SHARED (read-only): `answer.md` (the human's answer, empty when
 * there was none), `thread.md` (every message, oldest first), each agent's `agents/<name>/outbox/`
 * and `agents/<name>/workspace/`, and the shared `workspace/`. A copy, through the one walk of the org
 * (org/walk-org.ts): plain files only (a link in a run's workspace is not in it), each workspace within
 * its bounds, each file copied a piece at a time with its holes kept (storage/copy-file.ts), so the
 * view takes no more disk than the run's own files. Nothing a check does reaches the run.
 */
function writeView(root: string, org: Org, view: string): void {
  const messages = runMessages(root);
  mkdirSync(view, { recursive: true });
  writeFileSync(join(view, 'answer.md'), humanAnswer(messages)?.body ?? '');
  writeFileSync(join(view, 'thread.md'), threadText(messages));
  walkOrg(root, workspaceLimitsOf(org), (file) => {
    if (!inView(file.path)) return;
    const opened = file.open();
    if ('code' in opened) return;
    try {
      mkdirSync(dirname(join(view, file.path)), { recursive: true });
      copyFilePieces(opened.fd, join(view, file.path), { length: opened.bytes, mode: 0o644 | (file.stat.mode & 0o111) });
    } finally {
      closeQuietly(opened.fd);
    }
  }, { trees: [['agents'], ['workspace']] });
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
  const identity = sandbox.isolation === 'bwrap' ? commandHostIdentity(sandbox.run_as) : undefined;
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
  // A view a run killed in its checks left behind goes now.
  sweepTemporaryFoldersOnce('check');
  // The view holds the run's messages and workspaces: 0700, the check's own identity's (when lemming is root, the
  // unprivileged one the check runs as), so no other user of the machine reads it while the checks run.
  const scratch = temporaryFolder('check');
  try {
    if (identity) chownSync(scratch, identity.uid, identity.gid);
    const view = join(scratch, 'view');
    writeView(root, org, view);
    const results: CheckResult[] = [];
    for (const check of checks) {
      const workspace = join(scratch, `work-${results.length}`);
      mkdirSync(workspace);
      handToCommands(workspace, identity);
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
    removeTemporaryFolder(scratch);
  }
}
