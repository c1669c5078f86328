import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { unescapeText } from '../../src/mailbox/prompt-markup.js';
import type { EngineEvent } from '../../src/engine/events.js';
import type { ProviderRequest, ToolCall } from '../../src/providers/provider.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultOrg, ofType, runEngine, write } from '../helpers/temp-org.js';

const withProvider = (provider: ScriptedProvider) => ({ providerFactory: () => provider });

/** How many steps into its turn a request is: 1 for the first call. */
const stepOf = (request: ProviderRequest): number => (request.messages.length + 1) / 2;

function readCall(id: string): ToolCall {
  return { id: `read_${id}`, name: 'read_message', arguments: { id } };
}

/** The read_message results the model was given in a request, by the id it asked for: the text (unescaped), or `error: ` and the text. */
function readResults(request: ProviderRequest | undefined): Record<string, string> {
  const results: Record<string, string> = {};
  const content = request?.messages.at(-1)?.content ?? '';
  for (const match of content.matchAll(/<tool_result name="read_message" call="read_([^"]+)"( error="true")?>\n([\s\S]*?)\n<\/tool_result>/g)) {
    results[match[1] ?? ''] = `${match[2] ? 'error: ' : ''}${unescapeText(match[3] ?? '')}`;
  }
  return results;
}

describe('read_message opens only mail the agent sent or was delivered', () => {
  test('delivered, sent: opened; refused by the chart, skipped as broken, never taken in, for someone else: refused, said in its terms', async () => {
    const root = defaultOrg();
    // Delivered to the planner in turn 1 (dropped by hand, so it is taken in by that turn's scan).
    write(root, 'agents/manager/outbox/000000-001-planner.md', '---\nto: planner\nsubject: The task\n---\nPlan the release.\n');
    // hr may not write to the planner: refused by the chart, never delivered.
    write(root, 'agents/hr/outbox/000000-001-planner.md', '---\nto: planner\nsubject: Secret\n---\nRefused text.\n');
    // Broken when the scan met it: skipped. Mended in place afterwards, it is still not mail that arrived.
    write(root, 'agents/manager/outbox/000000-002-planner.md', '---\nto: [planner\n---\nBroken text.\n');
    // For hr, not the planner.
    write(root, 'agents/manager/outbox/000000-003-hr.md', '---\nto: hr\n---\nFor hr only.\n');
    // In the planner's own outbox, but the planner may not write to hr: refused, so never sent.
    write(root, 'agents/planner/outbox/000000-001-hr.md', '---\nto: hr\n---\nNever sent.\n');

    const provider = new ScriptedProvider((request) => {
      if (request.agent === 'planner' && request.turn === 1) {
        // The message shown in this very call: it arrived with this turn, and opens.
        if (stepOf(request) === 1) return { toolCalls: [readCall('000000-manager-001')] };
        return { toolCalls: [sendCall('manager', 'Planned.', { subject: 'Done' })] };
      }
      if (request.agent === 'manager' && request.turn === 2) return { toolCalls: [sendCall('planner', 'Thanks; one more thing.')] };
      if (request.agent === 'planner' && request.turn === 3 && stepOf(request) === 1) {
        // Addressed to the planner, but it appears while the turn runs: the engine has not taken it in.
        write(root, 'agents/manager/outbox/000002-009-planner.md', '---\nto: planner\n---\nNot taken in yet.\n');
        const ids = ['000000-manager-001', '000001-planner-001', '000002-manager-001', '000000-hr-001', '000000-manager-002', '000000-manager-003', '000002-manager-009', '000000-planner-001', '000009-manager-001'];
        return { toolCalls: ids.map(readCall) };
      }
      return {};
    });
    const first = await runEngine(root, { maxTurns: 1 }, withProvider(provider));
    expect(ofType(first, 'warning').map((event) => event.file)).toContain('agents/manager/outbox/000000-002-planner.md');
    expect(ofType(first, 'message-refused').map((event) => event.file)).toEqual(['agents/hr/outbox/000000-001-planner.md', 'agents/planner/outbox/000000-001-hr.md']);
    write(root, 'agents/manager/outbox/000000-002-planner.md', '---\nto: planner\n---\nMended text.\n');
    await runEngine(root, {}, withProvider(provider));

    const planner = provider.requests.filter((request) => request.agent === 'planner');
    const now = readResults(planner.find((request) => request.turn === 1 && stepOf(request) === 2));
    expect(now['000000-manager-001']).toMatch(/^<message id="000000-manager-001" from="manager" turn="0" priority="normal" subject="The task">\nPlan the release\.\n<\/message>$/);

    const later = readResults(planner.find((request) => request.turn === 3 && stepOf(request) === 2));
    expect(later['000000-manager-001']).toContain('Plan the release.');
    expect(later['000001-planner-001']).toContain('Planned.');
    expect(later['000002-manager-001']).toContain('Thanks; one more thing.');
    expect(later['000000-hr-001']).toBe('error: 000000-hr-001 was not delivered to you');
    expect(later['000000-manager-002']).toBe('error: 000000-manager-002 was not delivered to you');
    expect(later['000000-manager-003']).toBe('error: 000000-manager-003 was not delivered to you');
    expect(later['000002-manager-009']).toBe('error: 000002-manager-009 was not delivered to you');
    expect(later['000000-planner-001']).toBe('error: 000000-planner-001 was never delivered: lemming refused or skipped it (you were told why), or has not taken it in yet');
    expect(later['000009-manager-001']).toBe('error: there is no message 000009-manager-001');
  });

  test('a message dropped by hand under a name of its own opens by the id the inbox showed', async () => {
    const root = defaultOrg();
    write(root, 'agents/manager/outbox/note.md', `---\nto: planner\nsubject: Long\n---\n${'A long brief. '.repeat(3000)}\n`);
    let shownId = '';
    const provider = new ScriptedProvider((request) => {
      if (request.agent !== 'planner' || request.turn !== 1 || stepOf(request) !== 1) return {};
      shownId = /<message id="([^"]+)"/.exec(request.messages[0]?.content ?? '')?.[1] ?? '';
      return { toolCalls: [{ id: 'read_note', name: 'read_message', arguments: { id: shownId } }] };
    });
    await runEngine(root, { maxTurns: 1 }, withProvider(provider));
    expect(shownId).toBe('000000-manager-note.md');
    const result = readResults(provider.requests.find((request) => request.agent === 'planner' && stepOf(request) === 2))['note'];
    // The whole body, capped as every message is (engine.max_body_chars, 20,000 by default), and saying so.
    expect(result).toContain('A long brief. A long brief.');
    expect(result).toMatch(/\[lemming: 22000 more characters were cut; messages are capped at 20000 characters \(org\.yaml engine\.max_body_chars\)\]\n<\/message>$/);
  });

  test('a letter the chart stopped after it was sent is not opened by id either: read_message says why, naming the chart field', async () => {
    const root = defaultOrg();
    // Between turns the planner stops reading from the manager.
    const read = await readAfterEdit(root, 'planner', 'The secret plan.', () => write(root, 'org/chart.yaml', readFileSync(join(root, 'org/chart.yaml'), 'utf8').replace('read_from: [manager, coder_01]', 'read_from: [coder_01]')));
    expect(ofType(read.second, 'message-refused').map((event) => event.file)).toEqual(['agents/manager/outbox/000001-001-planner.md']);
    expect(read.shown).not.toContain('The secret plan.');
    expect(read.answer).toBe('error: 000001-manager-001 cannot be read now: planner does not read from manager (chart.yaml: agents.planner.read_from)');
  });

  test('a list post whose poster the list stopped after it was sent is not opened by id either: read_message says why, naming the list file and field', async () => {
    const root = defaultOrg();
    write(root, 'org/lists/team.yaml', 'members: [planner, hr]\nmay_post: [manager]\n');
    write(root, 'org/chart.yaml', readFileSync(join(root, 'org/chart.yaml'), 'utf8').replace('send_to: [human, planner, hr, janitor]', 'send_to: [human, planner, hr, janitor, team]'));
    // Between turns the manager is taken out of the list's may_post.
    const read = await readAfterEdit(root, 'team', 'The team plan.', () => write(root, 'org/lists/team.yaml', 'members: [planner, hr]\nmay_post: [hr]\n'));
    expect(read.shown).not.toContain('The team plan.');
    expect(read.answer).toBe('error: 000001-manager-001 cannot be read now: manager may not post to the list team (org/lists/team.yaml: may_post)');
  });
});

