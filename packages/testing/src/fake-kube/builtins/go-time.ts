/**
 * `metav1.Time` and `metav1.MicroTime` as kube-apiserver decodes them (internal): Go's
 * `time.Parse` with the `RFC3339` (`2006-01-02T15:04:05Z07:00`, any fraction allowed after the
 * seconds) or `RFC3339Micro` (`2006-01-02T15:04:05.000000Z07:00`, exactly six digits) layout, with
 * Go's error messages, and the value the server then stores (UTC; seconds, or microseconds).
 */

/** `time.RFC3339`, the layout of `metav1.Time`. */
export const TIME_LAYOUT = '2006-01-02T15:04:05Z07:00';
/** `metav1.RFC3339Micro`, the layout of `metav1.MicroTime`. */
export const MICRO_TIME_LAYOUT = '2006-01-02T15:04:05.000000Z07:00';

/** A parse that failed: Go's `*time.ParseError` text. */
export class GoTimeError extends Error {}

/** `time.quote`: ASCII as is (with `"` and `\` escaped), other bytes as `\xNN`. */
function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x20 || c >= 0x80) for (const b of Buffer.from(ch, 'utf8')) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
  }
  return `${out}"`;
}

/** One element of a layout: a literal, or a number of fixed width with its range. */
type Chunk =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'num'; readonly text: string; readonly field: Field; readonly fixed: boolean }
  | { readonly kind: 'frac'; readonly text: string }
  | { readonly kind: 'zone'; readonly text: string };
type Field = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second';

const lit = (text: string): Chunk => ({ kind: 'literal', text });
const num = (text: string, field: Field, fixed = true): Chunk => ({ kind: 'num', text, field, fixed });
const DATE: Chunk[] = [num('2006', 'year'), lit('-'), num('01', 'month'), lit('-'), num('02', 'day'), lit('T')];
const CLOCK: Chunk[] = [num('15', 'hour', false), lit(':'), num('04', 'minute'), lit(':'), num('05', 'second')];
const CHUNKS: Record<string, Chunk[]> = {
  [TIME_LAYOUT]: [...DATE, ...CLOCK, { kind: 'zone', text: 'Z07:00' }],
  [MICRO_TIME_LAYOUT]: [...DATE, ...CLOCK, { kind: 'frac', text: '.000000' }, { kind: 'zone', text: 'Z07:00' }],
};
const RANGES: Record<Field, [number, number]> = { year: [0, 9999], month: [1, 12], day: [1, 31], hour: [0, 23], minute: [0, 59], second: [0, 59] };

const isDigit = (s: string, i: number): boolean => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

interface Parsed {
  values: Record<Field, number>;
  nanos: number;
  offsetMinutes: number;
}

/** Reads one number chunk from `value`; returns the rest, or undefined when it does not parse. */
function readNumber(value: string, chunk: Extract<Chunk, { kind: 'num' }>): [number, string] | undefined {
  if (chunk.field === 'year') return value.length >= 4 && /^\d{4}/.test(value) ? [Number(value.slice(0, 4)), value.slice(4)] : undefined;
  if (!isDigit(value, 0)) return undefined;
  if (!isDigit(value, 1)) return chunk.fixed ? undefined : [Number(value[0]), value.slice(1)];
  return [Number(value.slice(0, 2)), value.slice(2)];
}

/** A fraction after the seconds when the layout has none (`RFC3339`): any number of digits. */
function looseFraction(value: string, p: Parsed): string {
  if (value.length < 2 || (value[0] !== '.' && value[0] !== ',') || !isDigit(value, 1)) return value;
  let n = 2;
  while (isDigit(value, n)) n++;
  p.nanos = Number(value.slice(1, Math.min(n, 10)).padEnd(9, '0'));
  return value.slice(n);
}

