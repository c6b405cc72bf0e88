/**
 * What a client tells about each HTTP request it makes, for client-go's `rest_client_*` metrics:
 * method, server, status code, duration and sizes. A client has no observer unless one is added
 * ({@link KubeClient.observeRequests}, which a manager does with its metrics); nothing is global.
 */

/** One HTTP request of a client, as client-go's request metrics describe it. */
export interface KubeRequest {
  /** HTTP method: `GET` (a get, a list and a watch alike), `POST`, `PUT`, `PATCH` or `DELETE`. */
  readonly method: string;
  /** The server's `host[:port]`, as in its URL. */
  readonly host: string;
  /** The response's status code, or `<error>` when none came (client-go's label value). */
  readonly code: string;
  /** Time until the response was read (a watch: until its stream opened, or failed to). */
  readonly durationMs: number;
  /** Size of the request's body in bytes (0 without one). */
  readonly requestBytes: number;
  /** Size of the response's body in bytes, when it was read whole (not for a watch). */
  readonly responseBytes?: number;
}

/** Told of every request once it ended, synchronously; it must not throw. */
export type KubeRequestObserver = (request: KubeRequest) => void;

/** The observers of one client. */
export class RequestObservers {
  private readonly observers = new Set<KubeRequestObserver>();

  /** Adds `observer`; the function returned removes it. */
  add(observer: KubeRequestObserver): () => void {
    this.observers.add(observer);
    return () => void this.observers.delete(observer);
  }

  /** Tells every observer of `request`. */
  readonly report = (request: KubeRequest): void => {
    for (const observer of this.observers) observer(request);
  };
}

/** The size in bytes of a request body as client-node hands it over (0 for none or a stream). */
export function bodyBytes(body: unknown): number {
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  return 0;
}

/** The `code` label of a failure without a response object: its `statusCode` if it has one, else `<error>`. */
export function failureCode(error: unknown): string {
  const status = typeof error === 'object' && error !== null ? (error as { statusCode?: unknown }).statusCode : undefined;
  return typeof status === 'number' ? String(status) : '<error>';
}

/**
 * Reports the opening of a watch to `report`, once: call the function returned with the failure
 * that ended the watch before its stream opened, or with `undefined` once it opened (status 200).
 * The duration is the time until then, as a watch's request ends for client-go when its stream begins.
 */
export function watchOpening(report: KubeRequestObserver | undefined, host: string): (failure: unknown) => void {
  const started = performance.now();
  let settled = report === undefined;
  return (failure) => {
    if (settled) return;
    settled = true;
    report?.({ method: 'GET', host, code: failure === undefined ? '200' : failureCode(failure), durationMs: performance.now() - started, requestBytes: 0 });
  };
}
