/**
 * What a command said on standard error besides its progress lines: export, import, backup and
 * populate print `exporting: copying the org's files · 12 of 40` once their work has taken two seconds
 * (cli/slow-work-line.ts), which a busy machine makes of any of them. A test that expects no warning
 * reads this, not the whole of stderr.
 */
export function besidesProgress(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !/^(exporting|importing|backing up|populating): .* · [\d,]+( of [\d,]+)?$/.test(line))
    .join('\n')
    .trim();
}
