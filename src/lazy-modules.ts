import { createRequire } from 'node:module';

/**
 * zod, yaml and gray-matter, loaded the first time they are needed rather than at start-up:
 * together they take longer to load than Node itself does to start, and a command
 * that finds every org file in the parse cache (`status`, `inbox`) never needs them.
 * Their CommonJS builds are what `require` loads; Node 20 cannot load ES modules
 * synchronously.
 */
const require = createRequire(import.meta.url);

let zodModule: typeof import('zod') | undefined;
let yamlModule: typeof import('yaml') | undefined;
let grayMatterModule: typeof import('gray-matter') | undefined;

/** The zod module, loaded on the first call. */
export function zod(): typeof import('zod') {
  return (zodModule ??= require('zod') as typeof import('zod'));
}

/** The yaml module, loaded on the first call. */
export function yaml(): typeof import('yaml') {
  return (yamlModule ??= require('yaml') as typeof import('yaml'));
}

/** gray-matter, loaded on the first call: only files people wrote need it. */
export function grayMatter(): typeof import('gray-matter') {
  return (grayMatterModule ??= require('gray-matter') as typeof import('gray-matter'));
}

type Ajv = InstanceType<(typeof import('ajv'))['Ajv']>;
let validator: Ajv | undefined;

/**
 * The one JSON Schema validator of the process (Ajv), loaded on the first call: only orgs that
 * declare command tools need it. Strict about schemas, so a misspelt keyword is an error rather
 * than a check silently skipped; `format` is allowed and not checked (no format is known to it).
 */
export function schemaValidator(): Ajv {
  const { Ajv } = require('ajv') as typeof import('ajv');
  return (validator ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, validateFormats: false }));
}
