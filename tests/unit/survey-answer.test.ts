import { describe, expect, test } from 'vitest';
import { parseSurveyMarkup, renderSurveyMarkup } from '../../src/mailbox/survey-markup.js';
import { parseAnswer } from '../../src/survey/parse-answer.js';

describe('survey answers', () => {
  test('a choice is read from the first line, or the choice named first; a number from the first number; the raw text is all a free answer is', () => {
    const question = { text: 'Which first?', choices: ['tests', 'release notes'] };
    expect(parseAnswer(question, 'Release notes.\nBecause they are due.')).toEqual({ choice: 'release notes' });
    expect(parseAnswer(question, '"tests"')).toEqual({ choice: 'tests' });
    expect(parseAnswer(question, 'Answer: tests')).toEqual({ choice: 'tests' });
    expect(parseAnswer(question, 'I would say the release notes, then the tests.')).toEqual({ choice: 'release notes' });
    // "tests" inside another word is not the choice.
    expect(parseAnswer(question, 'Nothing attests to either.')).toEqual({});
    expect(parseAnswer({ text: 'How busy?', number: true }, 'About 3.5 out of 5')).toEqual({ number: 3.5 });
    expect(parseAnswer({ text: 'How many?', number: true }, '1,200 lines')).toEqual({ number: 1200 });
    expect(parseAnswer({ text: 'How busy?', number: true }, 'very')).toEqual({});
    expect(parseAnswer({ text: 'What?' }, 'Anything 3')).toEqual({});
  });

  test('the question element escapes its text and reads back the same question', () => {
    const question = { text: 'Is </survey-question> "done" & <ok>?', choices: ['yes & no', 'a "b"'] };
    const markup = renderSurveyMarkup(question);
    expect(markup).not.toContain('</survey-question> "done"');
    expect(parseSurveyMarkup(`before\n${markup}\nafter`)).toEqual(question);
    expect(parseSurveyMarkup(renderSurveyMarkup({ text: 'n?', number: true }))).toEqual({ text: 'n?', number: true });
  });
});
