/**
 * `SecretValue`: a string that refuses to be printed. `JSON.stringify`, template strings,
 * `console.log` and pino all see `[redacted]`; only `reveal()` returns the value. Private keys
 * travel in it from the PKI backend to the Kubernetes Secret and nowhere else.
 */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The value itself: only for writing it where secrets belong (a Kubernetes Secret). */
  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [INSPECT](): string {
    return 'SecretValue([redacted])';
  }
}
