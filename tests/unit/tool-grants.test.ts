import { describe, expect, test } from 'vitest';
import { OrgLoader } from '../../src/org/load-org.js';
import { defaultOrg, read, write } from '../helpers/temp-org.js';

function problemsOf(root: string): string[] {
  return new OrgLoader(root).load().problems.filter((problem) => problem.severity === 'error').map((problem) => `${problem.file}${problem.line ? `:${problem.line}` : ''} ${problem.field ?? ''}: ${problem.message}`);
}

describe('tools in resumes and MCP servers in org.yaml', () => {
  test('a grant of a server org.yaml does not declare names the file, the field and the servers there are', () => {
    const root = defaultOrg();
    write(root, 'org/org.yaml', `${read(root, 'org/org.yaml')}\nmcp_servers:\n  files:\n    command: npx\n    args: [some-server]\n`);
    write(root, 'agents/coder_01/resume.md', '---\ntitle: Coder\nmodel: offline\ncredits: 1\ntools: [send_message, files/*, search/query]\n---\nCode.\n');
    expect(problemsOf(root)).toEqual([
      'agents/coder_01/resume.md:5 tools.2: grants "search/query", but org/org.yaml mcp_servers has no server "search" (known: files)',
    ]);
  });

  test('an unknown tool and a server with neither command nor url are refused with a valid example', () => {
    const root = defaultOrg();
    write(root, 'agents/coder_01/resume.md', '---\ntitle: Coder\nmodel: offline\ncredits: 1\ntools: [send_message, rm_rf]\n---\nCode.\n');
    write(root, 'org/org.yaml', `${read(root, 'org/org.yaml')}\nmcp_servers:\n  broken:\n    args: [x]\n`);
    const problems = problemsOf(root).join('\n');
    expect(problems).toContain('agents/coder_01/resume.md');
    expect(problems).toContain('must be one of send_message, remember, read_file, write_file');
    expect(problems).toContain('org/org.yaml');
    expect(problems).toContain('mcp_servers.broken');
  });

  test('the default org grants the coder workspace tools and run_command, the planner the shared workspace and hr hiring', () => {
    const org = new OrgLoader(defaultOrg()).load().org;
    expect(org?.agents.get('coder_01')?.tools).toEqual(['send_message', 'remember', 'read_file', 'write_file', 'list_files', 'search_files', 'run_command']);
    expect(org?.agents.get('planner')?.sharedWorkspace).toBe('write');
    expect(org?.agents.get('hr')?.tools).toContain('hire_agent');
    expect(org?.settings.max_steps).toBe(8);
  });
});
