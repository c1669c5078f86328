import { describe, expect, test } from 'vitest';
import { reportingCircles } from '../../src/org/assemble-org.js';

describe('circles of reports_to', () => {
  test('each circle once, from the agent the walk enters it by; a chain into a circle is not part of it; itself is a circle of one', () => {
    const managers = new Map([
      ['intern', 'planner'], // leads into the circle below, and is not in it
      ['planner', 'coder_01'],
      ['coder_01', 'reviewer'],
      ['reviewer', 'planner'],
      ['janitor', 'janitor'],
      ['hr', 'manager'], // manager reports to no one here: the top
    ]);
    expect(reportingCircles(managers)).toEqual([['planner', 'coder_01', 'reviewer'], ['janitor']]);
    expect(reportingCircles(new Map([['hr', 'manager'], ['planner', 'manager']]))).toEqual([]);
  });

  test('a chart of 100,000 in one circle is walked once', () => {
    const names = Array.from({ length: 100_000 }, (_, index) => `agent_${index}`);
    const managers = new Map(names.map((name, index) => [name, names[(index + 1) % names.length] as string]));
    const [circle, ...others] = reportingCircles(managers);
    expect(others).toEqual([]);
    expect(circle?.length).toBe(100_000);
  });
});
