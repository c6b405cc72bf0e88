/**
 * The vocabulary of the hostile-input suite (internal): a case, what it expects, and the tenant
 * that sends it. A tenant is a user of its own namespace: it writes through the SDK client (or
 * client-node, for `fieldValidation=Strict` as kubectl sends it) and records every attempt, so
 * the suite can check the answer, and later find and delete what the case made.
 */
import { createHash } from 'node:crypto';
import { CertificateAuthorityResource, CertificateResource, ClusterResource, type Condition, type KubeObject, type ObjectMeta } from '@kubeception/sdk';
import {
  ConfigMapResource,
  createKubeClient,
  DeploymentResource,
  NamespaceResource,
  RoleBindingResource,
  SecretResource,
  type FieldValidation,
  type KubeClient,
  type KubeError,
  type Secret,
} from '@kubeception/sdk/kube';
import type { StartedFakeEc2, StartedFakeVault } from '@kubeception/testing';
import { ApiException, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { ResultAsync } from 'neverthrow';
import type { Json } from './hostile-objects.js';

/** A Cluster, CertificateAuthority or Certificate as read back: the status fields the cases look at, any spec. */
export interface LooseObject {
  readonly metadata: ObjectMeta;
  readonly spec: Json;
  readonly status?: {
    readonly phase?: string;
    readonly observedGeneration?: number;
    readonly conditions?: readonly Condition[];
    readonly nodes?: readonly { readonly name: string }[];
    readonly network?: { readonly flannel?: { readonly network?: string; readonly vni?: number }; readonly podCIDR?: string };
    readonly mountPath?: string;
    readonly notAfter?: string;
  };
}

/** Where a case runs. */
export type WorldName = 'kvm' | 'aws';

/** What the suite is about: the brief's categories. */
export type Category =
  | 'same names'
  | 'cross-namespace references'
  | 'missing references'
  | 'secretName'
  | 'names and labels'
  | 'pools, versions, domains'
  | 'networks'
  | 'replicas and sizes'
  | 'lifetimes and roles'
  | 'providers'
  | 'host access'
  | 'spec changes'
  | 'namespaces and squats'
  | 'paused'
  | 'forged objects';

/** The kinds whose conditions a case reads. */
export type ConditionedKind = 'Cluster' | 'CertificateAuthority' | 'Certificate';

/** Refused at admission: the API server answers 4xx naming the field. */
export interface Refused {
  readonly outcome: 'refused';
  /** The field path the answer names (`spec.masters.replicas`); `''` for answers without one (409). */
  readonly path: string;
  /** A part of the message besides the path. */
  readonly message?: string;
  /** @default 422 */
  readonly code?: number;
}

/** The object exists and reports a condition: `Ready=False` unless `type`/`status` say otherwise. */
export interface Reported {
  readonly outcome: 'reported';
  readonly kind: ConditionedKind;
  /** The object that reports; with several names, exactly one of them reports and the others are Ready (a race). */
  readonly name: string | readonly string[];
  /** @default 'Ready' */
  readonly type?: string;
  /** @default 'False' */
  readonly status?: 'True' | 'False';
  readonly reason: string;
  /** A part of the message (the field path, where there is one). */
  readonly message: string;
  /** What the message must not say (another tenant's namespace, say). */
  readonly notInMessage?: readonly string[];
}

/** A fair request that must work, on resources of its own: the object becomes Ready. */
export interface Accepted {
  readonly outcome: 'accepted';
  readonly kind: ConditionedKind;
  readonly name: string;
}

/** A plain object that is not Kubeception's (a Secret, a ConfigMap): accepted, and no operator acts on it. */
export interface Ignored {
  readonly outcome: 'ignored';
}

/** What a case expects. */
export type Expectation = Refused | Reported | Accepted | Ignored;

/** The context a case's checks run in. */
export interface CaseContext {
  readonly tenant: Tenant;
  /** An admin client of the host, for checks (never for sending). */
  readonly admin: KubeClient;
  /** The operators' Vault (for its state: mounts, roles, certificates). */
  readonly vault: StartedFakeVault;
  /** The AWS world's EC2 (for its state). */
  readonly ec2?: StartedFakeEc2;
  /** The victim tenant's facts a case may aim at (its network, VNI, cluster ID, …). */
  readonly victim: VictimFacts;
}

/** What a hostile tenant can know (or guess) of the victim: nothing secret. */
export interface VictimFacts {
  readonly namespace: string;
  readonly name: string;
  readonly id: string;
  /** KVM: the flannel network and VNI it was allocated. */
  readonly network?: string;
  readonly vni?: number;
}

/** One hostile case of the table. */
export interface HostileCase {
  /** Short and unique: names the case's namespace (`h-<id>`). */
  readonly id: string;
  readonly what: string;
  readonly category: Category;
  readonly world: WorldName;
  /** The tenant's namespace. @default `h-<id>`, made for the case */
  readonly namespace?: string;
  /** Sends the hostile input (creations, patches), recording each attempt. */
  send(ctx: CaseContext): Promise<void>;
  readonly expect: Expectation;
  /** Checks besides the outcome (a bait Secret unchanged, nothing issued, …): part of what the case expects. */
  also?(ctx: CaseContext): Promise<void>;
  /** With `knownGap`: asserts what happens today, so the gap's description cannot go stale unnoticed. */
  fact?(ctx: CaseContext): Promise<void>;
  /** Objects the case made on purpose that must survive its cleanup unchanged (bait Secrets). */
  readonly bait?: readonly string[];
  /** Cluster-scoped objects the case made (squatting Namespaces): deleted by its cleanup. */
  readonly namespacesMade?: (ctx: CaseContext) => readonly string[];
  /** What happens today where it is neither refused nor reported as it should be. */
  readonly knownGap?: string;
  /** What is left today after the case's objects are deleted, where something is (its cleanup check must fail). */
  readonly cleanupGap?: string;
}

/** One write a tenant attempted. */
export interface Attempt {
  readonly what: string;
  /** The kind and name written, when the write names one. */
  readonly kind?: string;
  readonly name?: string;
  readonly error?: { readonly code: number; readonly message: string };
}

/** A Kubeception object a case created (to find and delete it later). */
export interface Made {
  readonly kind: 'Cluster' | 'CertificateAuthority' | 'Certificate';
  readonly name: string;
  readonly uid: string;
  /** The Cluster it is (a Cluster) or names (its clusterRef). */
  readonly cluster: string;
}

const DESCRIPTORS = { Cluster: ClusterResource, CertificateAuthority: CertificateAuthorityResource, Certificate: CertificateResource } as const;
const PLURALS = { Cluster: 'clusters', CertificateAuthority: 'certificateauthorities', Certificate: 'certificates' } as const;

/** The Cluster an object is or names. */
const clusterOfObject = (object: KubeObject) =>
  object.kind === 'Cluster' ? (object.metadata?.name ?? '') : ((object as { spec?: { clusterRef?: { name?: string } } }).spec?.clusterRef?.name ?? '');

/** The SDK descriptor of a Kubeception kind. */
export const descriptorOf = (kind: Made['kind']) => DESCRIPTORS[kind] as unknown as typeof ClusterResource;

/** A user writing into its own namespace, as a hostile-but-fair tenant does. */
export class Tenant {
  readonly attempts: Attempt[] = [];
  readonly made: Made[] = [];
  readonly kube: KubeClient;
  private readonly custom: CustomObjectsApi;

  constructor(
    readonly namespace: string,
    kubeConfig: KubeConfig,
  ) {
    this.kube = createKubeClient({ kubeConfig, qps: 0, retry: { maxAttempts: 1 }, userAgent: `tenant/${namespace}` });
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  /** The last attempt (what a refusal is read from). */
  last(): Attempt | undefined {
    return this.attempts.at(-1);
  }

  private record<T extends KubeObject>(
    what: string,
    kind: string | undefined,
    result: { isOk(): boolean; value?: T; error?: KubeError },
    name?: string,
  ): boolean {
    const target = { ...(kind === undefined ? {} : { kind }), ...(name === undefined ? {} : { name }) };
    if (result.isOk()) {
      const object = result.value as KubeObject;
      if (kind !== undefined && kind in DESCRIPTORS && !this.made.some((m) => m.uid === object.metadata?.uid)) {
        this.made.push({ kind: kind as Made['kind'], name: object.metadata?.name ?? '', uid: object.metadata?.uid ?? '', cluster: clusterOfObject(object) });
      }
      this.attempts.push({ what, ...target });
      return true;
    }
    const error = result.error as KubeError;
    this.attempts.push({ what, ...target, error: { code: error.code, message: error.message } });
    return false;
  }

  /** Creates a Kubeception object or a Secret in the tenant's namespace (unless it names another) with the SDK client. */
  async create(object: KubeObject & { kind: string }, fieldValidation?: FieldValidation): Promise<boolean> {
    const namespaced = { ...object, metadata: { namespace: this.namespace, ...object.metadata } };
    const plain = { Secret: SecretResource, ConfigMap: ConfigMapResource, Deployment: DeploymentResource, RoleBinding: RoleBindingResource } as Record<
      string,
      typeof SecretResource
    >;
    const client = this.kube.resource((plain[object.kind] ?? descriptorOf(object.kind as Made['kind'])) as typeof SecretResource);
    const created = await client.create(namespaced as never, fieldValidation ? { fieldValidation } : {});
    return this.record(
      `create ${object.kind} ${namespaced.metadata.name}${fieldValidation ? ` (fieldValidation=${fieldValidation})` : ''}`,
      object.kind,
      created,
      namespaced.metadata.name,
    );
  }

  /** Creates a cluster-scoped Namespace. */
  async createNamespace(name: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}): Promise<boolean> {
    return this.record(
      `create Namespace ${name}`,
      'Namespace',
      await this.kube.resource(NamespaceResource).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, annotations } }),
      name,
    );
  }

  /** A JSON merge patch of one of the tenant's Kubeception objects. */
  async patch(kind: Made['kind'], name: string, body: object): Promise<boolean> {
    return this.record(
      `patch ${kind} ${name}`,
      kind,
      await this.kube.resource(descriptorOf(kind)).patch(name, { type: 'merge', body }, { namespace: this.namespace }),
      name,
    );
  }

  /** Creates with client-node and `fieldValidation=Strict`, as kubectl does by default. */
  async createStrict(object: KubeObject & { kind: Made['kind'] }): Promise<boolean> {
    const what = `create ${object.kind} ${object.metadata?.name} (fieldValidation=Strict)`;
    try {
      const body = { ...object, metadata: { namespace: this.namespace, ...object.metadata } };
      const created = (await this.custom.createNamespacedCustomObject({
        group: 'kubeception.io',
        version: 'v1alpha1',
        namespace: this.namespace,
        plural: PLURALS[object.kind],
        body,
        fieldValidation: 'Strict',
      })) as KubeObject;
      this.made.push({ kind: object.kind, name: created.metadata?.name ?? '', uid: created.metadata?.uid ?? '', cluster: clusterOfObject(created) });
      this.attempts.push({ what, kind: object.kind, name: object.metadata?.name ?? '' });
      return true;
    } catch (e) {
      if (!(e instanceof ApiException)) throw e;
      const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body);
      const status = (() => {
        try {
          return JSON.parse(body) as { message?: string };
        } catch {
          return { message: body };
        }
      })();
      this.attempts.push({ what, kind: object.kind, name: object.metadata?.name ?? '', error: { code: e.code, message: status.message ?? body } });
      return false;
    }
  }

  /** The object as the API server has it now (undefined when gone), loosely typed: cases read any kind's fields. */
  async get(kind: Made['kind'], name: string): Promise<LooseObject | undefined> {
    return (await this.kube.resource(descriptorOf(kind)).get(name, { namespace: this.namespace }).match(value, none)) as LooseObject | undefined;
  }
}

