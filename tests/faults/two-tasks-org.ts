import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import { bootstrapOrg } from '../../src/org/bootstrap-org.js';
import { loadOrg } from '../../src/org/load-org-once.js';

/** The default org's template (what `lemming bootstrap` writes). */
const DEFAULT_TEMPLATE = join(import.meta.dirname, '../../templates/software-team');

/**
 * The default org with two tasks from the human waiting, as the crash, storage and temporaries
 * files start from: a run of it has several agents at work per turn, and writes messages, notes,
 * workspace files (the coder's and the shared one), traces and their parts.
 *
 * Written in this process, as `lemming bootstrap` and `lemming send` write it (the same functions;
 * tests/e2e/cli.test.ts runs those commands), rather than by three CLI starts. The folder is the
 * caller's to remove.
 */
export function twoTasksOrg(): string {
  const root = mkdtempSync(join(tmpdir(), 'lemming-seed-'));
  bootstrapOrg(root, DEFAULT_TEMPLATE);
  sendAsHuman(root, loadOrg(root).org, { to: 'manager', body: 'Plan and build the first release.', subject: 'First release' });
  sendAsHuman(root, loadOrg(root).org, { to: 'manager', body: 'Run the onboarding for a new engineer.', subject: 'Onboarding' });
  return root;
}
