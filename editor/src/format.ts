const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A timestamp in the reader's locale, or a dash when there is none (or it is not a date). */
export function formatDateTime(iso: string | null | undefined, format: Intl.DateTimeFormat = dateTime): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : format.format(date);
}

/** How long something took, as `850 ms`, `12.4 s`, `3 min 5 s` or `2 h 10 min`; null when unknown. */
export function formatDuration(startIso: string | null | undefined, endIso: string | null | undefined): string | null {
  if (!startIso || !endIso) return null;
  const ms = Date.parse(endIso) - Date.parse(startIso);
  if (!Number.isFinite(ms) || ms < 0) return null;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)} min ${totalSeconds % 60} s`;
  const totalMinutes = Math.round(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)} h ${totalMinutes % 60} min`;
}

/** A value as indented JSON for a `<pre>`; values JSON cannot hold are shown as text. */
export function formatJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

const cents = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * A cost in US dollars with enough digits to tell small sums apart: three significant digits
 * below a dollar (`$0.000029`, `$0.0123`, `$0.50`), cents from a dollar up (`$1,212.35`), `$0` for nothing.
 */
export function formatCost(usd: number): string {
  if (!Number.isFinite(usd)) return '—';
  if (usd === 0) return '$0';
  const sign = usd < 0 ? '-' : '';
  const abs = Number(Math.abs(usd).toPrecision(3));
  if (abs >= 1) return `${sign}$${cents.format(Math.abs(usd))}`;
  const decimals = Math.max(2, 2 - Math.floor(Math.log10(abs)));
  // Trailing zeros say nothing, but cents keep two digits: $0.5 reads as $0.50.
  const text = abs.toFixed(decimals).replace(/0+$/, '').replace(/\.(\d)$/, '.$10');
  return `${sign}$${text}`;
}

const counts = new Intl.NumberFormat('en-US');

/** A count of things with thousands separated: `12,840 tokens`; the unit in the singular for one. */
export function formatCount(n: number, unit: string): string {
  return `${counts.format(n)} ${unit}${n === 1 ? '' : 's'}`;
}
