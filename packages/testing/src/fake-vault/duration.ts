/** Vault's durations: request values as `parseutil.ParseDurationSecond` reads them, and Go's formats (internal). */
import { parseDuration as parseGoDuration } from '@kubeception/sdk';
import { VaultError } from './errors.js';

/**
 * Parses a duration the way Vault's `parseutil.ParseDurationSecond` does, into whole seconds: a
 * number or an integer string is seconds, `<n>d` is days, anything else a Go duration (`72h`,
 * `1h30m`, `90s`, `1.5h`). Empty → undefined; anything else is a 400 naming `field`.
 */
export function parseVaultDuration(value: unknown, field = 'ttl'): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.floor(value);
  if (typeof value !== 'string') throw VaultError.badRequest(`error converting input ${String(value)} for field "${field}"`);
  if (/^\d+$/.test(value)) return Number(value);
  if (/^\d+d$/.test(value)) return Number(value.slice(0, -1)) * 86_400;
  const ms = parseGoDuration(value);
  if (ms === undefined) throw VaultError.badRequest(`error converting input ${value} for field "${field}": time: invalid duration "${value}"`);
  return Math.floor(ms / 1000);
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
