/**
 * Long work saying how far it is, for a command to show (`lemming export`, `import`, `backup`,
 * `populate`): the step in words and how many of its items are done, with the total when it is
 * known. Called often (a file at a time); what is shown, and when, is the caller's choice.
 */
export type WorkProgress = (step: string, done: number, total?: number) => void;

/**
 * Work quicker than this shows nothing (a line that flashes by says nothing); slower work says what it
 * is doing once this long has passed: a command's progress (cli/slow-work-line.ts), a run's end waiting
 * for git (cli/history-wait.ts).
 */
export const QUIET_MS = 2000;
