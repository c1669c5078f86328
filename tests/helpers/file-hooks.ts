/*
 * Hooks a helper module needs after every test, or after every test file, of every file that uses
 * it. In the `shared` project (vitest.config.ts) files share one worker's loaded modules, so a
 * helper's own top-level afterEach or afterAll would be registered by the first file that imports
 * it alone; the setup file (tests/helpers/setup.ts, run for every file) runs these instead.
 */
type Hook = () => unknown;

const afterEachTest: Hook[] = [];
const afterEachFile: Hook[] = [];

/** Run `hook` after every test of every file (from here on): closing what a test started. */
export function afterEveryTest(hook: Hook): void {
  afterEachTest.push(hook);
}

/** Run `hook` when each test file is done (from here on): removing what a file's tests shared. */
export function afterEveryFile(hook: Hook): void {
  afterEachFile.push(hook);
}

/** The setup file's afterEach. */
export async function testEnded(): Promise<void> {
  for (const hook of afterEachTest) await hook();
}

/** The setup file's afterAll. */
export async function fileEnded(): Promise<void> {
  for (const hook of afterEachFile) await hook();
}
