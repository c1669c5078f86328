import type { CommandResult, DiskQuotaMet, SandboxLimits } from '../../sandbox/command-spec.js';
import { cutSecrets } from '../../secrets/secrets.js';
import type { ToolResult } from '../tool-result.js';
import type { CommandSummary } from './command-summary.js';
import { formatCount } from '../../format/format.js';
import { describeLimits } from './command-limits.js';
import { WORKSPACE_DEPTH, WORKSPACE_PATH_BYTES } from '../../sandbox/workspace-bounds.js';

/** Characters shown of each stream: its beginning and its end, where what a command says last (a test summary) is. */
const HEAD_CHARS = 12_000;
const TAIL_CHARS = 8_000;

function shown(name: string, text: string, bytes: number): string {
  if (bytes === 0) return `--- ${name}: empty ---`;
  const body = text.length <= HEAD_CHARS + TAIL_CHARS ? text : `${text.slice(0, HEAD_CHARS)}\n[lemming: ${formatCount(text.length - HEAD_CHARS - TAIL_CHARS)} characters left out here]\n${text.slice(-TAIL_CHARS)}`;
  const kept = Buffer.byteLength(text);
  const note = kept < bytes ? `, of which the first ${formatCount(kept)} were kept` : '';
  return `--- ${name} (${formatCount(bytes)} bytes${note}) ---\n${body}${body.endsWith('\n') ? '' : '\n'}--- end of ${name} ---`;
}

function stopLine(result: CommandResult, limits: SandboxLimits): string | undefined {
  switch (result.stoppedBy) {
    case 'timeout':
      return `stopped: it was still running after ${limits.timeout_ms / 1000} s, the time limit (engine.sandbox.timeout_ms)`;
    case 'stdout':
    case 'stderr':
      return `stopped: it wrote more than ${formatCount(limits.max_output_bytes)} bytes on ${result.stoppedBy}, the output limit (engine.sandbox.max_output_bytes)`;
    case 'stopped':
      return 'stopped: the run was stopping';
    case 'quota':
      return result.disk ? `stopped: ${quotaLine(result.disk)}` : 'stopped: a folder it writes reached its disk quota (engine.sandbox.disk_mb)';
    case 'memory':
      return `stopped: it ran out of memory: its processes together reached ${limits.memory_mb} MiB, the memory limit (engine.sandbox.memory_mb)`;
    default:
      return undefined;
  }
}

function mib(bytes: number): string {
  return `${formatCount(Math.round((bytes / (1024 * 1024)) * 10) / 10)} MiB`;
}

/** What a folder at its quota holds, and what to do about it. */
function quotaLine(disk: DiskQuotaMet): string {
  const folder = disk.folder === 'shared' ? 'the shared workspace (/shared)' : 'your workspace';
  const remove = 'remove files (with rm in a command): until then a command may remove files and write none';
  if (disk.met === 'files') return `${folder} holds more than ${formatCount(disk.maxFiles)} files, folders and links, its limit (engine.sandbox.max_files); ${remove}`;
  if (disk.met === 'entry') {
    return `${folder} holds ${disk.entry ?? 'an entry'}, which lemming does not read (a file may be no larger than the quota of ${mib(disk.quotaBytes)}, folders may nest ${WORKSPACE_DEPTH} deep and a path be ${formatCount(WORKSPACE_PATH_BYTES)} bytes long); remove it (with rm in a command): until then a command may remove files and write none`;
  }
  return `${folder} takes ${mib(disk.usedBytes)} of disk, and its quota is ${mib(disk.quotaBytes)} (engine.sandbox.disk_mb); ${remove}`;
}

/**
 * A command's result as the model reads it: the exit code and how long it ran, why lemming stopped
 * it if it did, then each stream (long ones cut in the middle, saying so). The org's secrets are cut
 * from the output before it goes anywhere, as from an MCP server's. Pure.
 */
export function commandResultText(label: string, result: CommandResult, limits: SandboxLimits): { result: ToolResult; command: CommandSummary } {
  const ended = result.exitCode !== null && result.signal === null ? `exit code ${result.exitCode}` : `ended by ${result.signal ?? 'a signal'}${result.exitCode !== null ? ` (exit code ${result.exitCode})` : ''}`;
  const lines = [`${label}: ${ended}, ran ${(result.durationMs / 1000).toFixed(2)} s`];
  const stopped = stopLine(result, limits);
  if (result.disk?.startedPast) lines.push(`${result.disk.folder === 'shared' ? 'the shared workspace was' : 'your workspace was'} past its quota when this command started, so it could remove files and write none${result.disk.cleared ? '; it is within its quota now' : ''}`);
  if (stopped) lines.push(stopped);
  // It ended on its own between two measurements, with a folder at its quota: the next command may only remove.
  else if (result.disk && !result.disk.cleared) lines.push(`disk quota met: ${quotaLine(result.disk)}`);
  lines.push(`(limits: ${describeLimits(limits)})`);
  lines.push(shown('stdout', cutSecrets(result.stdout), result.stdoutBytes), shown('stderr', cutSecrets(result.stderr), result.stderrBytes));
  const command: CommandSummary = { exit: result.exitCode, stdoutBytes: result.stdoutBytes, stderrBytes: result.stderrBytes };
  if (result.signal) command.signal = result.signal;
  if (result.stoppedBy) command.stoppedBy = result.stoppedBy;
  return { result: { content: lines.join('\n'), isError: stopped !== undefined }, command };
}
