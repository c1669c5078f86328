import { createRequire } from 'node:module';

const requireModule = createRequire(import.meta.url);

/** The command modules, by name: `command('run')` is `./commands/run.js`. */
interface Commands {
  'add-agent': typeof import('./commands/add-agent.js');
  analyze: typeof import('./commands/analyze.js');
  ask: typeof import('./commands/ask.js');
  adopt: typeof import('./commands/adopt.js');
  approvals: typeof import('./commands/approvals.js');
  backup: typeof import('./commands/backup.js');
  blame: typeof import('./commands/blame.js');
  bootstrap: typeof import('./commands/bootstrap.js');
  calibrate: typeof import('./commands/calibrate.js');
  chat: typeof import('./commands/chat.js');
  demo: typeof import('./commands/demo.js');
  diff: typeof import('./commands/diff.js');
  doctor: typeof import('./commands/doctor.js');
  'dry-run': typeof import('./commands/dry-run.js');
  'example-tools': typeof import('./commands/example-tools.js');
  experiment: typeof import('./commands/experiment.js');
  export: typeof import('./commands/export.js');
  fork: typeof import('./commands/fork.js');
  history: typeof import('./commands/history.js');
  import: typeof import('./commands/import.js');
  'import-marble': typeof import('./commands/import-marble.js');
  'import-network': typeof import('./commands/import-network.js');
  inbox: typeof import('./commands/inbox.js');
  inspect: typeof import('./commands/inspect.js');
  logs: typeof import('./commands/logs.js');
  mcp: typeof import('./commands/mcp.js');
  populate: typeof import('./commands/populate.js');
  memory: typeof import('./commands/memory.js');
  requests: typeof import('./commands/requests.js');
  reset: typeof import('./commands/reset.js');
  retry: typeof import('./commands/retry.js');
  run: typeof import('./commands/run.js');
  search: typeof import('./commands/search.js');
  send: typeof import('./commands/send.js');
  serve: typeof import('./commands/serve.js');
  show: typeof import('./commands/show.js');
  status: typeof import('./commands/status.js');
  templates: typeof import('./commands/templates.js');
  thread: typeof import('./commands/thread.js');
  tools: typeof import('./commands/tools.js');
  'top-up': typeof import('./commands/top-up.js');
  trace: typeof import('./commands/trace.js');
  validate: typeof import('./commands/validate.js');
  worker: typeof import('./commands/worker.js');
}

/**
 * The module of the one command being run, loaded when it runs (so a command never loads
 * another's code), synchronously, like this module (see main.ts): with its own imports, some
 * hundred files for `run-once`. Packages that must be imported (ink and React, with their
 * top-level await) are imported by the commands that draw a screen.
 */
export function command<Name extends keyof Commands>(name: Name): Commands[Name] {
  return requireModule(`./commands/${name}.js`) as Commands[Name];
}
