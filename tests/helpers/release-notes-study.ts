/** The task every release-notes study sends: the human asks the manager for release notes (YAML, `messages:`). */
export const RELEASE_NOTES_TASK = `messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes for version 2 written and checked.
`;

/**
 * The release-notes study of docs/validation.md (four seeded repeats of the default org, two checks), as the
 * researcher's tests write it to `study.yaml`; `more` is YAML added at its end (a `blame:` block).
 */
export function releaseNotesStudy(more = ''): string {
  return `name: study
turns: 20
repeats: 4
seed: 7
variability: 0.5
${RELEASE_NOTES_TASK}checks:
  - name: answered
    run: test -s "$SHARED/answer.md"
  - name: tested
    run: grep -q "test(s) pass" "$SHARED/answer.md"
variants:
  - name: baseline
${more}`;
}
