import type { CommandResult, DiskQuotaMet, SandboxLimits } from '../../sandbox/command-spec.js';
import { cutSecrets } from '../../secrets/secrets.js';
import type { ToolResult } from '../tool-result.js';
import type { CommandSummary } from './command-summary.js';
import { formatCount } from '../../format/format.js';
import { describeLimits } from './command-limits.js';

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

/** What a folder at its disk quota holds, and what to do about it. */
function quotaLine(disk: DiskQuotaMet): string {
  const folder = disk.folder === 'shared' ? 'the shared workspace (/shared)' : 'your workspace';
  return `${folder} takes ${mib(disk.usedBytes)} of disk, and its quota is ${mib(disk.quotaBytes)} (engine.sandbox.disk_mb); remove files (with rm in a command) before the next command`;
}

/**
 * A command's result as the model reads it: the exit code and how long it ran, why lemming stopped
 * it if it did, then each stream (long ones cut in the middle, saying so). The org's secrets are cut
 * from the output before it goes anywhere, as from an MCP server's. Pure.
 */
export function commandResultText(label: string, result: CommandResult, limits: SandboxLimits): { result: ToolResult; command: CommandSummary } {
  if (result.disk?.refused) {
    const content = `${label}: not run: ${quotaLine(result.disk)}`;
    return { result: { content, isError: true }, command: { exit: null, stdoutBytes: 0, stderrBytes: 0, stoppedBy: 'quota' } };
  }
  const ended = result.exitCode !== null && result.signal === null ? `exit code ${result.exitCode}` : `ended by ${result.signal ?? 'a signal'}${result.exitCode !== null ? ` (exit code ${result.exitCode})` : ''}`;
  const lines = [`${label}: ${ended}, ran ${(result.durationMs / 1000).toFixed(2)} s`];
  const stopped = stopLine(result, limits);
  if (stopped) lines.push(stopped);
  // It ended on its own between two measurements, with a folder at its quota: the next command will not start.
  else if (result.disk) lines.push(`disk quota met: ${quotaLine(result.disk)}`);
  lines.push(`(limits: ${describeLimits(limits)})`);
  lines.push(shown('stdout', cutSecrets(result.stdout), result.stdoutBytes), shown('stderr', cutSecrets(result.stderr), result.stderrBytes));
  const command: CommandSummary = { exit: result.exitCode, stdoutBytes: result.stdoutBytes, stderrBytes: result.stderrBytes };
  if (result.signal) command.signal = result.signal;
  if (result.stoppedBy) command.stoppedBy = result.stoppedBy;
  return { result: { content: lines.join('\n'), isError: stopped !== undefined }, command };
}
