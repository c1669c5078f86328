#!/usr/bin/env node
// A scripted seat of a planted-truth study (docs/validation.md, "Studies whose answer is planted"):
// a `provider: command` program (`prompt: json`, `reply: json`) that answers each call from the plan
// written into the org (`planted/plan.json`; its path is the seat's argument in org.yaml, so the runs
// of an experiment, which copy org.yaml, read the base's), never from what it is shown. What
// it does in turn T as agent A is the plan's `script[T][A]`: sends (one name, a `to:` list, `cc:`, a
// list's name) or a meeting speech; with nothing scripted it keeps a note (`remember`), so a call that
// has nothing to say still acts and no engine notice follows it. Every answer reports the same usage, so
// a call's credits are the entry's prices, known in advance. Plain JavaScript: the engine runs it as is.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.env.LEMMING_ORG_ROOT;
const agent = process.env.LEMMING_AGENT;
const turn = process.env.LEMMING_TURN;
if (!root || !agent || !turn) {
  process.stderr.write('scripted-seat: LEMMING_ORG_ROOT, LEMMING_AGENT and LEMMING_TURN must be set (lemming sets them for a provider: command seat)\n');
  process.exit(2);
}
// The call itself is read and not used: the plan alone decides, so the answer is known by construction.
readFileSync(0);
const plan = JSON.parse(readFileSync(process.argv[2] ?? join(root, 'planted', 'plan.json'), 'utf8'));
const act = plan.script?.[turn]?.[agent];

/** One send_message call of the plan's send. */
function sendCall(send, index) {
  const to = Array.isArray(send.to) && send.to.length === 1 ? send.to[0] : send.to;
  const body = send.body ?? `${agent} writes in turn ${turn} (send ${index + 1}).`;
  return { id: `call_${index + 1}`, name: 'send_message', arguments: { to, ...(send.cc ? { cc: send.cc } : {}), subject: send.subject ?? `Turn ${turn} from ${agent}`, body } };
}

const answer =
  act?.speak !== undefined
    ? { text: act.speak, tool_calls: [] }
    : act?.send !== undefined && act.send.length > 0
      ? { text: '', tool_calls: act.send.map(sendCall) }
      : { text: '', tool_calls: [{ id: 'call_1', name: 'remember', arguments: { key: 'seat', text: `Nothing scripted for ${agent} in turn ${turn}.` } }] };
process.stdout.write(`${JSON.stringify({ ...answer, usage: plan.usage })}\n`);
