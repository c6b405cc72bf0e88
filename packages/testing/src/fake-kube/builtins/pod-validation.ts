/**
 * Pod spec validation, the part of kube-apiserver 1.32's `ValidatePodSpec` clients trip over
 * (internal), for Pods and the pod templates of workloads: `containers` required, container names
 * (RFC 1123 labels, unique across containers and init containers), `image` required, container
 * ports (`containerPort` 1–65535, protocol TCP/UDP/SCTP), `imagePullPolicy`, `restartPolicy` and
 * `dnsPolicy` values. And `ValidatePodUpdate`'s rule: an update changes nothing in `spec` but
 * container images, `activeDeadlineSeconds` and added tolerations (the fake also lets a pod without
 * `nodeName` get one, standing in for the `binding` subresource its scheduler cannot call).
 * Not modelled: volumes, probes, resources, security contexts, affinity and the other fields' rules.
 */
import { dns1123LabelErrors } from '../name-formats.js';
import { deepEqual, isObject, type JsonObject, type StatusCause } from '../types.js';
import { at, duplicate, forbidden, invalid, notSupported, objects, required, str } from './causes.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

function portErrors(ports: unknown, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  objects(ports).forEach((port, i) => {
    const p = `${path}[${i}]`;
    const number = typeof port.containerPort === 'number' ? port.containerPort : 0;
    if (number === 0) errs.push(required(`${p}.containerPort`));
    else if (number < 1 || number > 65535) errs.push(invalid(`${p}.containerPort`, number, 'must be between 1 and 65535, inclusive'));
    const protocol = str(port.protocol);
    if (protocol === '') errs.push(required(`${p}.protocol`));
    else if (!PROTOCOLS.includes(protocol)) errs.push(notSupported(`${p}.protocol`, protocol, PROTOCOLS));
  });
  return errs;
}

function containerErrors(c: JsonObject, path: string, names: Set<string>): StatusCause[] {
  const errs: StatusCause[] = [];
  const name = str(c.name);
  if (name === '') errs.push(required(`${path}.name`));
  else errs.push(...dns1123LabelErrors(name).map((m) => invalid(`${path}.name`, name, m)));
  if (str(c.image) === '') errs.push(required(`${path}.image`));
  errs.push(...portErrors(c.ports, `${path}.ports`));
  const pull = str(c.imagePullPolicy);
  if (pull === '') errs.push(required(`${path}.imagePullPolicy`));
  else if (!PULL_POLICIES.includes(pull)) errs.push(notSupported(`${path}.imagePullPolicy`, pull, PULL_POLICIES));
  if (names.has(name)) errs.push(duplicate(`${path}.name`, name));
  else names.add(name);
  return errs;
}

function policyErrors(spec: JsonObject, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  const restart = str(spec.restartPolicy);
  if (restart === '') errs.push(required(at(path, 'restartPolicy')));
  else if (!RESTART_POLICIES.includes(restart)) errs.push(notSupported(at(path, 'restartPolicy'), restart, RESTART_POLICIES));
  const dns = str(spec.dnsPolicy);
  if (dns === '') errs.push(required(at(path, 'dnsPolicy')));
  else if (!DNS_POLICIES.includes(dns)) errs.push(notSupported(at(path, 'dnsPolicy'), dns, DNS_POLICIES));
  return errs;
}

/** The causes of a (defaulted) pod spec at `path` (`spec`, or `spec.template.spec`). */
export function podSpecErrors(spec: unknown, path: string): StatusCause[] {
  const s = isObject(spec) ? spec : {};
  const names = new Set<string>();
  const containers = objects(s.containers);
  const errs: StatusCause[] = [];
  if (containers.length === 0) errs.push(required(at(path, 'containers')));
  containers.forEach((c, i) => errs.push(...containerErrors(c, `${at(path, 'containers')}[${i}]`, names)));
  objects(s.initContainers).forEach((c, i) => errs.push(...containerErrors(c, `${at(path, 'initContainers')}[${i}]`, names)));
  return [...errs, ...policyErrors(s, path)];
}

const UPDATABLE =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,' +
  '`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** A spec with what an update may change taken from `old`. */
function munged(next: JsonObject, old: JsonObject): JsonObject {
  const copy: JsonObject = { ...next, activeDeadlineSeconds: old.activeDeadlineSeconds, tolerations: old.tolerations };
  if (str(old.nodeName) === '') copy.nodeName = old.nodeName;
  for (const list of ['containers', 'initContainers']) {
    const before = objects(old[list]);
    if (Array.isArray(next[list])) copy[list] = objects(next[list]).map((c, i) => ({ ...c, image: before[i]?.image }));
  }
  return copy;
}

/** `ValidatePodUpdate`'s spec rule: a Forbidden cause when the update changes more than it may. */
export function podUpdateErrors(next: unknown, old: unknown): StatusCause[] {
  const n = isObject(next) ? next : {};
  const o = isObject(old) ? old : {};
  const same = deepEqual(munged(n, o), { ...o, activeDeadlineSeconds: o.activeDeadlineSeconds, tolerations: o.tolerations });
  return same ? [] : [forbidden('spec', `${UPDATABLE}\n`)];
}
