import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { calibrate, populate, readExperimentReport, runExperiment, shippedData } from 'lemming';

// 1. A population: twelve people in teams of four, drawn to the GSS respondents' sex and education.
writeFileSync('people.yaml', `name: panel
seed: 2018
size: 12
attributes:
  sex:
    shares: { female: 0.55, male: 0.45 }
  degree:
    given: sex
    table:
      female: { high school or less: 0.6, college: 0.4 }
      male: { high school or less: 0.64, college: 0.36 }
structure:
  team_size: 4
roles:
  lead: { title: "Team lead {team}", model: offline, credits: 0.5 }
  member: { title: "Team member", model: offline, credits: 0.2 }
persona: "You are {name}, an American adult, {sex}, whose highest education is {degree}."
`);
const panel = await populate('people.yaml', 'panel');
console.log(`populated ${panel.agents} agents, seed ${panel.seed}; the first to write to is ${panel.first}`);

// 2. An experiment on it: two opening messages, each run asked a question when it ends.
writeFileSync('study.yaml', `name: study
turns: 3
repeats: 1
messages:
  - { to: ${panel.first}, subject: Plans, body: "What should the team work on this week?" }
variants:
  - name: baseline
  - name: urgent
    messages:
      - { to: ${panel.first}, subject: Plans, body: "Urgent: the customer needs an answer today. What should the team do?" }
survey:
  - question: Is the week going well?
    choices: [yes, no]
`);
// A folder of tables is made, not the folders above it: `tables/` first.
mkdirSync('tables');
const outcome = await runExperiment({ file: 'study.yaml', root: 'panel', csv: 'tables/study' });
const report = readExperimentReport(outcome.folder);
for (const variant of report.variants) console.log(`${variant.variant}: ${variant.runs} runs, ${variant.messages} messages a run, ${variant.credits.toFixed(4)} credits a run`);
for (const question of report.survey ?? []) {
  for (const cell of question.variants) console.log(`${question.question} ${cell.variant}: ${Object.entries(cell.counts ?? {}).map(([choice, count]) => `${choice} ${count}`).join(', ')}`);
}

// 3. Calibration: the panel answers three questions of the General Social Survey 2018, compared with
// the real answers, overall and by sex and education.
const calibration = await calibrate('panel', shippedData().gss2018, { csv: 'tables/calibration' });
for (const row of calibration.comparisons.filter((comparison) => comparison.group === 'all')) {
  console.log(`${row.question}: distance ${row.distance.value.toFixed(3)} [${row.distance.interval.map((end) => end.toFixed(3)).join(', ')}], at random ${row.random.value.toFixed(3)}`);
}

// 4. The results as a pandas or R user reads them: a CSV per table and a dictionary of their columns.
const dictionary = readFileSync('tables/study/dictionary.csv', 'utf8').trimEnd().split('\r\n');
console.log(`tables/study: ${new Set(dictionary.slice(1).map((line) => line.split(',')[0])).size} tables, ${dictionary.length - 1} columns described`);
