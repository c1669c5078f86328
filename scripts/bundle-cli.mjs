// @ts-check
/**
 * Bundles the CLI (dist/cli/program.js and what it loads, as tsc wrote them) into a few files under
 * dist/cli/bundle/, which the binary (dist/cli/main.js) loads in place of some 285 modules. Called by
 * scripts/build.mjs after the compile; plain JavaScript for the same reason.
 *
 * Why: a `lemming run` on the default org loads about 285 of lemming's modules, and Node resolves,
 * reads, wraps and links each on its own; in one file the same code costs about a third of that
 * (measured on this machine: 165–240 ms of CPU as 284 files, 55–75 ms as one). Every process the
 * suite starts (some 430 runs) and every user's command pays it.
 *
 * What stays true in the bundle, and how:
 * - A module is still evaluated only when first used: `strictExecutionOrder` wraps each module in an
 *   init function, run at its first import, require or `import()`, in source order. So the lazy
 *   loading of the unbundled build (command modules, tools, traces, memory) still holds; the code
 *   not used is only parsed.
 * - A module that imports a package (openai, ink, hono, ...) keeps it lazy: the one chunk holds only
 *   modules none of whose static imports reach a package (a bundle hoists a package import to the
 *   top of its chunk, which would load it at start-up). The others are split into chunks loaded by
 *   the `import()` that reached them, as before.
 * - lemming's synchronous lazy loads are written `requireModule('./path.js')` with
 *   `requireModule = createRequire(import.meta.url)` (src/cli/command-modules.ts and a few more):
 *   here they become `require('./path.js')`, which the bundler resolves into the bundle. Packages
 *   loaded that way (commander, zod, yaml) stay as they are. A relative `requireModule` left in the
 *   output would load a second copy of a module from dist/: the build fails instead.
 * - `import.meta.url` in a bundled module stands for the URL of its own file in dist/, so the paths
 *   found from it (package.json, templates, docs, worker scripts, the app, `createRequire`) are the
 *   ones the unbundled module finds.
 */
import { createRequire, isBuiltin } from 'node:module';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/** The modules main.js loads, bundled under their own names. */
const ENTRIES = { program: 'cli/program.js', 'cli-context': 'cli/cli-context.js' };

/**
 * The commands most processes run (`run`: every run of an experiment, and the suite's kills and
 * faults) and the everyday ones beside it: what they load as they start is one chunk, so they never
 * parse the code of the studies, the history's tools and the rest. What they load only by an
 * `import()` (the history, call traces, tools, memory, a human's sends) is a second chunk, loaded
 * by the first such import: a chunk's every byte is parsed, and every Node module its code imports
 * is loaded with it (http, https, tls and dns for the tools'), whether or not that code runs. A
 * run-once of the offline model with none of those read 1.74 MB of code where it reads 1.23 MB.
 */
const EVERYDAY_COMMANDS = ['run', 'status', 'inbox', 'send'].map((name) => `cli/commands/${name}.js`);

/**
 * The everyday commands that only read and write a little (`status`: every look at an org, and the
 * bench's at 10,000 agents): what they load as they start is a chunk of its own, so they do not
 * parse the engine's turn, the providers and the tools that only `run` uses (0.6 MB of the 0.78 MB
 * the everyday chunk held). A run loads that chunk too, beside its own: the same bytes, one file more.
 */
const READING_COMMANDS = ['status', 'inbox', 'send'].map((name) => `cli/commands/${name}.js`);

/** The chunks of lemming's own code, whose names scripts/bundle-cli.mjs gives (below). */
const GROUPS = ['start', 'reading', 'everyday', 'later', 'lemming'];

