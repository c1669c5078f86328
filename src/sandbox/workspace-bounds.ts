import type { WalkBounds } from './beneath/walk-beneath.js';

/**
 * What a workspace may hold and every reader of it still take whole: the bounds the disk quota holds
 * a command to, and the bounds the history, export and backup, a check's view and the file tools
 * read it within (beneath/walk-beneath.ts). One rule for both, so a workspace a command could make is
 * one lemming can read afterwards, and what a command made past them is named, never read.
 */

/** The limits of engine.sandbox (or a resume's `sandbox:`) that bound a workspace. */
export interface WorkspaceLimits {
  /** The disk quota, in MiB: what its files take on disk together, and the apparent size of any one of them. */
  disk_mb: number;
  /** The entries (files, folders, links and the rest) it may hold. */
  max_files: number;
}

/** Folders nested below a workspace, at most: no project nests deeper, and each level is a descriptor held while it is walked. */
export const WORKSPACE_DEPTH = 64;

/** Bytes of a path below a workspace, at most: with the org's own path in front it stays well inside the host's PATH_MAX (4,096). */
export const WORKSPACE_PATH_BYTES = 1024;

/** The disk quota of a workspace when org.yaml says nothing (engine.sandbox.disk_mb), in MiB. */
export const DEFAULT_DISK_MB = 1024;

/** The entries a workspace may hold when org.yaml says nothing (engine.sandbox.max_files). */
export const DEFAULT_MAX_FILES = 100_000;

const MIB = 1024 * 1024;

/**
 * The walker's bounds for a workspace of these limits: max_files entries, folders WORKSPACE_DEPTH
 * deep and paths WORKSPACE_PATH_BYTES long; no file whose apparent size (holes included) passes the
 * quota, and no more than the quota of apparent bytes read in all. Pure.
 */
export function workspaceBounds(limits: WorkspaceLimits): WalkBounds {
  const quota = limits.disk_mb * MIB;
  return { depth: WORKSPACE_DEPTH, pathBytes: WORKSPACE_PATH_BYTES, entries: limits.max_files, fileBytes: quota, totalBytes: quota };
}
