/**
 * A script lemming starts as a thread or a process of its own (`name`, such as `./watch-thread.js`,
 * beside the module at `moduleUrl`, its `import.meta.url`). Built, the script sits beside the module;
 * under the test runner the module is its TypeScript source, which Node cannot start, and the built
 * script under dist/ is used (`npm test` builds first).
 */
export function builtScript(name: string, moduleUrl: string): URL {
  const script = new URL(name, moduleUrl);
  if (!moduleUrl.endsWith('.ts')) return script;
  const at = script.href.lastIndexOf('/src/');
  return new URL(`${script.href.slice(0, at)}/dist/${script.href.slice(at + '/src/'.length)}`);
}
