import { EXIT, formatProblem, LemmingError, type Problem } from '../errors.js';
import { loadEditedFile, MAX_ORG_YAML_BYTES } from '../editable/edited-file.js';
import { parseYamlSource } from '../editable/yaml-source.js';
import { schemaProblems } from '../org/schema-problems.js';
import type { PopulationSpec } from './population-types.js';
import { checkBounds } from './spec-bounds.js';
import { checkRules } from './spec-rules.js';
import { specSchema, withExample } from './spec-schema.js';

/**
 * A population specification (`lemming populate SPEC.yaml`, an experiment variant's `population:`):
 * a file a person edits, read through the one loader of editable files, checked by its schema and
 * then by its rules, every problem at once with the file, the field, its line and a valid example.
 */

/**
 * Parse a population spec's text and check it: its schema, then its rules (each attribute one kind,
 * `given:` an earlier categorical attribute with a row for each of its values, shares adding up to
 * 1, distributions with their parameters, roles for the structure, placeholders of known names), and
 * what each agent's text can grow to when its placeholders are filled in (spec-bounds.ts).
 * Pure.
 */
export function parsePopulationSpec(text: string, file: string): { spec?: PopulationSpec; problems: Problem[] } {
  const { source, problems } = parseYamlSource(text, file);
  if (!source) return { problems };
  const schema = specSchema();
  const parsed = schema.safeParse(source.value ?? {});
  if (!parsed.success) return { problems: schemaProblems(parsed.error, file, source, schema).map(withExample) };
  const found: Problem[] = [];
  const problem = (path: Array<string | number>, message: string): void => {
    const line = source.lineOf(path);
    found.push(withExample({ file, field: path.join('.'), ...(line === undefined ? {} : { line }), message, severity: 'error' }));
  };
  const spec = checkRules(parsed.data, file, problem);
  // Only a spec whose parts fit together has a widest agent to measure.
  if (spec && found.length === 0) checkBounds(spec, problem);
  return found.length > 0 || !spec ? { problems: found } : { spec, problems: [] };
}

/**
 * Read a population spec from `path` (named `file` in problems) through the one loader of editable
 * files, and check it. Throws a LemmingError (exit 2) listing every problem.
 */
export function readPopulationSpec(path: string, file: string = path): PopulationSpec {
  const loaded = loadEditedFile(path, file, MAX_ORG_YAML_BYTES, parsePopulationSpec);
  if ('missing' in loaded) throw new LemmingError('population-missing', `${file}: there is no such file; a population spec is YAML, see docs/people.md`, { exitCode: EXIT.usage });
  if (!('spec' in loaded) || !loaded.spec) throw new LemmingError('population-invalid', loaded.problems.map(formatProblem).join('\n'), { exitCode: EXIT.usage });
  return loaded.spec;
}

