import type { z as Zod } from 'zod';
import { DEFAULT_DISK_MB, DEFAULT_MAX_FILES } from '../sandbox/workspace-bounds.js';

/**
 * Where and how commands run (org.yaml `engine.sandbox`, a resume's and a command tool's overrides):
 * the limits of one command and their defaults, and the tools an org defines as commands (`command_tools`). Built by schema.ts's `buildSchemas` with its zod; kept
 * here so that file stays one list of the org's files. Comments on the fields are what
 * docs/org-files.md says of them (`npm run docs` reads this file too).
 */
export function buildSandboxSchemas(z: typeof Zod) {
  const positiveInt = z.number().int().min(1);

  /** Limits of one command (see sandbox/command-spec.ts), each optional where a resume or a tool overrides the engine's. */
  const sandboxLimitFields = {
    timeout_ms: positiveInt.max(3_600_000),
    max_output_bytes: positiveInt.max(100 * 1024 * 1024),
    memory_mb: positiveInt.min(16).max(1024 * 1024),
    max_processes: positiveInt.min(4).max(100_000),
    tmp_mb: positiveInt.max(1024 * 1024),
    max_file_mb: positiveInt.max(1024 * 1024),
    disk_mb: positiveInt.max(1024 * 1024 * 1024),
    max_files: positiveInt.min(100).max(100_000_000),
  };
  const sandboxLimitsSchema = z.strictObject({
    timeout_ms: sandboxLimitFields.timeout_ms.optional(),
    max_output_bytes: sandboxLimitFields.max_output_bytes.optional(),
    memory_mb: sandboxLimitFields.memory_mb.optional(),
    max_processes: sandboxLimitFields.max_processes.optional(),
    tmp_mb: sandboxLimitFields.tmp_mb.optional(),
    max_file_mb: sandboxLimitFields.max_file_mb.optional(),
    disk_mb: sandboxLimitFields.disk_mb.optional(),
    max_files: sandboxLimitFields.max_files.optional(),
  });
  const absolutePath = z.string().regex(/^\/[^\0]*$/, 'must be an absolute path, like /opt/node');
  /** Where and how commands run (run_command, the org's command tools): the defaults of every limit. */
  const sandboxSettingsSchema = z.strictObject({
    /** `bwrap` (the default) isolates each command; `none` runs it unisolated on this machine, and every run says so. */
    isolation: z.enum(['bwrap', 'none']).default('bwrap'),
    /** Wall time of one command, in milliseconds. */
    timeout_ms: sandboxLimitFields.timeout_ms.default(60_000),
    /** Kept of stdout, and of stderr; more stops the command. */
    max_output_bytes: sandboxLimitFields.max_output_bytes.default(1024 * 1024),
    /** What a command holds in all, in MiB (shared memory, /tmp and /dev/shm included). */
    memory_mb: sandboxLimitFields.memory_mb.default(1024),
    /** Processes and threads at once. */
    max_processes: sandboxLimitFields.max_processes.default(256),
    /** What the private /tmp and /dev/shm hold together, in MiB. */
    tmp_mb: sandboxLimitFields.tmp_mb.default(256),
    /** The largest file a command may write, in MiB. */
    max_file_mb: sandboxLimitFields.max_file_mb.default(1024),
    /** The disk quota of each folder a command may write (its workspace, and the shared one when it may write there), in MiB. */
    disk_mb: sandboxLimitFields.disk_mb.default(DEFAULT_DISK_MB),
    /** The entries (files, folders, links) each folder a command may write may hold: one quota with disk_mb. */
    max_files: sandboxLimitFields.max_files.default(DEFAULT_MAX_FILES),
    /** Host folders seen read-only at the same path inside, for programs installed outside /usr (/opt/node). */
    read_only: z.array(absolutePath).default([]),
    /** The host user and group commands run as when lemming runs as root (never 0; `nobody` when absent). See sandbox/sandbox-identity.ts. */
    run_as: z.strictObject({ uid: positiveInt, gid: positiveInt }).optional(),
  });

  /** A tool an org defines with no code: a command run in the sandbox with the call's arguments. */
  const commandToolSchema = z.strictObject({
    /** What the tool does, as the model is told. */
    description: z.string().min(1),
    /** A JSON schema of the arguments (an object schema); calls whose arguments do not match are refused with the reason. */
    parameters: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
    /** The program and its arguments, as a list; never a shell line built from the call. */
    command: z.array(z.string().min(1).refine((word) => !word.includes('\0'), 'holds a NUL character, which no command can be given')).min(1),
    /** How the call's arguments reach the command: JSON on standard input (default), or each top-level one as TOOL_<NAME>. */
    arguments: z.enum(['stdin', 'env']).default('stdin'),
    /** Safe to run twice (a run interrupted by a crash is run again on recovery; see the README). */
    idempotent: z.boolean().default(false),
    /** This tool's limits, over engine.sandbox's (a resume's own limits come last). */
    limits: sandboxLimitsSchema.optional(),
  });
  return { sandboxLimitsSchema, sandboxSettingsSchema, commandToolSchema };
}