/** Polls `read` every 50 ms until `ok` holds of it or `timeoutMs` passes; returns the last value read. */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

/** SHA-256 of a Secret's data (its keys and values): what "unchanged" compares, without the keys themselves. */
export const dataHash = (secret: Pick<Secret, 'data' | 'type'> | undefined) =>
  secret === undefined
    ? 'absent'
    : createHash('sha256')
        .update(JSON.stringify([secret.type, Object.entries(secret.data ?? {}).sort()]))
        .digest('hex')
        .slice(0, 16);

/** A minimal kubernetes.io/tls-looking Secret (bait). */
export function baitSecret(
  name: string,
  type: string,
  extra: { labels?: Record<string, string>; data?: Record<string, string> } = {},
): Secret & { kind: 'Secret' } {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const data =
    extra.data ??
    (type === 'kubernetes.io/dockerconfigjson'
      ? { '.dockerconfigjson': b64('{"auths":{}}') }
      : type === 'kubernetes.io/tls'
        ? { 'tls.crt': b64('not a certificate'), 'tls.key': b64('not a key') }
        : { password: b64('hunter2') });
  return { apiVersion: 'v1', kind: 'Secret', type, metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) }, data };
}

/** `match` arms for calls of the suite's own: the value; a failure that must not happen; a failure that means "absent". */
export const value = <T>(v: T): T => v;
export const fail = (error: { readonly message: string }): never => {
  throw new Error(error.message);
};
export const none = (): undefined => undefined;

/** Whether a read of the suite's own succeeds (the object exists). */
export const exists = (read: ResultAsync<unknown, unknown>): Promise<boolean> =>
  read.match(
    () => true,
    () => false,
  );
