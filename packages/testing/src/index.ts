/**
 * `@kubeception/testing`: fakes for testing Kubeception operators without a cluster.
 *
 * ## `startFakeKube()`
 * A real HTTP server on 127.0.0.1 that behaves like kube-apiserver (1.32), so the real
 * `@kubernetes/client-node` and `kubectl` talk to it over the wire. Plain HTTP by default; with
 * `tls: true` it serves HTTPS with a CA and a server certificate (for `127.0.0.1` and `localhost`,
 * ECDSA P-256) generated at start, and its kubeconfigs carry the CA (`caCertificate`) and verify
 * TLS. It models:
 * - discovery (`/api`, `/apis`, group versions, `/version`) for the built-in kinds Kubeception uses
 *   and for every CRD created at runtime (served at once, gone when the CRD is deleted);
 * - objects with uid, creationTimestamp, a global monotonically increasing resourceVersion,
 *   `generation` bumped by spec changes only, the status subresource, 409 Conflict on stale
 *   resourceVersions, AlreadyExists, NotFound, NamespaceLifecycle, `generateName`, dry runs;
 * - CRD schema pruning, defaulting and validation (types, required, enum, pattern, min/max,
 *   lengths, item counts, list-map uniqueness, `date-time`), 422 Invalid with field causes;
 * - PATCH: JSON patch, merge patch, strategic merge patch (built-ins) and server-side apply
 *   with managedFields and conflicts between managers;
 * - deletion with finalizers, propagation policies, owner-reference garbage collection,
 *   namespace termination, preconditions;
 * - lists with label/field selectors (equality, `in` and exists requirements answered from a
 *   label index), pagination over consistent snapshots, `resourceVersionMatch`;
 * - watches with history, 410 Gone, bookmarks, selectors, timeouts;
 * - Table output with CRD printer columns (`kubectl get`);
 * - resource quantities of built-in kinds stored in kube-apiserver's canonical form (`20480Mi` →
 *   `20Gi`; ResourceList values rounded up to a milli), unparseable quantities refused with
 *   kube-apiserver's errors, and a write that changes only managedFields times (a repeated apply)
 *   not written;
 * - authentication by client certificate (`clientCertificates`) or bearer token (`bearerToken`);
 * - fault injection (`faults`) and a request log (`requests`).
 *
 * ### What it does not model
 * Admission webhooks and admission plugins other than NamespaceLifecycle; authentication other
 * than client certificates (`clientCertificates`: only the common name is read, no revocation) and
 * one static bearer token (`bearerToken`), and RBAC authorization (every request is allowed); JSON
 * numbers as quantities are read by value (`1e3` → `1k`, where the real server keeps `1e3`), and
 * custom resources' quantity strings are kept as written (as kube-apiserver keeps them); aggregated
 * APIs and APIService; `allOf`/`anyOf`/`oneOf`/`not` and ratcheting of plain schema errors in CRD
 * schemas; CEL cost limits, RE2 (JavaScript regexes stand in) and Kubernetes' CEL libraries (the
 * CRDs' CEL rules are compiled at creation and evaluated at admission, `oldSelf` included);
 * CRD conversion webhooks (versions differ only in `apiVersion`); most built-in defaulting and
 * validation (only names, a few defaults and the rules listed above); controllers other than
 * the garbage collector, namespace and CRD cleanup (the scheduler, kubelet, Deployment and
 * Endpoints controllers are in `startSimulatedHost`); graceful pod termination only with
 * `gracefulPodDeletion` (on in the simulated host; otherwise pods without finalizers go at once);
 * the log, exec and binding subresources (scale is served for Deployments, ReplicaSets and CRDs
 * that declare it; pod eviction without the disruption controller: budgets are computed at each
 * eviction); protobuf and CBOR; OpenAPI documents (`/openapi/v2`, `/openapi/v3` answer 404);
 * `core/v1` and `events.k8s.io/v1` Events are
 * stored separately (no conversion between them).
 *
 * @example
 * ```ts
 * import { startFakeKube } from '@kubeception/testing';
 * import { kubeceptionCrds } from '@kubeception/sdk';
 * import { KubernetesObjectApi } from '@kubernetes/client-node';
 *
 * const kube = await startFakeKube({ crds: kubeceptionCrds() });
 * const client = KubernetesObjectApi.makeApiClient(kube.kubeConfig);
 * kube.faults.fail({ verb: 'get', resource: 'clusters', status: 429, times: 2 });
 * // ... exercise the operator ...
 * expect(kube.requests.count({ faulted: true })).toBe(2);
 * await kube.stop();
 * ```
 * @packageDocumentation
 */

