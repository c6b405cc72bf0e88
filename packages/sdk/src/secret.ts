/**
 * `SecretValue`: a string that refuses to be printed. `JSON.stringify`, template strings,
 * `console.log` and pino all see `[redacted]`; only `reveal()` returns the value. Private keys
 * travel in it from the PKI backend to the Kubernetes Secret and nowhere else.
 */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A string that prints as `[redacted]` (`JSON.stringify`, template strings, `console.log`, pino); only
 * {@link SecretValue.reveal} returns it.
 */
export class SecretValue {
  readonly #value: string;

  /** Wraps `value`. */
  constructor(value: string) {
    this.#value = value;
  }

  /** The value itself: only for writing it where secrets belong (a Kubernetes Secret). */
  reveal(): string {
    return this.#value;
  }

  /** `[redacted]`, so serializing never leaks the value. */
  toJSON(): string {
    return '[redacted]';
  }

  /** `[redacted]`, so string conversion never leaks the value. */
  toString(): string {
    return '[redacted]';
  }

  /** What `util.inspect` (and `console.log`) print: `SecretValue([redacted])`. */
  [INSPECT](): string {
    return 'SecretValue([redacted])';
  }
}
