import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readHumanInbox } from '../../engine/human/human-inbox.js';
import { sendAsHuman } from '../../engine/human/send-as-human.js';
import { listMessageFiles } from '../../mailbox/message-file.js';
import { bootstrapOrg } from '../../org/bootstrap-org.js';
import { requireOrgFolder } from '../../org/org-folder.js';
import { bootstrapTemplate, DEFAULT_TEMPLATE, defaultTemplateFolder, findTemplate } from '../../org/templates/org-templates.js';
import { ORG_FILE } from '../../org/load-org.js';
import { HUMAN } from '../../org/names.js';
import type { Output } from '../cli-context.js';
import { commandHint, shellWord } from '../command-hint.js';
import { packageRoot } from '../../package-root.js';
import type { OutputMode } from '../print-events.js';
import { runWithLines } from '../run-with-lines.js';
import { openEngine } from '../../library/open-engine.js';
import { workingFolder } from '../../invocation.js';

function humanHasWritten(root: string): boolean {
  return listMessageFiles(root, HUMAN).length > 0;
}

/**
 * `lemming demo` (what `npm start` runs, in the clone's gitignored `.demo/`): write the default
 * org from its template into a root that has none, seed the template's tasks from the human (its
 * `seed:`, one or a list) if the human has never written, and run to idle.
 */
export async function demoCommand(root: string, options: { mode: OutputMode; turns?: number; queue?: string; template?: string }, output: Output): Promise<number> {
  requireOrgFolder(root, 'demo');
  const template = options.template === undefined ? undefined : findTemplate(packageRoot(), options.template, workingFolder());
  // Only a root without an org gets one: writing its agents into an existing org would change
  // someone's org, maybe under the feet of an engine running on it (a template checks the same).
  if (template) bootstrapTemplate(root, template, packageRoot());
  else if (!existsSync(join(root, ORG_FILE))) bootstrapOrg(root, defaultTemplateFolder(packageRoot()));
  // Said once the org is there: a template refused as no valid org leaves no folder to follow up in.
  if (options.mode === 'plain') output.out(`demo org: ${root} (follow up with commands like \`${commandHint(root)('inbox')}\`; from any other folder, add --root ${shellWord(root)})`);
  // The default org's seed is its template.yaml's, like every template's.
  const { seed, seeds } = template ?? findTemplate(packageRoot(), DEFAULT_TEMPLATE, workingFolder());
  // Through a queue (--queue, or org.yaml engine.queue) as `run` does: workers make the calls.
  const opened = openEngine(root, { command: 'demo', ...(options.queue === undefined ? {} : { queue: options.queue }) });
  const engine = opened.engine;
  try {
    if (!humanHasWritten(root)) {
      seeds.forEach((task, index) => {
        const { file } = sendAsHuman(root, engine.currentOrg, task);
        output.out(`seeded ${index === 0 ? 'a first' : 'another'} task from human to ${task.to}: ${file}`);
      });
    }
    const { finished, exitCode } = await runWithLines(engine, options.turns !== undefined ? { maxTurns: options.turns } : {}, options.mode, output);
    if (finished && options.mode === 'plain') {
      const replies = readHumanInbox(root, engine.currentOrg).messages.filter((message) => message.unread);
      const last = replies.at(-1);
      if (last) output.out(`Latest reply to the human: ${last.file} (from ${last.from}: ${last.subject ?? ''})`);
      if (finished.turns === 0) output.out(`Nothing to do: send the org a task with \`lemming send ${seed?.to ?? 'manager'} "..."\` and run again.`);
    }
    return exitCode;
  } finally {
    await opened.close();
  }
}
