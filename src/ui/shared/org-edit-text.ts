import type { EngineEvent } from '../../engine/events.js';
import { formatProblem } from '../../errors.js';

type Reloaded = Extract<EngineEvent, { type: 'org-reloaded' }>;
type Invalid = Extract<EngineEvent, { type: 'org-invalid' }>;

/** What a turn takes in from hand edits, for the run screen, the chat and the plain output alike. Pure. */
export function reloadText(event: Reloaded): string {
  const fixed = new Set(event.fixed);
  const parts = [
    ...event.files.map((file) => (fixed.has(file) ? `${file} (fixed)` : file)),
    ...event.fixed.filter((file) => !event.files.includes(file)).map((file) => `${file} fixed`),
    ...event.joined.map((name) => `${name} joined`),
    ...event.left.map((name) => `${name} left`),
  ];
  return `turn ${event.turn} uses the edits: ${parts.join(', ')}`;
}

/** The files whose errors keep an earlier version in force, and why. Pure. */
export function invalidText(event: Invalid): string {
  const errors = event.problems.filter((problem) => problem.severity === 'error');
  const files = [...new Set(errors.map((problem) => problem.file))];
  return `turn ${event.turn} keeps the last valid version of ${files.join(', ') || 'the org'}: ${errors.map(formatProblem).join('; ')}`;
}
