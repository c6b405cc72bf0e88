/**
 * What the CertificateAuthority and Certificate controllers share (internal): their options'
 * defaults, a finalizer of their own that also filters what queues them, and an invalid spec
 * reported as `Ready=False` (InvalidSpec) without touching Vault.
 */
import { Reason, type Finalizer, type KubeObject, type Persisted, type ResourceDescriptor } from '@kubeception/sdk';
import {
  changedBeyondStatusOrFinalizer,
  createController,
  done,
  withFinalizer,
  type CacheIndex,
  type Controller,
  type Reconciler,
  type Watch,
} from '@kubeception/sdk/runtime';
import type { Result } from 'neverthrow';
import { notReady, type PkiControllerError, type WithConditions } from './conditions.js';

/** The options every PKI controller takes. */
export interface PkiControllerOptions {
  readonly name?: string;
  /** Only objects in this namespace. @default every namespace */
  readonly namespace?: string;
  readonly concurrency?: number;
}

/** One PKI controller: its kind, defaults, finalizer, cache and steps. */
export interface PkiControllerDefinition<T extends WithConditions, I extends KubeObject> {
  /** The user's options. */
  readonly options: PkiControllerOptions;
  /** Defaults of `options.name` and `options.concurrency`. */
  readonly defaults: { readonly name: string; readonly concurrency: number };
  readonly resource: ResourceDescriptor<T, I>;
  readonly finalizer: Finalizer;
  readonly indexes: readonly CacheIndex[];
  readonly watches: readonly Watch[];
  /** Checks the spec; `apply` runs only on a valid one. */
  readonly validate: (object: Persisted<T>) => Result<unknown, { readonly message: string }>;
  readonly apply: Reconciler<T, I, PkiControllerError>;
  readonly cleanup: Reconciler<T, I, PkiControllerError>;
}

/**
 * A PKI controller. Its own status and finalizer writes queue nothing: the pass they caused
 * would only ask Vault again what it just answered (a resync still looks at every object).
 */
export function createPkiController<T extends WithConditions, I extends KubeObject>(definition: PkiControllerDefinition<T, I>): Controller {
  const { options, defaults, finalizer, validate, apply } = definition;
  return createController({
    name: options.name ?? defaults.name,
    resource: definition.resource,
    concurrency: options.concurrency ?? defaults.concurrency,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    predicate: changedBeyondStatusOrFinalizer(finalizer),
    indexes: definition.indexes,
    watches: definition.watches,
    reconcile: withFinalizer(finalizer, {
      apply: (object, ctx) =>
        validate(object).match(
          () => apply(object, ctx),
          (invalid) => notReady(object, ctx, Reason.InvalidSpec, invalid.message).map(() => done()),
        ),
      cleanup: definition.cleanup,
    }),
  });
}
