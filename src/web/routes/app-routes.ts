import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { pageHtml } from '../page/page-html.js';

/**
 * Where the built browser app lies: `dist/web/app/` of the package (compiled by `npm run build`
 * with tsconfig.app.json), found from this module whether it runs from `dist/`, from `src/`
 * under the tests, or from the benchmark's build.
 */
function distDirectory(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, 'package.json')) && dirname(directory) !== directory) directory = dirname(directory);
  return join(directory, 'dist');
}

/**
 * Modules the app shares with the CLI and the terminal UI, by the path the browser asks for (the
 * app's `../../format/format.js`): one number format for the page and the terminal, one vocabulary of
 * what became of mail (forms of delivery, causes of refusal), one rule for a line of preview, and the
 * findings of an analysis in the lines `lemming analyze` prints (with the MAST modes they name).
 */
const SHARED_MODULES: Record<string, string> = {
  '/format/format.js': 'format/format.js',
  '/format/mail-outcomes.js': 'format/mail-outcomes.js',
  '/ui/shared/preview.js': 'ui/shared/preview.js',
  '/analysis/finding-lines.js': 'analysis/finding-lines.js',
  '/analysis/failures/mast.js': 'analysis/failures/mast.js',
};

const SCRIPT_NAME = /^[a-z][a-z0-9-]*\.js$/;

/**
 * The browser app: one HTML page for every view (the app routes by the URL's hash), and its
 * ES modules, read from the package. Nothing comes from elsewhere: the dashboard works offline.
 * `base` is where the org's routes are mounted (`/`, or `/o/<key>/` beside other orgs): the page
 * tells the app, which addresses that org's API under it.
 */
export function appRoutes(orgName: () => string, base = '/'): Hono {
  const app = new Hono();
  const cache = new Map<string, string>();
  app.get('/', (context) => context.html(pageHtml(orgName(), base)));
  const serve = (file: string): Response | undefined => {
    let source = cache.get(file);
    if (source === undefined) {
      try {
        source = readFileSync(join(distDirectory(), file), 'utf8');
      } catch {
        return undefined;
      }
      cache.set(file, source);
    }
    return new Response(source, { status: 200, headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
  };
  app.get('/app/:file', (context) => {
    const file = context.req.param('file');
    if (!SCRIPT_NAME.test(file)) return context.notFound();
    return serve(`web/app/${file}`) ?? context.notFound();
  });
  for (const [path, file] of Object.entries(SHARED_MODULES)) app.get(path, (context) => serve(file) ?? context.notFound());
  return app;
}
