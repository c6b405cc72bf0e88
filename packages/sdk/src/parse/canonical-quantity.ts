/**
 * kube-apiserver's canonical form of resource quantities: what a built-in object's `20480Mi`
 * comes back as (`20Gi`), so that a controller can render what the server stores and compare
 * what it renders with what it reads. Reimplemented from `k8s.io/apimachinery/pkg/api/resource`
 * (`ParseQuantity`, `CanonicalizeBytes`, `AsCanonicalBytes`, `AsCanonicalBase1024Bytes`).
 *
 * ## Rules
 * - A quantity keeps its format: binary SI (`Ki` … `Ei`), decimal SI (`n`, `u`, `m`, none, `k`,
 *   `M`, `G`, `T`, `P`, `E`) or decimal exponent (`e3`, `E-3`).
 * - Values are exact decimals (never floating point). A non-zero value finer than a nano rounds up,
 *   away from zero, to a whole nano (`0.1n` → `1n`); binary values are capped at 2^63-1.
 * - Decimal formats print the smallest integer mantissa with an exponent that is a multiple of 3,
 *   the exponent as suffix: `1000` → `1k`, `0.5` → `500m`, `1.5e3` → `1500`, `1e3` stays `1e3`.
 * - Binary values print in powers of 1024 (`1024Mi` → `1Gi`, `1.5Gi` → `1536Mi`) when they are a
 *   whole number and at least 1024 in magnitude; otherwise in decimal SI (`0.5Ki` → `512`,
 *   `0.1Gi` → `107374182400m`).
 * - Zero is `0`, whatever its suffix or sign.
 * - When the parser judges the text canonical already (a decimal with an exponent that is a multiple
 *   of 3 and no trailing `000`, or a binary mantissa not divisible by 8), the server keeps the text
 *   exactly as written, sign and leading zeros included: `+1k`, `1.441` and `01Ki` stay as they are.
 *
 * ## Caveats
 * - Text is taken as `ParseQuantity` takes it: no surrounding whitespace (JSON decoding trims it
 *   first), and Go's leniencies hold: `.` and `Ki` are zero, `1.Gi` is one gibibyte.
 * - Beyond the largest suffix (10^21 and up in decimal SI) the exponent form is used (`1e21`), as in
 *   current apimachinery; releases before that fix dropped the exponent.
 * - Exponents beyond ±(2^31-1) are refused with {@link QuantityError.Suffix}, as in current
 *   apimachinery (older releases truncated them to 32 bits).
 */

/** Why kube-apiserver refuses a quantity: its error messages (`resource.ErrFormatWrong`, `ErrSuffix`, `ErrNumeric`). */
export const QuantityError = {
  /** The text is not a number followed by suffix letters (`lots`, `1.2.3`, `4 Gi`, `4GB`). */
  FormatWrong: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  /** The suffix is unknown (`1ki`, `4MM`, `1e`). */
  Suffix: "unable to parse quantity's suffix",
  /** No digits where the exact parser needs some (`.e-10`). */
  Numeric: 'unable to parse numeric part of quantity',
} as const;
export type QuantityError = (typeof QuantityError)[keyof typeof QuantityError];

/** Options of {@link canonicalQuantity}. */
export interface CanonicalQuantityOptions {
  /**
   * The quantity is a value of a `ResourceList` (container requests and limits, pod overhead, PVC
   * requests and capacity, node capacity): kube-apiserver's defaulting first rounds it up, away from
   * zero, to a whole milli-unit (`1.0001` → `1001m`). Lone quantities such as `emptyDir.sizeLimit`
   * or a `resourceFieldRef.divisor` are not rounded.
   * @default false
   */
  readonly resourceList?: boolean;
}

type Format = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

/** A parsed quantity: exactly `unscaled × 10^exponent`, its format, and its text when the server keeps it as written. */
interface Parsed {
  readonly unscaled: bigint;
  readonly exponent: number;
  readonly format: Format;
  readonly asWritten?: string;
}

/** The parts of a quantity's text, as Go's `parseQuantityString` splits it. */
interface Scanned {
  readonly positive: boolean;
  /** Sign, digits and fraction as written (leading zeros included). */
  readonly value: string;
  /** The integer digits without leading zeros (`0` when none are left). */
  readonly num: string;
  readonly denom: string;
  readonly suffix: string;
}

interface Suffix {
  readonly base: 2 | 10;
  readonly exponent: number;
  readonly format: Format;
}

