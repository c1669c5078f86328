import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseRecalledMarkup } from '../../src/mailbox/prompt-markup.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { parseMemoryFile } from '../../src/memory/memory-file.js';
import { parseFocalQuestions } from '../../src/memory/focal-questions.js';
import { CassetteWriter, readCassette } from '../../src/providers/cassette/cassette-file.js';
import { composeFocalQuestions } from '../../src/providers/offline/focal-questions.js';
import { OfflineProvider } from '../../src/providers/offline/offline-provider.js';
import type { Provider, ProviderRequest, ProviderResponse } from '../../src/providers/provider.js';
import { RecordingProvider } from '../../src/providers/recording-provider.js';
import { CassetteAnswers, ReplayingProvider } from '../../src/providers/replaying-provider.js';
import { humanSendsAll, memoryOrg, streamFiles } from '../helpers/memory-org.js';
import { charges } from '../helpers/org-snapshot.js';
import { runEngine } from '../helpers/temp-org.js';
import { scratchDir } from '../faults/scratch.js';
import { REPO_ROOT } from '../helpers/org-files.js';

const MAIL = [
  { subject: 'Vault', body: 'For the record: the vault code is cobalt-417.' },
  { subject: 'Shelf', body: 'Tidy the vault shelf, please.' },
  { subject: 'Keys', body: 'Count the vault keys, please.' },
  { subject: 'Lamp', body: 'Check the vault lamp, please.' },
  { subject: 'Door', body: 'Oil the vault door, please.' },
];

/**
 * A scripted model: asked for focal questions, it asks two about the vault; asked for insights, it
 * cites an earlier reflection when it is shown one (a reflection over a reflection), else the first
 * two memories, and an id it was not shown (dropped); any other call, the offline model's answer.
 */
class Scripted implements Provider {
  readonly asked: string[] = [];
  private readonly offline = new OfflineProvider();

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    const content = request.messages[0]?.content ?? '';
    const answer = (text: string): ProviderResponse => ({ text, toolCalls: [], modelKey: request.modelKey, usage: { inputTokens: 100, outputTokens: 10, estimated: false } });
    if (content.includes('<focal-questions-request ')) {
      this.asked.push(content);
      return answer('1. What is the vault code?\n2. What does human need from me?\n3. One too many?');
    }
    if (content.includes('<reflection-request ')) {
      this.asked.push(content);
      const shown = parseRecalledMarkup(content);
      const earlier = shown.find((memory) => memory.kind === 'reflection');
      const cited = earlier ? [earlier.id, ...shown.filter((memory) => memory.kind !== 'reflection').slice(0, 1).map((memory) => memory.id)] : shown.slice(0, 2).map((memory) => memory.id);
      return answer(`- ${earlier ? 'As I concluded before, the vault code is what matters' : 'The vault code is cobalt-417 and worth keeping'} (because of ${cited.join(', ')}, 999999-001)`);
    }
    return this.offline.generate(request);
  }
}

function reflections(root: string): Array<{ name: string; sources: string[]; text: string; id: string }> {
  return Object.entries(streamFiles(root))
    .filter(([name]) => name.endsWith('-reflection.md'))
    .map(([name, text]) => {
      const parsed = parseMemoryFile(text, name);
      if (!('memory' in parsed)) throw new Error(parsed.error);
      return { name, id: parsed.memory.id, sources: parsed.memory.sources, text: parsed.memory.text };
    });
}

