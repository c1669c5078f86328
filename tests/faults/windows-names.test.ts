import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { nameProblem } from '../../src/org/names.js';
import { lemming } from '../helpers/cli.js';
import { defaultFaultOrg, readText, writeFile } from './fault-org.js';

/**
 * An org is a folder a person copies to another machine. Windows has names no file or folder can
 * take (`con`, `nul`, `lpt1`, …, in any case, with any extension): git refuses to check out a tree
 * holding `agents/con/`. So the one name rule refuses them wherever a name becomes a file or folder.
 */
const DEVICE_NAMES = ['con', 'prn', 'aux', 'nul', 'com1', 'com9', 'lpt1', 'lpt9'];
const DEVICE_REFUSAL = /is a device name on Windows \(con, prn, aux, nul, com1-com9, lpt1-lpt9\).*; an agent name is .*\(for example "coder_01"\)/;

describe('names Windows keeps for devices', () => {
  test('add-agent refuses each, naming the rule and a valid name; nothing is written and the org stays valid', () => {
    const root = defaultFaultOrg();
    const chart = readText(root, 'org/chart.yaml');
    for (const name of DEVICE_NAMES) {
      const added = lemming(root, ['add-agent', name, '--reports-to', 'manager', '--title', 'Writer']);
      expect(added.status, `${name}: ${added.stdout}${added.stderr}`).not.toBe(0);
      expect(added.stderr).toMatch(DEVICE_REFUSAL);
      expect(existsSync(join(root, 'agents', name))).toBe(false);
    }
    expect(readText(root, 'org/chart.yaml')).toBe(chart);
    // Names that only start like a device are names like any other.
    const added = lemming(root, ['add-agent', 'console', '--reports-to', 'manager', '--title', 'Writer']);
    expect(added.status, added.stderr).toBe(0);
    expect(lemming(root, ['validate']).status).toBe(0);
  });

  test('validate says the file and field of a chart entry, an agent folder, a list and a meeting so named, and a valid name', () => {
    const root = defaultFaultOrg();
    writeFile(root, 'org/chart.yaml', readText(root, 'org/chart.yaml').replace(/^agents:\n/m, 'agents:\n  nul:\n    reports_to: manager\n'));
    writeFile(root, 'agents/lpt1/resume.md', '---\ntitle: Printer\nmodel: offline\ncredits: 1\n---\nPrint.\n');
    writeFile(root, 'org/lists/aux.yaml', 'members: [planner, coder_01]\n');
    writeFile(root, 'org/meetings/com1.yaml', 'attendees: [manager, planner]\nturn: 2\n');
    const checked = lemming(root, ['validate']);
    expect(checked.status).toBe(1);
    const said = checked.stdout + checked.stderr;
    expect(said).toMatch(new RegExp(`org/chart\\.yaml:\\d+: agents\\.nul: ${DEVICE_REFUSAL.source}`));
    expect(said).toMatch(new RegExp(`agents/lpt1/: ${DEVICE_REFUSAL.source}; this folder is ignored`));
    expect(said).toMatch(new RegExp(`org/lists/aux\\.yaml: is not read: .*"aux" ${DEVICE_REFUSAL.source}`));
    expect(said).toMatch(new RegExp(`org/meetings/com1\\.yaml: is not read: .*"com1" ${DEVICE_REFUSAL.source}`));
    // Nothing is lost: the files stay where the person put them.
    expect(existsSync(join(root, 'agents/lpt1/resume.md'))).toBe(true);
    expect(existsSync(join(root, 'org/lists/aux.yaml'))).toBe(true);
  });

  test('an experiment or a variant so named (each a folder under experiments/) is refused before any run, naming the file and field; nothing is written', () => {
    const root = defaultFaultOrg();
    // The place each refusal is said at: the experiment's name on line 1, the variant's on line 6.
    const refusals = new Map([
      ['con/baseline', 'study\\.yaml:1: name: is a device name on Windows'],
      ['study/nul', 'study\\.yaml:6: variants\\.0\\.name: .*is a device name on Windows'],
      ['study/lpt3', 'study\\.yaml:6: variants\\.0\\.name: .*is a device name on Windows'],
      ['study/NUL', 'study\\.yaml:6: variants\\.0\\.name: .*is not a valid variant name'],
    ]);
    for (const [names, refusal] of refusals) {
      const [experiment, variant] = names.split('/');
      writeFile(root, 'study.yaml', `name: ${experiment}\nturns: 1\nmessages:\n  - { to: manager, body: Plan. }\nvariants:\n  - name: ${variant}\n`);
      const ran = lemming(root, ['experiment', join(root, 'study.yaml')]);
      expect(ran.status, ran.stdout).toBe(1);
      expect(ran.stderr).toMatch(new RegExp(`${refusal}.*for example "tight-budget"`));
      expect(existsSync(join(root, 'experiments'))).toBe(false);
    }
  });

  test('the rule is one for every name that becomes a file or folder, in any case and with an extension, and for no other', () => {
    for (const name of DEVICE_NAMES) {
      for (const kind of ['agent', 'template', 'reference', 'experiment', 'variant'] as const) expect(nameProblem(kind, name), `${kind} ${name}`).toMatch(/^is a device name on Windows/);
      for (const spelling of [name, name.toUpperCase(), `${name}.csv`, `${name.toUpperCase()}.tar.gz`]) expect(nameProblem('reference-answers', spelling), spelling).toMatch(/^is a device name on Windows/);
      // A model key or an MCP server is never a file name: they keep every name of their alphabet.
      expect(nameProblem('model', name)).toBeUndefined();
      expect(nameProblem('mcp-server', name)).toBeUndefined();
    }
    expect(nameProblem('reference-answers', 'answers.')).toMatch(/^ends in a dot/);
    for (const name of ['console', 'com10', 'com0', 'lpt', 'nullable', 'auxiliary']) expect(nameProblem('agent', name), name).toBeUndefined();
    expect(nameProblem('reference-answers', 'console.csv')).toBeUndefined();
  });
});
