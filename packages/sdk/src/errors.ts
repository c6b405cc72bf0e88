/**
 * One line for an error value and its cause chain, for logs and condition messages. Errors at
 * this project's package boundaries are plain objects with a `kind`, an optional `message` and
 * an optional `cause` (another such value, an `Error`, or anything); a log line that showed only
 * the outer `kind` (`{"kind":"ApplyFailed"}`) would hide what happened.
 */

/** One link of an error's cause chain. */
export interface ErrorLink {
  /** The link's `kind` (error values), or the `Error`'s name. */
  readonly kind?: string;
  /** The link's own message, if it has one. */
  readonly message?: string;
}

const MAX_DEPTH = 8;

/** The links of `error`'s cause chain, outermost first (at most 8; cycles stop the walk). */
export function errorChain(error: unknown): ErrorLink[] {
  const links: ErrorLink[] = [];
  const seen = new Set<unknown>();
  let current = error;
  while (current !== undefined && current !== null && links.length < MAX_DEPTH && !seen.has(current)) {
    seen.add(current);
    if (typeof current !== 'object') {
      links.push({ message: String(current) });
      break;
    }
    const { kind, message, name, cause } = current as { kind?: unknown; message?: unknown; name?: unknown; cause?: unknown };
    const label = typeof kind === 'string' ? kind : current instanceof Error && typeof name === 'string' ? name : undefined;
    links.push({ ...(label === undefined ? {} : { kind: label }), ...(typeof message === 'string' && message !== '' ? { message } : {}) });
    current = cause;
  }
  return links;
}

/**
 * `error` and its causes as one line: the kinds joined by `/`, then the messages, outermost
 * first, each said once (a wrapper that repeats its cause's message adds nothing).
 *
 * @example
 * ```ts
 * formatError({ kind: 'ApplyFailed', cause: { kind: 'Driver', cause: { kind: 'Conflict', message: 'network 10.77.0.0/24 is held by default/holder' } } });
 * // 'ApplyFailed/Driver/Conflict: network 10.77.0.0/24 is held by default/holder'
 * ```
 */
export function formatError(error: unknown): string {
  const links = errorChain(error);
  const kinds = links.flatMap((l) => (l.kind === undefined ? [] : [l.kind]));
  const messages: string[] = [];
  for (const link of links) {
    if (link.message === undefined) continue;
    if (messages.some((m) => m.includes(link.message as string))) continue;
    messages.push(link.message);
  }
  const head = kinds.join('/');
  const text = messages.join(': ');
  return head && text ? `${head}: ${text}` : head || text || 'unknown error';
}
