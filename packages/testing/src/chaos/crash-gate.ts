/**
 * The crash gate (internal to the explorer): one gate on each fake an operator talks to, counting
 * the live operator instance's mutating calls and, right after the k-th, failing every later
 * request of that instance as if its process had died.
 */
import type { FakeKube } from '../fake-kube/server.js';
import type { FakeEc2 } from '../fake-ec2/index.js';
import type { StartedFakeVault } from '../fake-vault/index.js';

/** The fakes an operator of a crash scenario talks to; the explorer gates each one given. */
export interface CrashFakes {
  /** The fake API server: requests are told apart by `User-Agent` (each instance has its own). */
  readonly kube?: Pick<FakeKube, 'faults'>;
  /** The fake Vault: every request counts as the operator's (scenarios read it in process, e.g. `mounts()`). */
  readonly vault?: Pick<StartedFakeVault, 'faults' | 'requests'>;
  /** The fake EC2: every request counts as the operator's (scenarios read its `state`). */
  readonly ec2?: Pick<FakeEc2, 'faults' | 'requests'>;
}

/** One mutating call an operator made, as the report names it (`patch /apis/...`, `POST pki-a/roles/x`, `CreateVpc`). */
export type CrashCall = string;

/** What the gate tells the explorer when it crashes the live instance. */
export interface CrashEvent {
  /** The crash point (1-based). */
  readonly k: number;
  /** The k-th mutating call. */
  readonly call: CrashCall;
  /** Whether the fake has answered the k-th call (its effect is in the fake). */
  readonly settled: () => boolean;
}

const KUBE_MUTATING = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
const VAULT_MUTATING = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);
const EC2_READ = /^(Describe|Get|List)/;

/** A crash gate for one run: crashes the live instance after its `k`-th mutating call (never, for `Infinity`). */
export class CrashGate {
  /** Every mutating call of the operator instances so far, in arrival order. */
  readonly calls: CrashCall[] = [];
  private live = '';
  private crashed = false;

  constructor(
    private readonly k: number,
    private readonly onCrash: (event: CrashEvent) => void,
  ) {}

  /** Makes `userAgent` the live instance (a fresh operator has started). */
  startInstance(userAgent: string): void {
    this.live = userAgent;
    this.crashed = false;
  }

  /** Installs the gate on each fake. */
  attach(fakes: CrashFakes): void {
    fakes.kube?.faults.gate((r) =>
      r.userAgent.startsWith(INSTANCE_PREFIX)
        ? this.pass(r.userAgent === this.live, KUBE_MUTATING.has(r.verb), `${r.verb} ${r.url.split('?')[0] ?? r.url}`, () => r.code !== 0, {
            status: 503,
            message: CRASHED,
          })
        : undefined,
    );
    const vault = fakes.vault;
    vault?.faults.gate((r) =>
      this.pass(true, VAULT_MUTATING.has(r.method.toUpperCase()), `${r.method} ${r.path}`, () => vault.requests.all().some((x) => x === r), {
        status: 503,
        message: CRASHED,
      }),
    );
    const ec2 = fakes.ec2;
    ec2?.faults.gate((r) =>
      this.pass(true, !EC2_READ.test(r.action), r.action, () => ec2.requests.all().some((x) => x === r), {
        status: 503,
        code: 'ServiceUnavailable',
        message: CRASHED,
      }),
    );
  }

  /** Removes the gate from each fake. */
  detach(fakes: CrashFakes): void {
    fakes.kube?.faults.gate(undefined);
    fakes.vault?.faults.gate(undefined);
    fakes.ec2?.faults.gate(undefined);
  }

  /** The failure for a request of an operator instance (`live`: of the live one), counting it when mutating. */
  private pass<F>(live: boolean, mutating: boolean, call: CrashCall, settled: () => boolean, failure: F): F | undefined {
    if (!live || this.crashed) return failure;
    if (!mutating) return undefined;
    this.calls.push(call);
    if (this.calls.length === this.k) {
      this.crashed = true;
      this.onCrash({ k: this.k, call, settled });
    }
    return undefined;
  }
}

/** The `User-Agent` prefix of the operator instances the explorer starts. */
export const INSTANCE_PREFIX = 'crash-explorer-operator/';

const CRASHED = 'the operator instance crashed (crash-point explorer)';
