/*
 * Each command's module, by name, loaded when it runs (so a command never loads another's code),
 * with its own imports, some hundred files for `run-once`. Each path is written out, not built
 * from the name, so the bundler of the CLI (scripts/bundle-cli.mjs) sees every module a command can
 * load; and each is an import(), not a require(), so a command whose modules import packages (the
 * web server's, the archive's, the statistics') is a chunk of its own, which only it loads, where a
 * require() would put those packages at the top of the chunk every command loads.
 */
const COMMANDS = {
  'add-agent': () => import('./commands/add-agent.js'),
  analyze: () => import('./commands/analyze.js'),
  ask: () => import('./commands/ask.js'),
  adopt: () => import('./commands/adopt.js'),
  approvals: () => import('./commands/approvals.js'),
  backup: () => import('./commands/backup.js'),
  blame: () => import('./commands/blame.js'),
  bootstrap: () => import('./commands/bootstrap.js'),
  calibrate: () => import('./commands/calibrate.js'),
  chat: () => import('./commands/chat.js'),
  demo: () => import('./commands/demo.js'),
  diff: () => import('./commands/diff.js'),
  doctor: () => import('./commands/doctor.js'),
  'dry-run': () => import('./commands/dry-run.js'),
  'example-tools': () => import('./commands/example-tools.js'),
  experiment: () => import('./commands/experiment.js'),
  'export': () => import('./commands/export.js'),
  fork: () => import('./commands/fork.js'),
  history: () => import('./commands/history.js'),
  'import': () => import('./commands/import.js'),
  'import-marble': () => import('./commands/import-marble.js'),
  'import-network': () => import('./commands/import-network.js'),
  inbox: () => import('./commands/inbox.js'),
  inspect: () => import('./commands/inspect.js'),
  logs: () => import('./commands/logs.js'),
  mcp: () => import('./commands/mcp.js'),
  populate: () => import('./commands/populate.js'),
  memory: () => import('./commands/memory.js'),
  requests: () => import('./commands/requests.js'),
  reset: () => import('./commands/reset.js'),
  retry: () => import('./commands/retry.js'),
  run: () => import('./commands/run.js'),
  search: () => import('./commands/search.js'),
  send: () => import('./commands/send.js'),
  serve: () => import('./commands/serve.js'),
  show: () => import('./commands/show.js'),
  status: () => import('./commands/status.js'),
  templates: () => import('./commands/templates.js'),
  thread: () => import('./commands/thread.js'),
  tools: () => import('./commands/tools.js'),
  'top-up': () => import('./commands/top-up.js'),
  trace: () => import('./commands/trace.js'),
  validate: () => import('./commands/validate.js'),
  worker: () => import('./commands/worker.js'),
};

type Commands = typeof COMMANDS;

/** The module of the command `name`: `await command('run')` is `./commands/run.js`. */
export function command<Name extends keyof Commands>(name: Name): ReturnType<Commands[Name]> {
  return COMMANDS[name]() as ReturnType<Commands[Name]>;
}
