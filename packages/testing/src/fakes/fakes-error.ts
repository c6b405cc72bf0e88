/** What can go wrong serving the fakes with `serveFakes` or writing their files. */
import type { FakesUrls } from './fakes-urls.js';

/** A part `serveFakes` serves on a port of its own: a key of its URLs (`kube`, `vault`, `ec2`, `guestApi`, `flannelEtcd`). */
export type FakeService = keyof FakesUrls;

/** The kinds of {@link FakesError}. */
export const FakesErrorKind = {
  /** The port asked for is taken (`EADDRINUSE`): choose another, or 0 for a free one. */
  PortInUse: 'PortInUse',
  /** A fake could not start for another reason (a refused seed, no permission to listen…). */
  StartFailed: 'StartFailed',
  /** The kubeconfig or the env file could not be written. */
  WriteFailed: 'WriteFailed',
} as const;
/** The kinds of {@link FakesError}. */
export type FakesErrorKind = (typeof FakesErrorKind)[keyof typeof FakesErrorKind];

/** Why the fakes could not be served or their files written; `message` is for the user. */
export type FakesError =
  | { readonly kind: typeof FakesErrorKind.PortInUse; readonly service: FakeService; readonly port: number; readonly message: string }
  | { readonly kind: typeof FakesErrorKind.StartFailed; readonly service: FakeService; readonly message: string; readonly cause: unknown }
  | { readonly kind: typeof FakesErrorKind.WriteFailed; readonly path: string; readonly message: string; readonly cause: unknown };

/** The error of `service` failing to start on `port` with `cause` (a thrown value). */
export function startError(service: FakeService, port: number, cause: unknown): FakesError {
  if ((cause as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE')
    return { kind: FakesErrorKind.PortInUse, service, port, message: `the ${service} port ${port} is in use (choose another, or 0 for a free port)` };
  return {
    kind: FakesErrorKind.StartFailed,
    service,
    message: `the fake ${service} could not start: ${(cause as Error | undefined)?.message ?? String(cause)}`,
    cause,
  };
}
