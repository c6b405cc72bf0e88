/**
 * Which API server a conformance file runs against, and the version rules that let one case hold
 * on both. The suite runs as two vitest projects over the same files (see the root
 * vitest.config.ts): `conformance:fake` (a fresh fake per file) and `conformance:kube-apiserver`
 * (one real server per run, from `global-setup.ts`).
 */
import { getCurrentTest } from 'vitest/suite';
import { inject } from 'vitest';

/** What the project provides: the fake, or a real server (its kubeconfig and version), or why the real one cannot run. */
export type ConformanceServer =
  | { readonly name: 'fake' }
  | {
      readonly name: 'kube-apiserver';
      readonly kubeconfigYaml?: string;
      readonly version?: { readonly major: number; readonly minor: number; readonly gitVersion: string };
      readonly skip?: string;
    };

declare module 'vitest' {
  export interface ProvidedContext {
    conformanceServer: ConformanceServer;
  }
}

/** The server of this project (the fake when run outside the conformance projects). */
export function conformanceServer(): ConformanceServer {
  try {
    return inject('conformanceServer') ?? { name: 'fake' };
  } catch {
    return { name: 'fake' };
  }
}

/**
 * A known, cited difference between the Kubernetes version the fake follows (current) and an older
 * real server: the case asserts the old server's documented behaviour there, and the run's summary
 * counts the cases that needed a rule.
 */
export interface VersionRule {
  /** Short id, printed in the summary. */
  readonly id: string;
  /** The first minor version (1.x) with today's behaviour. */
  readonly since: number;
  /** What differs. */
  readonly what: string;
  /** Where upstream says so (KEP, changelog or source). */
  readonly source: string;
}

/** The version rules the cases use. */
export const VersionRules = {
  celRules: {
    id: 'cel-validation-rules',
    since: 25,
    what: 'x-kubernetes-validations (CEL rules) are enforced from 1.25 (beta, on by default); older servers do not know the field, and the envtest lane strips it',
    source: 'https://github.com/kubernetes/enhancements/tree/master/keps/sig-api-machinery/2876-crd-validation-expression-language',
  },
  fieldValidation: {
    id: 'field-validation',
    since: 25,
    what: 'the fieldValidation query parameter (Strict/Warn/Ignore) is honoured from 1.25 (beta, on by default); older servers ignore it and drop unknown fields silently',
    source: 'https://github.com/kubernetes/enhancements/tree/master/keps/sig-api-machinery/2885-server-side-unknown-field-validation',
  },
  openapiErrorCodes: {
    id: 'openapi-error-codes',
    since: 24,
    what: 'custom-object schema errors carry their own reasons (FieldValueTypeInvalid, FieldValueTooLong) and list indexes in the field path from 1.24; older servers report FieldValueInvalid with the index left out',
    source: 'https://github.com/kubernetes/kubernetes/pull/108859',
  },
} as const satisfies Record<string, VersionRule>;

/**
 * Whether `rule` applies on this project's server (a real server older than `rule.since`); records
 * the rule on the current test for the summary when it does.
 *
 * @example
 * ```ts
 * if (appliesHere(VersionRules.fieldValidation)) expect(created.isOk()).toBe(true);
 * else expect(created._unsafeUnwrapErr().code).toBe(400);
 * ```
 */
export function appliesHere(rule: VersionRule): boolean {
  const server = conformanceServer();
  const applies = server.name === 'kube-apiserver' && server.version !== undefined && server.version.minor < rule.since;
  if (applies) {
    const test = getCurrentTest();
    if (test) test.meta.versionRules = [...new Set([...(test.meta.versionRules ?? []), rule.id])];
  }
  return applies;
}

declare module 'vitest' {
  interface TaskMeta {
    /** The version rules a conformance case needed on this server. */
    versionRules?: readonly string[];
  }
}