describe('reflection by focal questions (memory.reflect.questions), as Park et al. reflect', () => {
  test('questions asked, each searched, insights citing what they found, a second reflection citing the first; a replay writes the same files', async () => {
    const pristine = memoryOrg({ memory: '{ keep: true, reflect: { every: 2, importance: 0, questions: 2 } }', maxMessages: 1 });
    humanSendsAll(pristine, MAIL);
    const recorded = scratchDir();
    cpSync(pristine, recorded, { recursive: true });
    const replayed = scratchDir();
    cpSync(pristine, replayed, { recursive: true });
    const cassette = join(scratchDir(), 'focal.jsonl');

    const scripted = new Scripted();
    const recorder = new RecordingProvider(scripted, new CassetteWriter(cassette));
    await runEngine(recorded, { maxTurns: 8 }, { providerFactory: () => recorder });

    // Asked for two questions (the third line of the answer is not kept), then for insights under each question.
    const focal = scripted.asked.filter((content) => content.includes('<focal-questions-request questions="2">'));
    expect(focal.length).toBeGreaterThanOrEqual(2);
    const insights = scripted.asked.filter((content) => content.includes('<reflection-request '));
    expect(insights).toHaveLength(focal.length);
    expect(insights[0]).toContain('Question 1: What is the vault code?');
    // A memory that bears on both is shown under the first only: the second question has its own once the stream is larger.
    expect(insights.some((content) => content.includes('Question 2: What does human need from me?'))).toBe(true);
    expect(insights.some((content) => content.includes('One too many'))).toBe(false);

    // The first reflection cites observations; a later one cites the first (the id it was not shown is dropped).
    const written = reflections(recorded);
    expect(written.length).toBeGreaterThanOrEqual(2);
    const [first, ...later] = written;
    expect(first?.text).toBe('The vault code is cobalt-417 and worth keeping');
    expect(first?.sources.every((id) => /^0000\d\d-\d{3}$/.test(id) && id !== '999999-001')).toBe(true);
    const second = later.find((reflection) => reflection.sources.includes(first?.id ?? ''));
    expect(second?.text).toBe('As I concluded before, the vault code is what matters');
    expect(second?.sources).not.toContain('999999-001');
    // docs/memory.md shows that file as it is written.
    const docsBlock = /^```markdown\n(---\nid: 000004-003\n[\s\S]*?)^```$/m.exec(readFileSync(join(REPO_ROOT, 'docs/memory.md'), 'utf8'))?.[1];
    expect(docsBlock).toContain('kind: reflection');
    expect(streamFiles(recorded)[second?.name ?? '']?.trimEnd()).toBe(docsBlock?.trimEnd());

    // The activity log keeps the questions with the reflection's tokens (both calls').
    const log = readFileSync(join(recorded, 'agents/keeper/logs/activity.jsonl'), 'utf8').split('\n').filter((line) => line.includes('"event":"reflected"')).map((line) => JSON.parse(line));
    expect(log[0]).toMatchObject({ questions: ['What is the vault code?', 'What does human need from me?'], input_tokens: 200, output_tokens: 20 });

    const replay = new ReplayingProvider(new CassetteAnswers(cassette, readCassette(cassette)));
    await runEngine(replayed, { maxTurns: 8 }, { providerFactory: () => replay });
    expect(streamFiles(replayed)).toEqual(streamFiles(recorded));
    expect(charges(replayed)).toEqual(charges(recorded));
  });

  test('the offline model asks of the words that keep coming back and of whom it hears from, as many as asked, the same each time', () => {
    const memory = (id: string, text: string) => `<recalled id="${id}" turn="1" kind="observation" importance="5">\n${text}\n</recalled>`;
    const content = [memory('000001-001', 'human wrote to me, subject "Vault": the vault code is cobalt.'), memory('000001-002', 'human wrote to me, subject "Keys": count the vault keys.'), '<focal-questions-request questions="3">'].join('\n');
    const answer = composeFocalQuestions(content);
    expect(answer).toBe('- What do I know about vault?\n- What does human need from me?');
    expect(parseFocalQuestions(answer, 1)).toEqual(['What do I know about vault?']);
  });

  test("questions past 5 are refused naming the file, the field and a valid value; a resume's own is taken over the org's", () => {
    const root = memoryOrg({ memory: '{ keep: true, reflect: { questions: 9 } }' });
    expect(() => loadOrg(root)).toThrow(/org\/org\.yaml:\d+: memory\.reflect\.questions: .*questions: 3/s);
    const path = join(root, 'org/org.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('questions: 9', 'questions: 2'));
    expect(loadOrg(root).org.agents.get('keeper')?.memory?.reflect.questions).toBe(2);
    const resume = join(root, 'agents/keeper/resume.md');
    writeFileSync(resume, readFileSync(resume, 'utf8').replace('credits: 100\n', 'credits: 100\nmemory: { reflect: { questions: 0 } }\n'));
    expect(loadOrg(root).org.agents.get('keeper')?.memory?.reflect.questions).toBeUndefined();
  });
});
