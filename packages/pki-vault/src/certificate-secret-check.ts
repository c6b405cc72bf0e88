/**
 * A Certificate's Secret checked against its CA's root (internal), remembered by the digests of
 * `tls.crt`, `ca.crt` and the root. The labelled Secret cache may keep data values as digests
 * (`dataDigests`): a Secret whose digests were checked is not read again; one not checked (a
 * restarted operator, a Secret written by someone else, a rotated root) is read whole once (a
 * LIST of its name: the operator's role grants list, not get). A Secret the controller writes is remembered as it writes it, so issuing reads nothing.
 * A cache that keeps the data whole is checked from it, without a read.
 */
import { certificateSecretName, type Certificate, type Persisted } from '@kubeception/sdk';
import { readByList, SecretResource, type Secret } from '@kubeception/sdk/kube';
import { boundedMap, digestedValue, digestOf, hasDigests, type ReconcileContext } from '@kubeception/sdk/runtime';
import { okAsync, type ResultAsync } from 'neverthrow';
import { secretPems } from './certificate-secret.js';
import type { PkiControllerError } from './conditions.js';
import { checkPems, type SecretCheck } from './renewal.js';

type Data = Readonly<Record<string, string>> | undefined;

const digested = (value: string | undefined) => (value === undefined ? '-' : digestedValue(value));
const keyOf = (data: Data, caPem: string) => `${digested(data?.['tls.crt'])}|${digested(data?.['ca.crt'])}|${digestOf(caPem)}`;

/** The Secrets checked, by the digests of what was checked. */
export interface SecretChecks {
  /** `secret` (as cached; `undefined` when there is none) checked against `caPem`. */
  check(
    ctx: Pick<ReconcileContext<Certificate>, 'kube'>,
    cert: Persisted<Certificate>,
    secret: Persisted<Secret> | undefined,
    caPem: string,
  ): ResultAsync<SecretCheck | undefined, PkiControllerError>;
  /** Remembers what the controller writes (the Secret's `data`, base64) as checked against `caPem`. */
  written(data: Readonly<Record<string, string>>, caPem: string, check: SecretCheck): void;
}

/** How many checks are kept (about one per Certificate); the oldest goes first, and is read again when next needed. */
const KEPT = 16_384;

export function createSecretChecks(): SecretChecks {
  const checks = boundedMap<string, SecretCheck>(KEPT);
  const remember = (key: string, check: SecretCheck) => checks.set(key, check);
  const fromWhole = (data: Data, caPem: string) => {
    const check = checkPems(secretPems({ data: data as Record<string, string> | undefined }), caPem);
    return check === undefined ? undefined : remember(keyOf(data, caPem), check);
  };
  return {
    check: (ctx, cert, secret, caPem) => {
      if (secret === undefined) return okAsync(undefined);
      const known = checks.get(keyOf(secret.data, caPem));
      if (known !== undefined) return okAsync(known);
      if (!hasDigests(secret)) return okAsync(fromWhole(secret.data, caPem));
      // read by a LIST of its name: the cert-operator's role grants list and watch on Secrets, not get
      return readByList(ctx.kube.resource(SecretResource), certificateSecretName(cert), cert.metadata.namespace ?? '')
        .map((whole) => (whole === undefined ? undefined : fromWhole(whole.data, caPem)))
        .mapErr((cause): PkiControllerError => ({ kind: 'Kube', cause }));
    },
    written: (data, caPem, check) => {
      remember(keyOf(data, caPem), check);
    },
  };
}
