/** Benchmark results as rows of a table, rendered as aligned text and as Markdown. */
import { type Summary, summarize } from '../stats.js';

export type Unit = 'ms' | 's' | 'MB' | '×' | 'count';

/** A target and whether this run met it. */
export interface Verdict {
  readonly text: string;
  readonly pass: boolean;
}

/** One line of the table: a metric of a row with its samples (one sample for ratios and counts). */
export interface Measurement {
  readonly row: string;
  readonly metric: string;
  readonly unit: Unit;
  readonly samples: readonly number[];
  readonly verdict?: Verdict;
  readonly note?: string;
  readonly error?: string;
}

/** Builds a measurement; `judge` turns the summary into a verdict (omit it for context-only lines). */
export function measure(
  row: string,
  metric: string,
  unit: Unit,
  samples: readonly number[],
  judge?: (s: Summary) => Verdict,
  note?: string,
): Measurement {
  const base = { row, metric, unit, samples, ...(note ? { note } : {}) };
  return samples.length > 0 && judge ? { ...base, verdict: judge(summarize(samples)) } : base;
}

/** A row that could not be measured: shown as ERROR with the reason. */
export function failed(row: string, err: unknown): Measurement {
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return { row, metric: 'ERROR', unit: 'count', samples: [], error: message?.slice(0, 300) ?? 'unknown error' };
}

function format(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '—' : '∞';
  if (unit === 'count') return String(Math.round(value));
  if (unit === '×') return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)}×`;
  if (unit === 'MB') return `${value.toFixed(1)} MB`;
  if (unit === 's') return `${value.toFixed(2)} s`;
  return `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ms`;
}

const HEAD = ['Row', 'Metric', 'n', 'median', 'p99', 'max', 'Target', 'Result'] as const;

function cells(m: Measurement): string[] {
  const s = summarize(m.samples);
  const single = s.n === 1;
  const result = m.error ? 'ERROR' : m.verdict ? (m.verdict.pass ? 'PASS' : 'MISS') : '—';
  return [
    m.row,
    m.metric,
    String(s.n),
    format(s.median, m.unit),
    single ? '' : format(s.p99, m.unit),
    single ? '' : format(s.max, m.unit),
    m.verdict?.text ?? '',
    result,
  ];
}

function notes(results: readonly Measurement[]): string[] {
  return results.flatMap((m) => {
    if (m.error) return [`${m.row}: ERROR ${m.error}`];
    return m.note ? [`${m.row} / ${m.metric}: ${m.note}`] : [];
  });
}

/** The table as aligned plain text, followed by the notes. */
export function renderText(results: readonly Measurement[]): string {
  const rows = [HEAD.slice(), ...results.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const body = [line(rows[0] ?? []), rule, ...rows.slice(1).map(line)];
  const n = notes(results);
  return [...body, ...(n.length > 0 ? ['', 'Notes:', ...n.map((t) => `- ${t}`)] : [])].join('\n');
}

const escapeCell = (text: string) => text.replace(/\|/g, '\\|');

/** The table in Markdown (columns padded as Biome formats them), followed by the notes as a list. */
export function renderMarkdown(results: readonly Measurement[]): string {
  const rows = [HEAD.slice(), ...results.map((m) => cells(m).map(escapeCell))];
  const widths = HEAD.map((_, i) => Math.max(3, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const rule = line(widths.map((w) => '-'.repeat(w)));
  const [head = [], ...body] = rows;
  const n = notes(results);
  return [
    line(head),
    rule,
    ...body.map(line),
    ...(n.length > 0 ? ['', '### Notes', '', ...n.map((t) => `- ${t}`)] : []),
  ].join('\n');
}
