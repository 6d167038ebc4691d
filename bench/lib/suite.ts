// What every benchmark returns, and how the suite prints and saves it. A benchmark prints
// figures next to their goals; it never fails on a number.
import { cpus, totalmem } from 'node:os';

/** A goal a figure is held to: at most (`<=`) or at least (`>=`) a value. */
export interface Goal {
  readonly op: '<=' | '>=';
  readonly value: number;
}

/** One measured figure. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly goal?: Goal;
  /** What the figure is, where the name does not say it. */
  readonly note?: string;
}

/** What one benchmark measured. */
export interface BenchResult {
  readonly figures: readonly Figure[];
  /** Raw samples and settings, kept in the JSON file only. */
  readonly details?: Record<string, unknown>;
}

/** A benchmark of the suite. */
export interface Benchmark {
  /** Short name for `npm run bench -- <name>`. */
  readonly name: string;
  readonly title: string;
  run(log: (line: string) => void): Promise<BenchResult>;
}

/** Whether a figure meets its goal; undefined when it has none. */
export function meets(f: Figure): boolean | undefined {
  if (!f.goal || !Number.isFinite(f.value)) return f.goal ? false : undefined;
  return f.goal.op === '<=' ? f.value <= f.goal.value : f.value >= f.goal.value;
}

/** The machine the figures were taken on. */
export function machine() {
  const c = cpus();
  return {
    cores: c.length,
    cpu: c[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Median of a list of numbers. */
export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** The q-quantile (nearest rank) of a list of numbers. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** Rounds for display and JSON: 3 significant digits, at most 2 decimals. */
export function round(x: number): number {
  if (!Number.isFinite(x)) return x;
  const digits = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2;
  return Number(x.toFixed(digits));
}

const show = (x: number) => (Number.isFinite(x) ? round(x).toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(x));

/** One row per figure: benchmark, figure, value, goal, whether it is met. */
export function tableRows(results: readonly { readonly title: string; readonly result: BenchResult }[]): string[][] {
  const rows: string[][] = [];
  for (const { title, result } of results) {
    for (const f of result.figures) {
      const ok = meets(f);
      rows.push([title, f.name, `${show(f.value)} ${f.unit}`.trim(), f.goal ? `${f.goal.op} ${show(f.goal.value)} ${f.unit}`.trim() : '', ok === undefined ? '' : ok ? 'yes' : 'NO']);
    }
  }
  return rows;
}

const HEADER = ['benchmark', 'figure', 'value', 'goal', 'met'];

/** A plain-text table for the terminal. */
export function textTable(rows: readonly string[][]): string {
  const all = [HEADER, ...rows];
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The same table in Markdown, for the README. */
export function markdownTable(rows: readonly string[][]): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [`| ${HEADER.join(' | ')} |`, `| ${HEADER.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}
