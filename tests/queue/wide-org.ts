import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { humanSends } from '../helpers/temp-org.js';

const AREAS = ['billing', 'search', 'storage', 'security', 'mobile', 'payments', 'reporting'];
const SPECIALTIES = ['api', 'database', 'frontend', 'testing', 'documentation', 'deployment'];

/**
 * A 50-agent org on the offline model: a director under the human, seven leads (one per
 * area), six engineers under each. The human asks for one part per engineer, so every level
 * delegates, works and reports back up over several turns.
 */
export function wideOrg(root: string, models = 'offline', orgYamlExtra = ''): string[] {
  const agents: Array<{ name: string; title: string; manager: string; reports: string[] }> = [];
  const leads = AREAS.map((area) => `lead_${area}`);
  agents.push({ name: 'director', title: 'Engineering director', manager: 'human', reports: leads });
  for (const area of AREAS) {
    const engineers = Array.from({ length: 6 }, (_, index) => `${area}_${index + 1}`);
    agents.push({ name: `lead_${area}`, title: `Lead for ${area}`, manager: 'director', reports: engineers });
    engineers.forEach((name, index) => agents.push({ name, title: `${area} ${SPECIALTIES[index]} engineer`, manager: `lead_${area}`, reports: [] }));
  }
  mkdirSync(join(root, 'org'), { recursive: true });
  writeFileSync(
    join(root, 'org', 'org.yaml'),
    `name: wide\nengine:\n  max_turns: 30\n  concurrency: 16\n  max_messages_per_turn: 50\n${orgYamlExtra}models:\n  offline:\n    provider: offline\n    model: offline-1\n    input_price: 2.5\n    output_price: 10\n    context_window: 32000\n`,
  );
  const chart = [
    'agents:',
    '  human:\n    reports_to: null\n    send_to: [director]\n    read_from: ["*"]',
    ...agents.map(
      (agent) => `  ${agent.name}:\n    reports_to: ${agent.manager}\n    send_to: [${[agent.manager, ...agent.reports].join(', ')}]\n    read_from: [${[agent.manager, ...agent.reports].join(', ')}]`,
    ),
  ];
  writeFileSync(join(root, 'org', 'chart.yaml'), `${chart.join('\n')}\n`);
  mkdirSync(join(root, 'agents', 'human'), { recursive: true });
  writeFileSync(join(root, 'agents', 'human', 'resume.md'), '---\ntitle: The person\nmodel: human\n---\nThe person.\n');
  for (const agent of agents) {
    mkdirSync(join(root, 'agents', agent.name, 'outbox'), { recursive: true });
    writeFileSync(join(root, 'agents', agent.name, 'resume.md'), `---\ntitle: ${agent.title}\nmodel: ${models}\ncredits: 100\n---\nDo your part and report back.\n`);
  }
  for (const area of AREAS) {
    for (const specialty of SPECIALTIES) {
      humanSends(root, 'director', `Please get the ${area} ${specialty} work done for the release.`, `${area} ${specialty} work`);
    }
  }
  return agents.map((agent) => agent.name);
}
