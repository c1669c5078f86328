import type { Problem } from '../errors.js';
import type { Org } from '../org/org.js';
import { sandboxReadiness } from '../sandbox/sandbox-probe.js';
import { sandboxedGrants } from './outside-tools.js';

/** The warning every run and `validate` give while an org runs commands unisolated. */
export function isolationOffWarning(): Problem {
  return {
    file: 'org/org.yaml',
    field: 'engine.sandbox.isolation',
    message:
      'is none: commands run unisolated, as the user running lemming, with its files, its network and its other processes in reach (the limits and the clean environment still hold); remove the setting to run them under bwrap',
    severity: 'warning',
  };
}

/**
 * What `lemming validate` and every `lemming run` say about the tools that reach outside lemming's
 * files, one line each: isolation switched off (on every run, as long as it is), commands that
 * cannot run on this machine and what to install, limits no cgroup can hold here and what holds
 * them instead, the system calls not refused where the seccomp filter cannot be applied, fetch_url
 * granted with nothing on its list.
 */
export async function outsideToolWarnings(org: Org): Promise<Problem[]> {
  const problems: Problem[] = [];
  const isolation = org.settings.sandbox.isolation;
  if (isolation === 'none') problems.push(isolationOffWarning());
  const granting = [...org.agents.values()].filter((agent) => sandboxedGrants(org, agent).length > 0).map((agent) => agent.name);
  if (granting.length > 0) {
    const readiness = await sandboxReadiness(isolation);
    if (!readiness.ready) problems.push({ file: 'org/org.yaml', field: 'engine.sandbox', message: `${readiness.problem} (granted to ${granting.join(', ')})`, severity: 'warning' });
    else {
      if (readiness.weaker !== undefined) problems.push({ file: 'org/org.yaml', field: 'engine.sandbox', message: `commands run here, but no cgroup holds their limits: ${readiness.weaker}`, severity: 'warning' });
      if (readiness.unfiltered !== undefined) problems.push({ file: 'org/org.yaml', field: 'engine.sandbox', message: `commands run here, but ${readiness.unfiltered}`, severity: 'warning' });
    }
  }
  const unlisted = [...org.agents.values()].filter((agent) => agent.tools.includes('fetch_url') && org.web.allow.length === 0 && (agent.webAllow ?? []).length === 0);
  if (unlisted.length > 0) {
    problems.push({
      file: 'org/org.yaml',
      field: 'web.allow',
      message: `lists no host, so every fetch_url of ${unlisted.map((agent) => agent.name).join(', ')} is refused; a valid value looks like \`allow: [docs.python.org]\``,
      severity: 'warning',
    });
  }
  return problems;
}
