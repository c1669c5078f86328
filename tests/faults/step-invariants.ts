import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { OrgRecord } from './org-record.js';

/**
 * Multi-step turns: each agent's steps of a turn are logged once each, numbered 1, 2, …
 * in order with none missing, the last included, and their tokens (with its reflection's, when
 * it reflected after them: docs/memory.md) add up to the turn's charge; every file a step says it wrote exists in a workspace; every step line
 * belongs to a turn the agent was charged for (it was called).
 */
export function stepViolations(record: OrgRecord): string[] {
  const violations: string[] = [];
  for (const [agent, entries] of record.logs) {
    const steps = new Map<number, number[]>();
    const stepTokens = new Map<number, { input: number; output: number }>();
    const chargedLines = entries.filter((entry) => entry.event === 'charged');
    const reflected = new Map(entries.filter((entry) => entry.event === 'reflected').map((entry) => [entry.turn, { input: Number(entry.input_tokens), output: Number(entry.output_tokens) }]));
    const charged = new Set(chargedLines.map((entry) => entry.turn));
    for (const entry of entries) {
      if (entry.event !== 'step') continue;
      const list = steps.get(entry.turn) ?? [];
      list.push(Number(entry.step));
      steps.set(entry.turn, list);
      const tokens = stepTokens.get(entry.turn) ?? { input: 0, output: 0 };
      stepTokens.set(entry.turn, { input: tokens.input + Number(entry.input_tokens), output: tokens.output + Number(entry.output_tokens) });
      if (!charged.has(entry.turn)) violations.push(`agents/${agent}: a step of turn ${entry.turn} is logged but the turn was not charged`);
      for (const tool of (entry.tools as Array<{ written?: string }> | undefined) ?? []) {
        if (tool.written === undefined) continue;
        if (!/^(workspace|agents\/[^/]+\/workspace)\//.test(tool.written)) violations.push(`agents/${agent}: step wrote ${tool.written}, outside every workspace`);
        else if (!existsSync(join(record.root, tool.written))) violations.push(`agents/${agent}: step of turn ${entry.turn} wrote ${tool.written}, which is missing`);
      }
    }
    for (const [turn, numbers] of steps) {
      const sorted = [...numbers].sort((left, right) => left - right);
      if (new Set(numbers).size !== numbers.length) violations.push(`agents/${agent}: turn ${turn} logs step(s) ${numbers.join(', ')}: a step twice`);
      else if (sorted.join(',') !== numbers.join(',')) violations.push(`agents/${agent}: turn ${turn} logs steps out of order (${numbers.join(', ')})`);
      else if (sorted.some((step, index) => step !== index + 1)) violations.push(`agents/${agent}: turn ${turn} logs steps ${numbers.join(', ')}: a step has no line`);
      const charge = chargedLines.find((entry) => entry.turn === turn);
      const steps = stepTokens.get(turn);
      const reflection = reflected.get(turn);
      const tokens = steps && { input: steps.input + (reflection?.input ?? 0), output: steps.output + (reflection?.output ?? 0) };
      if (charge && tokens && (charge.inputTokens !== tokens.input || charge.outputTokens !== tokens.output)) {
        violations.push(`agents/${agent}: turn ${turn}'s step lines add up to ${tokens.input}+${tokens.output} tokens, its charge to ${String(charge.inputTokens)}+${String(charge.outputTokens)}`);
      }
    }
  }
  return violations;
}