const DECIMAL_EXPONENT: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXPONENT: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_SUFFIX = new Map(Object.entries(DECIMAL_EXPONENT).map(([suffix, exponent]) => [exponent, suffix]));
const BINARY_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;
const SUFFIX_LETTERS = 'eEinumkKMGTP';
const MAX_INT64 = 2n ** 63n - 1n;
const MAX_INT32 = 2 ** 31 - 1;
const NANO = -9;
const MILLI = -3;

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** Splits the text like `parseQuantityString`; `undefined` for {@link QuantityError.FormatWrong}. */
function scan(text: string): Scanned | undefined {
  const end = text.length;
  const positive = text[0] !== '-';
  let pos = text[0] === '-' || text[0] === '+' ? 1 : 0;
  while (pos < end && text[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  let i = pos;
  while (isDigit(text[i])) i++;
  if (i >= end) return { positive, value: text, num: text.slice(pos), denom: '', suffix: '' };
  const num = text.slice(pos, i) || '0';
  let denom = '';
  if (text[i] === '.') {
    pos = i + 1;
    i = pos;
    while (isDigit(text[i])) i++;
    denom = text.slice(pos, i);
    if (i >= end) return { positive, value: text, num, denom, suffix: '' };
  }
  const value = text.slice(0, i);
  const suffixStart = i;
  while (i < end && SUFFIX_LETTERS.includes(text[i] as string)) i++;
  if (text[i] === '+' || text[i] === '-') i++;
  while (isDigit(text[i])) i++;
  return i >= end ? { positive, value, num, denom, suffix: text.slice(suffixStart) } : undefined;
}

function interpret(suffix: string): Suffix | undefined {
  const decimal = DECIMAL_EXPONENT[suffix];
  if (decimal !== undefined) return { base: 10, exponent: decimal, format: 'DecimalSI' };
  const binary = BINARY_EXPONENT[suffix];
  if (binary !== undefined) return { base: 2, exponent: binary, format: 'BinarySI' };
  if (!/^[eE][+-]?[0-9]+$/.test(suffix)) return undefined;
  const exponent = Number(suffix.slice(1));
  return Math.abs(exponent) > MAX_INT32 ? undefined : { base: 10, exponent: exponent + 0, format: 'DecimalExponent' };
}

/** `ceil(m / 10^places)` for a non-negative `m` and positive `places`, without computing huge powers. */
function shiftRoundingUp(m: bigint, places: number): bigint {
  if (m === 0n) return 0n;
  if (m.toString().length <= places) return 1n;
  const divisor = 10n ** BigInt(places);
  return m / divisor + (m % divisor === 0n ? 0n : 1n);
}

/** The value rounded up, away from zero, to a multiple of `10^exponent` when it is finer. */
function roundUpTo(q: Parsed, exponent: number): Parsed {
  if (q.exponent >= exponent) return q;
  const magnitude = shiftRoundingUp(q.unscaled < 0n ? -q.unscaled : q.unscaled, exponent - q.exponent);
  return { unscaled: q.unscaled < 0n ? -magnitude : magnitude, exponent, format: q.format };
}

/** `m × 10^exponent` compared with `bound` (non-negative `m`). */
function exceeds(m: bigint, exponent: number, bound: bigint): boolean {
  if (m === 0n) return false;
  if (exponent >= 0) return exponent > 19 ? m > 0n : m * 10n ** BigInt(exponent) > bound;
  return m > bound * 10n ** BigInt(-exponent);
}

/** Go's int64 fast path: short mantissas at nano precision or coarser, as written when already canonical. */
function fastPath(text: string, s: Scanned, suffix: Suffix): Parsed | undefined {
  if (suffix.base === 2 && s.denom !== '') return undefined;
  const precision = suffix.base === 10 ? 18 - (s.num.length + s.denom.length) : 15 - s.num.length - Math.floor((suffix.exponent * 3) / 10) - 1;
  const scale = (suffix.base === 10 ? suffix.exponent : 0) - s.denom.length;
  if (precision < 0 || scale < NANO) return undefined;
  const shifted = s.num + s.denom;
  const value = BigInt(shifted);
  const magnitude = suffix.base === 2 ? value << BigInt(suffix.exponent) : value;
  if (magnitude > MAX_INT64) return undefined;
  const canonical = suffix.base === 2 ? (value & 7n) !== 0n : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
  return { unscaled: s.positive ? magnitude : -magnitude, exponent: scale, format: suffix.format, ...(canonical ? { asWritten: text } : {}) };
}

/** Go's arbitrary-precision path: rounded up to a whole nano, binary values capped at 2^63-1. */
function slowPath(s: Scanned, suffix: Suffix): Parsed | QuantityError {
  const parts = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(s.value);
  const digits = `${parts?.[2] ?? ''}${parts?.[3] ?? ''}`;
  if (parts === null || digits === '') return QuantityError.Numeric;
  let magnitude = BigInt(digits);
  let exponent = -(parts[3]?.length ?? 0);
  if (suffix.base === 10) exponent += suffix.exponent;
  else magnitude <<= BigInt(suffix.exponent);
  let q: Parsed = { unscaled: magnitude, exponent, format: suffix.format };
  if (magnitude !== 0n) q = roundUpTo(q, NANO);
  if (q.format === 'BinarySI' && exceeds(q.unscaled, q.exponent, MAX_INT64)) q = { unscaled: MAX_INT64, exponent: 0, format: q.format };
  if (q.format === 'BinarySI' && q.unscaled !== 0n && q.exponent < 0 && q.unscaled < 10n ** BigInt(-q.exponent)) q = { ...q, format: 'DecimalSI' };
  return parts[1] === '-' ? { ...q, unscaled: -q.unscaled } : q;
}

/** `ParseQuantity`: the exact value and format of a quantity, or why it is refused. */
function parse(text: string): Parsed | QuantityError {
  if (text === '') return QuantityError.FormatWrong;
  if (text === '0') return { unscaled: 0n, exponent: 0, format: 'DecimalSI', asWritten: '0' };
  const scanned = scan(text);
  if (scanned === undefined) return QuantityError.FormatWrong;
  const suffix = interpret(scanned.suffix);
  if (suffix === undefined) return QuantityError.Suffix;
  return fastPath(text, scanned, suffix) ?? slowPath(scanned, suffix);
}

/** The value without trailing decimal zeros in its mantissa: one representation per value. */
function reduced(q: Parsed): { unscaled: bigint; exponent: number } {
  if (q.unscaled === 0n) return { unscaled: 0n, exponent: 0 };
  let { unscaled, exponent } = q;
  while (unscaled % 10n === 0n) {
    unscaled /= 10n;
    exponent++;
  }
  return { unscaled, exponent };
}

/** `AsCanonicalBytes` and the suffix of a decimal format: the exponent floored to a multiple of 3. */
function formatDecimal(q: Parsed, format: Format): string {
  let { unscaled, exponent } = reduced(q);
  while (exponent % 3 !== 0) {
    unscaled *= 10n;
    exponent--;
  }
  const suffix = format === 'DecimalSI' ? (DECIMAL_SUFFIX.get(exponent) ?? `e${exponent}`) : exponent === 0 ? '' : `e${exponent}`;
  return `${unscaled}${suffix}`;
}

/** `CanonicalizeBytes`: the text kube-apiserver serialises a parsed quantity as. */
function format(q: Parsed): string {
  if (q.asWritten !== undefined) return q.asWritten;
  if (q.unscaled === 0n) return '0';
  if (q.format !== 'BinarySI') return formatDecimal(q, q.format);
  const divisor = 10n ** BigInt(Math.max(0, -q.exponent));
  const whole = q.unscaled % divisor === 0n ? (q.unscaled / divisor) * 10n ** BigInt(Math.max(0, q.exponent)) : undefined;
  if (whole === undefined || (whole < 1024n && whole > -1024n)) return formatDecimal(q, 'DecimalSI');
  let mantissa = whole;
  let power = 0;
  while (mantissa % 1024n === 0n) {
    mantissa /= 1024n;
    power++;
  }
  return `${mantissa}${BINARY_SUFFIX[power] ?? ''}`;
}

/**
 * The text kube-apiserver stores and returns for a quantity of a built-in object (see the
 * module's rules); `undefined` when it refuses the quantity (see {@link quantityError}).
 *
 * @example
 * ```ts
 * canonicalQuantity('20480Mi'); // '20Gi'
 * canonicalQuantity('0.5'); // '500m'
 * canonicalQuantity('1.0001', { resourceList: true }); // '1001m'
 * ```
 */
export function canonicalQuantity(text: string, options: CanonicalQuantityOptions = {}): string | undefined {
  const parsed = parse(text);
  if (typeof parsed === 'string') return undefined;
  return format(options.resourceList === true ? roundUpTo(parsed, MILLI) : parsed);
}

/** Why kube-apiserver refuses a quantity, or `undefined` when it accepts it. */
export function quantityError(text: string): QuantityError | undefined {
  const parsed = parse(text);
  return typeof parsed === 'string' ? parsed : undefined;
}

/**
 * Whether two quantities are the same amount, as `Quantity.Cmp` compares them after parsing
 * (`1Gi` and `1024Mi`, `0.5` and `500m`); `false` when either is refused.
 */
export function quantitiesEqual(a: string, b: string): boolean {
  const x = parse(a);
  const y = parse(b);
  if (typeof x === 'string' || typeof y === 'string') return false;
  const [p, q] = [reduced(x), reduced(y)];
  return p.unscaled === q.unscaled && p.exponent === q.exponent;
}
