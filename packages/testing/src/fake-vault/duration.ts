/** Vault-style durations: parsing request values and formatting like Go (internal). */
import { VaultError } from './errors.js';

const UNIT_SECONDS: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Parses a duration the way Vault's `parseutil.ParseDurationSecond` does: a number of seconds
 * (number or numeric string) or a Go duration (`72h`, `1h30m`, `90s`, `7d`). Empty → undefined.
 */
export function parseDuration(value: unknown, field = 'ttl'): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.floor(value);
  if (typeof value !== 'string') throw VaultError.badRequest(`error converting input ${String(value)} for field "${field}"`);
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw VaultError.badRequest(`error converting input ${text} for field "${field}": time: invalid duration "${text}"`);
  }
  return Math.floor(parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_SECONDS[p[2] ?? 's'] ?? 1), 0));
}

/** Formats whole seconds like Go's `time.Duration.String()`: `72h0m0s`, `30m0s`, `45s`. */
export function formatGoDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** Formats a time like Go's `time.RFC3339Nano` in UTC (trailing zeros of the fraction dropped). */
export function formatRfc3339Nano(date: Date): string {
  return date.toISOString().replace(/\.(\d*?)0*Z$/, (_, frac: string) => (frac ? `.${frac}Z` : 'Z'));
}

/** Formats a time like Go's `time.RFC3339` in UTC (whole seconds). */
export function formatRfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}
