import type { DirectedNetwork } from './directed-network.js';

/**
 * The department mixing matrix: the share of a network's directed edges that run from department i
 * to department j (the whole matrix sums to 1; its diagonal is the share inside departments). Two
 * networks' matrices are compared by the total variation distance: half the sum of the cells'
 * absolute differences, 0 when edges fall between departments in the same shares, 1 when no cell
 * the one fills is filled by the other. Departments are matched by label, so the distance means
 * something only when the run's departments are the real ones (an org made by `import-network`).
 * Pure.
 */
export interface MixingMatrix {
  /** The departments, in label order (numbers by value); the rows and columns of `shares`. */
  departments: string[];
  /** shares[i][j]: the share of all edges from a person of departments[i] to one of departments[j]. */
  shares: number[][];
}

/** Labels in a stable order: by number when both are numbers, else as text. */
export function byLabel(left: string, right: string): number {
  const a = Number(left);
  const b = Number(right);
  if (Number.isFinite(a) && Number.isFinite(b) && left.trim() !== '' && right.trim() !== '') return a - b;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The sparse cells of a network's matrix, `from\tto` to its share; undefined without departments. */
export function mixingCells(network: DirectedNetwork): Map<string, number> | undefined {
  const departments = network.departments;
  if (departments === undefined) return undefined;
  // Counted by department numbers first: a text key an edge is most of the time at 150,000 edges and 60 null draws.
  const labels: string[] = [];
  const number = new Map<string, number>();
  const numberOf = (person: string): number => {
    const label = departments.get(person) ?? '';
    let at = number.get(label);
    if (at === undefined) {
      at = labels.length;
      number.set(label, at);
      labels.push(label);
    }
    return at;
  };
  const counts = new Map<number, number>();
  const width = 2 ** 21;
  for (const [from, to] of network.edges) {
    const key = numberOf(from) * width + numberOf(to);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const total = network.edges.length;
  const cells = new Map<string, number>();
  for (const [key, count] of counts) cells.set(`${labels[Math.floor(key / width)] ?? ''}\t${labels[key % width] ?? ''}`, count / total);
  return cells;
}

/** The total variation distance between two networks' mixing (0 the same shares, 1 disjoint). */
export function mixingDistance(first: ReadonlyMap<string, number>, second: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const [key, share] of first) sum += Math.abs(share - (second.get(key) ?? 0));
  for (const [key, share] of second) if (!first.has(key)) sum += share;
  return sum / 2;
}

/** The full matrix of a network's mixing, over `labels` (or the departments its people have). */
export function mixingMatrix(network: DirectedNetwork, labels?: readonly string[]): MixingMatrix | undefined {
  const cells = mixingCells(network);
  if (cells === undefined || network.departments === undefined) return undefined;
  const departments = [...new Set(labels ?? network.departments.values())].sort(byLabel);
  const position = new Map(departments.map((department, index) => [department, index]));
  const shares = departments.map(() => departments.map(() => 0));
  for (const [key, share] of cells) {
    const [from, to] = key.split('\t') as [string, string];
    const row = position.get(from);
    const column = position.get(to);
    if (row !== undefined && column !== undefined) (shares[row] as number[])[column] = share;
  }
  return { departments, shares };
}

/** The mean of several matrices over the same departments, cell by cell (the runs' mean matrix). */
export function meanMatrix(matrices: readonly MixingMatrix[], departments: readonly string[]): MixingMatrix {
  const shares = departments.map((_, row) => departments.map((__, column) => (matrices.length === 0 ? 0 : matrices.reduce((sum, matrix) => sum + (matrix.shares[row]?.[column] ?? 0), 0) / matrices.length)));
  return { departments: [...departments], shares };
}
