/**
 * How long a wait may take before it fails with what was last seen. It only ends a test that would
 * hang: a busy machine (2 cores at a load of 14) renders and starts processes seconds late, and a
 * passing wait costs what it waited, not this.
 */
export const PATIENCE_MS = 60_000;
