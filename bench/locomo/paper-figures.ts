/**
 * The paper's own retrieval figures on LoCoMo: Maharana et al., "Evaluating Very Long-Term
 * Conversational Memory of LLM Agents", ACL 2024, Table 3 ("Question answering performance of
 * RAG-based GPT-3.5-turbo-16k … recall@k for recall accuracy"), the rows whose retrieval unit is a
 * dialogue turn ("Dialog"): the unit lemming's bench retrieves too (a turn of dialogue a memory).
 * Their retriever is DRAGON, a dense one (the repository's scripts/evaluate_rag.sh); their recall of a
 * question is the share of its evidence turns among the top k retrieved (task_eval/evaluation.py),
 * as lemming's evidence-recall.ts counts it. Copied as printed in the table on the paper's project
 * page (snap-research.github.io/locomo; `static/images/tables.svg` in github.com/snap-research/locomo,
 * commit e76cdff), which the bench does not measure: they are beside lemming's figures, not results.
 */

/** The paper's column names, which are the names later evaluations give the data's category numbers. */
export const PAPER_CATEGORIES = ['single-hop', 'multi-hop', 'temporal', 'open-domain', 'adversarial', 'all'] as const;

/**
 * Recall accuracy R@k, percent, of the "Dialog" rows, by k and column ("all" is the table's Overall).
 * Multi-hop at k = 10 is printed as 247.4, which no share can be; it is left out (the rows around it,
 * 34.4 at 5 and 64.1 at 25, suggest 47.4).
 */
export const PAPER_DIALOG_RECALL: Readonly<Record<5 | 10 | 25 | 50, Readonly<Record<(typeof PAPER_CATEGORIES)[number], number | undefined>>>> = {
  5: { 'single-hop': 66.2, 'multi-hop': 34.4, temporal: 89.2, 'open-domain': 38.5, adversarial: 45.7, all: 58.8 },
  10: { 'single-hop': 72.8, 'multi-hop': undefined, temporal: 97.3, 'open-domain': 53.8, adversarial: 54.3, all: 67.5 },
  25: { 'single-hop': 87.5, 'multi-hop': 64.1, temporal: 97.3, 'open-domain': 67.9, adversarial: 69.1, all: 79.9 },
  50: { 'single-hop': 90.4, 'multi-hop': 75.5, temporal: 97.3, 'open-domain': 67.9, adversarial: 77.7, all: 84.8 },
};