/**
 * The manager writes `body` to `to` in turn 1 (000001-manager-001); `edit` changes the org between turns and coder_01
 * writes to the planner by hand, so the planner runs turn 2 and asks read_message for the manager's message.
 * What the planner was shown first, what read_message answered it, and the second run's events.
 */
async function readAfterEdit(root: string, to: string, body: string, edit: () => void): Promise<{ shown: string; answer: string | undefined; second: EngineEvent[] }> {
  write(root, 'agents/human/outbox/000000-001-manager.md', '---\nto: manager\n---\nBrief them.\n');
  const provider = new ScriptedProvider((request) => {
    if (request.agent === 'manager' && request.turn === 1) return { toolCalls: [sendCall(to, body, { subject: 'Plan' })] };
    if (request.agent === 'planner' && request.turn === 2 && stepOf(request) === 1) return { toolCalls: [readCall('000001-manager-001')] };
    return {};
  });
  await runEngine(root, { maxTurns: 1 }, withProvider(provider));
  edit();
  write(root, 'agents/coder_01/outbox/question.md', '---\nto: planner\n---\nWhich branch?\n');
  const second = await runEngine(root, { maxTurns: 1 }, withProvider(provider));
  const planner = provider.requests.filter((request) => request.agent === 'planner' && request.turn === 2);
  return { shown: JSON.stringify(planner[0]?.messages), answer: readResults(planner.find((request) => stepOf(request) === 2))['000001-manager-001'], second };
}