function readZone(value: string, p: Parsed): string | undefined {
  if (value.startsWith('Z')) return value.slice(1);
  if (value.length < 6 || value[3] !== ':' || (value[0] !== '+' && value[0] !== '-')) return undefined;
  if (!/^\d\d$/.test(value.slice(1, 3)) || !/^\d\d$/.test(value.slice(4, 6))) return undefined;
  p.offsetMinutes = (value[0] === '-' ? -1 : 1) * (Number(value.slice(1, 3)) * 60 + Number(value.slice(4, 6)));
  return value.slice(6);
}

/** Parses `value` with one chunk; returns the rest, or throws Go's error. */
function step(value: string, chunk: Chunk, p: Parsed, fail: (elem: string, layoutElem: string, extra?: string) => never, layoutFrac: boolean): string {
  switch (chunk.kind) {
    case 'literal':
      return value.startsWith(chunk.text) ? value.slice(chunk.text.length) : fail(value, chunk.text);
    case 'num': {
      const read = readNumber(value, chunk);
      if (!read) return fail(value, chunk.text);
      const [n, rest] = read;
      const [min, max] = RANGES[chunk.field];
      if (chunk.field !== 'day' && (n < min || n > max)) fail(rest, chunk.text, `: ${chunk.field} out of range`);
      p.values[chunk.field] = n;
      return chunk.field === 'second' && !layoutFrac ? looseFraction(rest, p) : rest;
    }
    case 'frac':
      if (value.length < 7 || value[0] !== '.' || !/^\d{6}$/.test(value.slice(1, 7))) return fail(value, chunk.text);
      p.nanos = Number(value.slice(1, 7)) * 1000;
      return value.slice(7);
    case 'zone':
      return readZone(value, p) ?? fail(value, chunk.text);
  }
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (month: number, year: number): number => (month === 2 && isLeap(year) ? 29 : (DAYS[month - 1] ?? 31));
const two = (n: number): string => String(n).padStart(2, '0');

/** A UTC time to the second as the server stores it (most times a client sends back): Go parses it to itself. */
const STORED_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** Whether `value` is a valid time in the stored form (a day or hour that rolls over is not: the full parse words the error). */
function isStoredTime(value: string): boolean {
  if (!STORED_TIME.test(value)) return false;
  const t = Date.parse(value);
  return !Number.isNaN(t) && new Date(t).toISOString() === `${value.slice(0, 19)}.000Z`;
}

/**
 * Parses `value` like Go's `time.Parse(layout, value)` and formats it back in UTC as the server
 * stores it; throws a {@link GoTimeError} worded like Go's.
 */
export function parseGoTime(layout: typeof TIME_LAYOUT | typeof MICRO_TIME_LAYOUT, value: string): string {
  if (layout === TIME_LAYOUT && isStoredTime(value)) return value;
  const head = `parsing time ${quote(value)}`;
  const fail = (elem: string, layoutElem: string, extra?: string): never => {
    throw new GoTimeError(extra === undefined ? `${head} as ${quote(layout)}: cannot parse ${quote(elem)} as ${quote(layoutElem)}` : `${head}${extra}`);
  };
  const p: Parsed = { values: { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 }, nanos: 0, offsetMinutes: 0 };
  const chunks = CHUNKS[layout] as Chunk[];
  let rest = value;
  for (const chunk of chunks) rest = step(rest, chunk, p, fail, layout === MICRO_TIME_LAYOUT);
  if (rest !== '') fail('', '', `: extra text: ${quote(rest)}`);
  const { year, month, day, hour, minute, second } = p.values;
  if (day < 1 || day > daysIn(month, year)) fail('', '', ': day out of range');
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - p.offsetMinutes, second, 0);
  const ymd = `${String(date.getUTCFullYear()).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}`;
  const iso = `${ymd}T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  return layout === MICRO_TIME_LAYOUT ? `${iso}.${String(Math.floor(p.nanos / 1000)).padStart(6, '0')}Z` : `${iso}Z`;
}
