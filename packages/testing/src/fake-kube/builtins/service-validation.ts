/**
 * Service validation, the parts of kube-apiserver 1.32's `ValidateService`/`ValidateServiceUpdate`
 * clients rely on (internal): `ports` required (but for headless and ExternalName Services), port
 * names required when there are several (RFC 1123 labels, unique), `port` 1–65535, protocol
 * TCP/UDP/SCTP, `targetPort` a port number or an IANA service name, `sessionAffinity` and `type`
 * values; on update, an allocated cluster IP may not change or be unset.
 * Not modelled: IP families, load balancer and external traffic fields, node port ranges.
 */
import { dns1123LabelErrors } from '../name-formats.js';
import { isObject, type JsonObject, type KubeObject, type StatusCause } from '../types.js';
import { duplicate, invalid, invalidShown, notSupported, objects, required, str } from './causes.js';

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const AFFINITIES = ['ClientIP', 'None'];
const PORT_RANGE = 'must be between 1 and 65535, inclusive';

/** `IsValidPortName`: an IANA service name. */
export function portNameErrors(name: string): string[] {
  const errs: string[] = [];
  if (name.length > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(name)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(name)) errs.push('must contain at least one letter (a-z)');
  if (name.includes('--')) errs.push('must not contain consecutive hyphens');
  if (name.startsWith('-') || name.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

const inRange = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 65535;

function portErrors(port: JsonObject, path: string, several: boolean, names: Set<string>): StatusCause[] {
  const errs: StatusCause[] = [];
  const name = str(port.name);
  if (several && name === '') errs.push(required(`${path}.name`));
  else if (name !== '') {
    errs.push(...dns1123LabelErrors(name).map((m) => invalid(`${path}.name`, name, m)));
    if (names.has(name)) errs.push(duplicate(`${path}.name`, name));
    names.add(name);
  }
  const number = typeof port.port === 'number' ? port.port : 0;
  if (!inRange(number)) errs.push(invalid(`${path}.port`, number, PORT_RANGE));
  const protocol = str(port.protocol);
  if (protocol === '') errs.push(required(`${path}.protocol`));
  else if (!PROTOCOLS.includes(protocol)) errs.push(notSupported(`${path}.protocol`, protocol, PROTOCOLS));
  const target = port.targetPort;
  if (typeof target === 'number' && !inRange(target)) errs.push(invalid(`${path}.targetPort`, target, PORT_RANGE));
  if (typeof target === 'string') errs.push(...portNameErrors(target).map((m) => invalid(`${path}.targetPort`, target, m)));
  return errs;
}

/** The causes of a Service (`old`: the stored one on an update). */
export function serviceErrors(obj: KubeObject, old?: KubeObject): StatusCause[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const type = str(spec.type);
  const ports = objects(spec.ports);
  const errs: StatusCause[] = [];
  if (ports.length === 0 && spec.clusterIP !== 'None' && type !== 'ExternalName') errs.push(required('spec.ports'));
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...portErrors(p, `spec.ports[${i}]`, ports.length > 1, names)));
  const affinity = str(spec.sessionAffinity);
  if (affinity === '') errs.push(required('spec.sessionAffinity'));
  else if (!AFFINITIES.includes(affinity)) errs.push(notSupported('spec.sessionAffinity', affinity, AFFINITIES));
  if (type === '') errs.push(required('spec.type'));
  else if (!TYPES.includes(type)) errs.push(notSupported('spec.type', type, TYPES));
  if (old) errs.push(...clusterIpUpdateErrors(spec, isObject(old.spec) ? old.spec : {}));
  return errs;
}

const goStrings = (list: unknown): string =>
  Array.isArray(list) && list.length > 0 ? `[]string{${list.map((s) => JSON.stringify(String(s))).join(', ')}}` : '[]string(nil)';

function clusterIpUpdateErrors(spec: JsonObject, old: JsonObject): StatusCause[] {
  const before = Array.isArray(old.clusterIPs) ? old.clusterIPs : [];
  const after = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
  if (before.length === 0 || old.type === 'ExternalName' || spec.type === 'ExternalName') return [];
  if (after.length === 0) return [invalidShown('spec.clusterIPs[0]', goStrings(after), 'primary clusterIP can not be unset')];
  return after[0] === before[0] ? [] : [invalidShown('spec.clusterIPs[0]', goStrings(after), 'may not change once set')];
}
