import { sandboxReadiness } from '../../src/sandbox/sandbox-probe.js';

const readiness = await sandboxReadiness('bwrap');

/**
 * Why commands cannot run on this machine (no bwrap, no user namespaces, root with no setpriv),
 * or undefined where they can. The sandbox's tests need the real thing: CI installs bubblewrap
 * (.ci/run); where it cannot make its namespaces they are skipped, and say why.
 */
export const SANDBOX_PROBLEM: string | undefined = readiness.ready ? undefined : readiness.problem;
if (SANDBOX_PROBLEM) console.warn(`sandbox tests skipped: ${SANDBOX_PROBLEM}`);