// Fake Kubernetes API server
export { startFakeKube } from './fake-kube/server.js';
export type { FakeKube, FakeKubeOptions, ServingCertificate } from './fake-kube/server.js';
export type { ClientCertificate, ServerCertificates, ServerNames, ServerPki } from './fake-kube/server-certificates.js';
export { generateServerCertificates } from './fake-kube/serving-certificates.js';
export { encodeSpec, kubeProtobufBody } from './fake-kube/protobuf-spec.js';
export type { ProtoSpec, ProtoValue } from './fake-kube/protobuf-spec.js';

// Simulated host: nodes, scheduler, kubelet, workload controllers on the fake API server
export { createSimulatedClock, realClock, startSimulatedHost } from './simulated-host/index.js';
export type {
  Clock,
  ControllerSwitches,
  KubeletHooks,
  KubeletOptions,
  NodeControls,
  NodeLifecycleOptions,
  PodDirective,
  SchedulerOptions,
  SimulatedClock,
  SimulatedClockOptions,
  SimulatedHost,
  SimulatedHostOptions,
  SimulatedNodeSpec,
  SimulationFailure,
} from './simulated-host/index.js';

// VM simulator: the KVM driver's VMs on a simulated host (addresses, guest API servers, guest Nodes)
export { startVmSimulator } from './kvm/vm-simulator.js';
export type { VmSimulator, VmSimulatorOptions } from './kvm/vm-simulator.js';
export { VmEventType, VmPodKey, WORKLOAD_NODE_LABEL } from './kvm/vm-vocabulary.js';
export type { VmEvent } from './kvm/vm-vocabulary.js';

// Fake Vault (msw handlers, servable on a port): createFakeVault, startFakeVault and their types
export * from './fake-vault/index.js';

// Fake EC2 (msw handlers for the EC2 Query protocol, servable on a port): createFakeEc2, startFakeEc2, FAKE_EC2_ACTIONS and their types
export * from './fake-ec2/index.js';

// The fakes as one long-running process (`kubeception-fakes`): serveFakes, its files, its command line
export { FAKES_VM_HOST_LABEL, serveFakes } from './fakes/serve-fakes.js';
export type { RunningFakes, ServeFakesOptions } from './fakes/serve-fakes.js';
export type { FakesUrls } from './fakes/fakes-urls.js';
export { FakesErrorKind } from './fakes/fakes-error.js';
export type { FakeService, FakesError } from './fakes/fakes-error.js';
export { renderEnvFile, writeFakesFiles } from './fakes/fakes-files.js';
export type { FakesFiles } from './fakes/fakes-files.js';
export { FAKES_LOG_LEVELS, FAKES_USAGE, parseFakesArgs } from './fakes/fakes-args.js';
export type { FakesCommand, FakesLogLevel } from './fakes/fakes-args.js';
export { runFakesCli } from './fakes/fakes-cli.js';
export type { FakesCliIo } from './fakes/fakes-cli.js';

// Fault injection and request log
export type { FailureSpec, FaultHandle, FaultMatch, Faults, LatencySpec } from './fake-kube/faults.js';
export type { RequestGate } from './shared/index.js';
export type { RequestFilter, RequestLog, RequestRecord } from './fake-kube/request-log.js';

// System tests: find programs, skip or fail without them (KUBECEPTION_SYSTEM_TESTS), a throwaway etcd
export { findProgram, systemTestGate, systemTestsRequired } from './system/tools.js';
export { startEtcd } from './system/etcd.js';
export type { EtcdServer, StartEtcdOptions } from './system/etcd.js';
export type { TestTls } from './system/test-tls.js';

// A real control plane: etcd, kube-apiserver and kube-controller-manager from KUBEBUILDER_ASSETS (the envtest lane)
export { EnvtestError, EnvtestErrorKind, envtestGate, findEnvtestAssets, startEnvtest, stripCelRules } from './envtest/index.js';
export type { Envtest, EnvtestAssetOptions, EnvtestAssets, EnvtestOptions, KubeServer, KubeVersion } from './envtest/index.js';

// Crash-point exploration: crash an operator after each of its mutating calls, restart it fresh, check the invariants
export { CrashPointsError, exploreCrashPoints, formatCrashReport, reproduction } from './chaos/index.js';
export type {
  Converge,
  CrashCall,
  CrashFailure,
  CrashFakes,
  CrashInstance,
  CrashReport,
  CrashScenario,
  ExploreCrashPointsOptions,
  OperatorFactory,
  Probe,
  ProbeResult,
  RunningOperator,
} from './chaos/index.js';