const SYNC_LOAD = /\brequireModule\((['"])(\.\.?\/[^'"]+)\1\)/g;

/**
 * Bundle `outDir`'s CLI into `outDir`/`bundleFolder` (the folder src/cli/main.ts loads it from), the
 * previous bundle removed first. Returns undefined, or why it could not (rolldown is a development
 * dependency: without it the binary loads the unbundled modules, as it did before).
 * @param {string} outDir
 * @param {string} bundleFolder
 * @returns {Promise<string | undefined>}
 */
export async function bundleCli(outDir, bundleFolder) {
  const dist = resolve(outDir);
  const bundleDir = join(dist, bundleFolder);
  rmSync(bundleDir, { recursive: true, force: true });
  /** @type {typeof import('rolldown')} */
  let rolldown;
  try {
    rolldown = await import(createRequire(join(process.cwd(), 'package.json')).resolve('rolldown'));
  } catch {
    return 'rolldown is not installed';
  }
  const inDist = (/** @type {string} */ id) => id.startsWith(dist + sep) && !id.startsWith(bundleDir + sep);
  /** Modules whose static imports, followed, reach a package: kept out of the one chunk. */
  const reachesPackage = new Set();
  /** The modules of the one chunk a run and the everyday commands load as they start (below). */
  const everydayReach = new Set();
  /** Of those, the modules the commands that read load as they start: a chunk of their own, which a run loads too. */
  const readingReach = new Set();
  /** The modules those commands load only by an import() (history, traces, tools, memory, ...): a chunk of their own. */
  const everydayLaterReach = new Set();
  /** @type {import('rolldown').Plugin} */
  const plugin = {
    name: 'lemming-cli',
    transform(code, id) {
      if (!inDist(id)) return null;
      const own = relative(bundleDir, id).split(sep).join('/');
      const rewritten = code
        .replace(SYNC_LOAD, (_all, quote, path) => `require(${quote}${path}${quote})`)
        .replace(/\bimport\.meta\.url\b/g, `new URL(${JSON.stringify(own)}, import.meta.url).href`);
      return rewritten === code ? null : { code: rewritten, map: null };
    },
    buildEnd() {
      // A module reaches a package when it imports one (an id that is not a path is external: see
      // `external` below; Node's own modules do not count), or imports a module that reaches one.
      /** @type {Map<string, string[]>} */
      const importers = new Map();
      const reaching = [];
      for (const id of this.getModuleIds()) {
        if (!inDist(id)) continue;
        for (const imported of this.getModuleInfo(id)?.importedIds ?? []) {
          if (!isAbsolute(imported)) {
            if (!isBuiltin(imported)) reaching.push(id);
          } else {
            const of = importers.get(imported);
            if (of) of.push(id);
            else importers.set(imported, [id]);
          }
        }
      }
      while (reaching.length > 0) {
        const id = /** @type {string} */ (reaching.pop());
        if (reachesPackage.has(id)) continue;
        reachesPackage.add(id);
        reaching.push(...(importers.get(id) ?? []));
      }
      // What those commands load as they start, through their imports (a require() is one); then what
      // else they can load, through their import()s: each short of another command's module.
      const commands = join(dist, 'cli', 'commands') + sep;
      const everyday = new Set(EVERYDAY_COMMANDS.map((path) => join(dist, path)));
      /** @param {Set<string>} reach @param {boolean} dynamic @param {readonly string[]} from */
      const walk = (reach, dynamic, from = [...everyday]) => {
        const pending = [...from];
        while (pending.length > 0) {
          const id = /** @type {string} */ (pending.pop());
          if (reach.has(id) || !inDist(id) || reachesPackage.has(id)) continue;
          reach.add(id);
          const info = this.getModuleInfo(id);
          const next = [...(info?.importedIds ?? []), ...(dynamic ? (info?.dynamicallyImportedIds ?? []) : [])];
          for (const imported of next) if (!imported.startsWith(commands) || everyday.has(imported)) pending.push(imported);
        }
      };
      walk(everydayReach, false);
      walk(readingReach, false, READING_COMMANDS.map((path) => join(dist, path)));
      const all = new Set();
      walk(all, true);
      for (const id of all) if (!everydayReach.has(id)) everydayLaterReach.add(id);
    },
  };
  const build = await rolldown.rolldown({
    input: Object.fromEntries(Object.entries(ENTRIES).map(([name, path]) => [name, join(dist, path)])),
    platform: 'node',
    external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0'),
    plugins: [plugin],
    checks: { ineffectiveDynamicImport: false, circularDependency: false },
    logLevel: 'warn',
  });
  await build.write({
    dir: bundleDir,
    format: 'esm',
    strictExecutionOrder: true,
    entryFileNames: '[name].js',
    chunkFileNames: '[name]-[hash].js',
    codeSplitting: {
      groups: [
        { name: 'start', priority: 4, tags: ['$initial'], test: (id) => inDist(id) && !reachesPackage.has(id) },
        { name: 'reading', priority: 3, test: (id) => readingReach.has(id) },
        { name: 'everyday', priority: 2, test: (id) => everydayReach.has(id) },
        { name: 'later', priority: 2, test: (id) => everydayLaterReach.has(id) },
        { name: 'lemming', priority: 1, test: (id) => inDist(id) && !reachesPackage.has(id) },
      ],
    },
  });
  await build.close();
  for (const file of readdirSync(bundleDir)) {
    const code = readFileSync(join(bundleDir, file), 'utf8');
    const left = code.match(SYNC_LOAD);
    if (left) return `${join(bundleDir, file)} still loads ${left[0]} from dist/ (a second copy of that module)`;
    // The chunks of lemming's own code are loaded by every command: a package imported at their top would be too.
    const shared = GROUPS.some((group) => file.startsWith(`${group}-`));
    const imported = shared ? [...code.matchAll(/^import\b[^;]*?from "([^"]+)";$/gm)].map((match) => match[1] ?? '').find((name) => !name.startsWith('.') && !isBuiltin(name)) : undefined;
    if (imported !== undefined) return `${join(bundleDir, file)} imports the package ${imported}, which every command would load`;
  }
  return undefined;
}

