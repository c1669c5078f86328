import { words } from './compose.js';
import type { PromptView } from './read-prompt.js';
import { stem } from './route-task.js';

/**
 * Routing its instructions give in so many words: "Send a case to the escalation lead only when it
 * needs a decision support cannot make (money, an outage, a complaint about us)". A task that
 * speaks of one of the cases in the parentheses goes to the colleague named (by name, or by the
 * label of its title), whoever else's role would fit it. Pure.
 */

/** "send … to the <who> [only] when/if … (<cases>)": the colleague and the words of the cases. */
const RULE = /\bsend\b[^.]*?\bto (?:the |an? )?([a-z][a-z0-9_ -]*?) (?:only )?(?:when|if)\b[^.(]*\(([^)]*)\)/gi;

/** Words that say nothing of a case on their own. */
const FILLER = new Set(['about', 'any', 'from', 'into', 'that', 'them', 'they', 'this', 'those', 'what', 'when', 'which', 'who', 'with']);

/** A word of the task and a word of a case meet: the same stem, or one begins the other ("complains" and "complaint"). */
function meet(taskWord: string, caseWord: string): boolean {
  if (stem(taskWord) === stem(caseWord)) return true;
  const [short, long] = taskWord.length <= caseWord.length ? [taskWord, caseWord] : [caseWord, taskWord];
  return short.length >= 6 && long.startsWith(short.slice(0, -1));
}

/** A name or a label as instructions write it: "escalation lead", "fact checker". */
function loose(text: string): string {
  return text.toLowerCase().replace(/[_-]+/g, ' ').trim();
}

/** The colleague the instructions send this task to, or undefined when no rule of theirs speaks of it. */
export function instructedRecipient(view: Pick<PromptView, 'instructions' | 'team' | 'sendTo'>, asker: string, task: string): string | undefined {
  const taskWords = [...words(task)];
  for (const match of view.instructions.matchAll(RULE)) {
    const who = loose(match[1] ?? '');
    const cases = [...words(match[2] ?? '')].filter((word) => !FILLER.has(word));
    if (!cases.some((caseWord) => taskWords.some((taskWord) => meet(taskWord, caseWord)))) continue;
    // By name ("the lead", "the escalation lead" for `lead`), or by the label of a team member's title.
    const named = [...view.sendTo.keys()].find((name) => {
      if (name === asker) return false;
      const label = loose(view.team.find((member) => member.name === name)?.title.split(':')[0] ?? '');
      return loose(name) === who || who.endsWith(` ${loose(name)}`) || (label !== '' && label === who);
    });
    if (named) return named;
  }
  return undefined;
}
