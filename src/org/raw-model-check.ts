import type { Problem } from '../errors.js';
import { unknownModels } from './assemble-agent.js';
import type { Parsed, ParsedResume } from './parse-files.js';
import type { OrgFile } from './schema.js';

// A resume or org.yaml that fails its schema still says which models it names and has: check those
// against each other in the same pass, so `validate` does not hide a misspelt model behind other errors.

/** The registry's keys, from org.yaml's value, or from its raw YAML when only other fields are wrong. */
export function modelKeys(orgFile: Parsed<OrgFile>): string[] | undefined {
  if (orgFile.value) return Object.keys(orgFile.value.models);
  const models = isRecord(orgFile.raw) ? orgFile.raw.models : undefined;
  return isRecord(models) ? Object.keys(models) : undefined;
}

/** Unknown model names in a resume that failed its schema, read from its raw front matter. */
export function rawModelProblems(file: string, resume: Parsed<ParsedResume>, registry: string[]): Problem[] {
  if (!isRecord(resume.raw) || resume.problems.some((problem) => problem.field === 'model')) return [];
  const model = resume.raw.model;
  const models = typeof model === 'string' ? [model] : Array.isArray(model) ? model.filter((name): name is string => typeof name === 'string') : [];
  const line = resume.lineOf?.(['model']);
  return unknownModels(models, registry).map((message) => ({ file, field: 'model', ...(line === undefined ? {} : { line }), message, severity: 'error' as const }));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

