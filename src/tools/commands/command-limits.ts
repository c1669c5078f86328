import type { SandboxLimits } from '../../sandbox/command-spec.js';
import { formatCount } from '../../format/format.js';
import type { Agent, Org } from '../../org/org.js';
import type { SandboxLimitOverrides } from '../../org/schema.js';

const LIMIT_FIELDS = ['timeout_ms', 'max_output_bytes', 'memory_mb', 'max_processes', 'tmp_mb', 'max_file_mb', 'disk_mb', 'max_files'] as const;

/**
 * The limits a command runs under: org.yaml engine.sandbox's, then the resume's `sandbox:`, then
 * the command tool's own `limits:` (the most particular last). Pure.
 */
export function commandLimits(org: Org, agent: Agent, tool?: SandboxLimitOverrides): SandboxLimits {
  const limits = {} as SandboxLimits;
  for (const field of LIMIT_FIELDS) limits[field] = tool?.[field] ?? agent.sandbox?.[field] ?? org.settings.sandbox[field];
  return limits;
}

/** The limits as the model is told them when a command failed: what it may try to stay under. Pure. */
export function describeLimits(limits: SandboxLimits): string {
  return (
    `${limits.timeout_ms / 1000} s, ${formatCount(limits.max_output_bytes)} bytes of stdout and of stderr, ` +
    `${limits.memory_mb} MiB of memory, ${limits.max_processes} processes, ${limits.max_file_mb} MiB per file, ${limits.tmp_mb} MiB in /tmp and /dev/shm, ${limits.disk_mb} MiB of disk and ${formatCount(limits.max_files)} files in the workspace`
  );
}
