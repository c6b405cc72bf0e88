/**
 * Validation of workloads, Pods, Services and RBAC objects: the 422s a client or controller meets
 * most (required fields, enum values, immutable fields), with kube-apiserver's causes.
 */
import { describe, expect, it } from 'vitest';
import { collection, expectInvalid, invalidCause, requests, requiredCause, unsupportedCause, type Cause } from './builtin-requests.js';
import { useTarget } from './target.js';

const { target, ns } = useTarget('builtin-workloads');
const api = requests(target);
const deployments = () => collection('apps', 'deployments', ns());
const RBAC = 'rbac.authorization.k8s.io';

const container = { name: 'c', image: 'nginx:1.25' };
const template = (spec: Record<string, unknown> = {}, labels: Record<string, string> = { app: 'a' }) => ({
  metadata: { labels },
  spec: { containers: [container], ...spec },
});
const deployment = (name: string, spec: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: { selector: { matchLabels: { app: 'a' } }, template: template(), ...spec },
});
const forbidden = (field: string, detail: string): Cause => ({ reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field });

describe('Deployment validation', () => {
  it.each<[string, Record<string, unknown>, Cause[]]>([
    ['negative replicas', { replicas: -1 }, [invalidCause('spec.replicas', '-1', 'must be greater than or equal to 0')]],
    ['no containers', { template: template({ containers: [] }) }, [requiredCause('spec.template.spec.containers')]],
    [
      'a selector not matching the template',
      { selector: { matchLabels: { app: 'b' } } },
      [invalidCause('spec.template.metadata.labels', 'map[string]string{"app":"a"}', '`selector` does not match template `labels`')],
    ],
    [
      'no selector',
      { selector: undefined },
      [
        requiredCause('spec.selector'),
        invalidCause('spec.template.metadata.labels', 'map[string]string{"app":"a"}', '`selector` does not match template `labels`'),
      ],
    ],
    [
      'a pod restartPolicy other than Always',
      { template: template({ restartPolicy: 'Never' }) },
      [unsupportedCause('spec.template.spec.restartPolicy', 'Never', ['Always'])],
    ],
    [
      'rollingUpdate with the Recreate strategy',
      { strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } },
      [forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'")],
    ],
    [
      'maxUnavailable and maxSurge both 0',
      { strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } },
      [invalidCause('spec.strategy.rollingUpdate.maxUnavailable', 'intstr.IntOrString{Type:0, IntVal:0, StrVal:""}', 'may not be 0 when `maxSurge` is 0')],
    ],
  ])('refuses %s', async (_what, spec, causes) => {
    expectInvalid(await api.post(deployments(), deployment('bad', spec)), 'Deployment', 'apps', 'bad', causes);
  });

  it('keeps the selector immutable', async () => {
    await api.post(deployments(), deployment('immutable'));
    const answer = await api.merge(`${deployments()}/immutable`, {
      spec: { selector: { matchLabels: { app: 'a', x: 'y' } }, template: { metadata: { labels: { x: 'y' } } } },
    });
    const shown = 'v1.LabelSelector{MatchLabels:map[string]string{"app":"a", "x":"y"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}';
    expectInvalid(answer, 'Deployment', 'apps', 'immutable', [invalidCause('spec.selector', shown, 'field is immutable')]);
  });
});

describe('ReplicaSet and Job validation', () => {
  it('refuses a ReplicaSet whose selector does not match its template', async () => {
    const body = { metadata: { name: 'rs' }, spec: { selector: { matchLabels: { app: 'other' } }, template: template() } };
    expectInvalid(await api.post(collection('apps', 'replicasets', ns()), body), 'ReplicaSet', 'apps', 'rs', [
      invalidCause('spec.template.metadata.labels', 'map[string]string{"app":"a"}', '`selector` does not match template `labels`'),
    ]);
  });

  it('refuses a Job without restartPolicy OnFailure or Never', async () => {
    const body = { metadata: { name: 'job' }, spec: { template: { spec: { containers: [container] } } } };
    expectInvalid(await api.post(collection('batch', 'jobs', ns()), body), 'Job', 'batch', 'job', [
      requiredCause('spec.template.spec.restartPolicy', 'valid values: "OnFailure", "Never"'),
    ]);
  });
});

describe('Pod validation', () => {
  const pods = () => collection('', 'pods', ns());
  const LABEL =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  it.each<[string, Record<string, unknown>, Cause[]]>([
    ['no containers', { containers: [] }, [requiredCause('spec.containers')]],
    ['a container name that is no DNS label', { containers: [{ ...container, name: 'C_1' }] }, [invalidCause('spec.containers[0].name', '"C_1"', LABEL)]],
    ['a container without image', { containers: [{ name: 'c' }] }, [requiredCause('spec.containers[0].image')]],
    [
      'two containers of one name',
      { containers: [container, container] },
      [{ reason: 'FieldValueDuplicate', message: 'Duplicate value: "c"', field: 'spec.containers[1].name' }],
    ],
    [
      'an unknown restartPolicy',
      { containers: [container], restartPolicy: 'Sometimes' },
      [unsupportedCause('spec.restartPolicy', 'Sometimes', ['Always', 'OnFailure', 'Never'])],
    ],
    [
      'an unknown dnsPolicy',
      { containers: [container], dnsPolicy: 'Foo' },
      [unsupportedCause('spec.dnsPolicy', 'Foo', ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'])],
    ],
    [
      'a container port out of range',
      { containers: [{ ...container, ports: [{ containerPort: 70000 }] }] },
      [invalidCause('spec.containers[0].ports[0].containerPort', '70000', 'must be between 1 and 65535, inclusive')],
    ],
  ])('refuses %s', async (_what, spec, causes) => {
    expectInvalid(await api.post(pods(), { metadata: { name: 'bad' }, spec }), 'Pod', '', 'bad', causes);
  });

  it('lets an update change container images, and nothing else of the spec', async () => {
    await api.post(pods(), { metadata: { name: 'update' }, spec: { containers: [container] } });
    const image = await api.merge(`${pods()}/update`, { spec: { containers: [{ ...container, image: 'nginx:1.26' }] } });
    expect(image.status).toBe(200);
    const answer = await api.merge(`${pods()}/update`, { spec: { restartPolicy: 'Never' } });
    const cause = answer.json<{ details: { causes: Cause[] } }>().details.causes[0];
    expect({ status: answer.status, reason: cause?.reason, field: cause?.field }).toEqual({ status: 422, reason: 'FieldValueForbidden', field: 'spec' });
    expect(cause?.message.startsWith('Forbidden: pod updates may not change fields other than `spec.containers[*].image`,')).toBe(true);
  });
});

describe('Service validation', () => {
  const services = () => collection('', 'services', ns());
  const RANGE = 'must be between 1 and 65535, inclusive';
  it.each<[string, Record<string, unknown>, Cause[]]>([
    ['no ports', {}, [requiredCause('spec.ports')]],
    ['port 0', { ports: [{ port: 0 }] }, [invalidCause('spec.ports[0].port', '0', RANGE), invalidCause('spec.ports[0].targetPort', '0', RANGE)]],
    [
      'unnamed ports when there are several',
      { ports: [{ port: 80 }, { port: 81 }] },
      [requiredCause('spec.ports[0].name'), requiredCause('spec.ports[1].name')],
    ],
    [
      'an unknown protocol and a bad targetPort name',
      { ports: [{ port: 80, protocol: 'HTTP', targetPort: 'no_good' }] },
      [
        unsupportedCause('spec.ports[0].protocol', 'HTTP', ['SCTP', 'TCP', 'UDP']),
        invalidCause('spec.ports[0].targetPort', '"no_good"', 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'),
      ],
    ],
    [
      'an unknown type',
      { type: 'Bogus', ports: [{ port: 80 }] },
      [unsupportedCause('spec.type', 'Bogus', ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'])],
    ],
  ])('refuses %s', async (_what, spec, causes) => {
    expectInvalid(await api.post(services(), { metadata: { name: 'bad' }, spec }), 'Service', '', 'bad', causes);
  });

  it('keeps an allocated cluster IP', async () => {
    await api.post(services(), { metadata: { name: 'ip' }, spec: { ports: [{ port: 80 }] } });
    const answer = await api.merge(`${services()}/ip`, { spec: { clusterIP: '10.0.0.99' } });
    expectInvalid(answer, 'Service', '', 'ip', [invalidCause('spec.clusterIPs[0]', '[]string{"10.0.0.99"}', 'may not change once set')]);
  });
});

describe('RBAC validation', () => {
  it('refuses a Role rule without verbs', async () => {
    const body = { metadata: { name: 'role' }, rules: [{ apiGroups: [''], resources: ['pods'] }] };
    expectInvalid(await api.post(collection(RBAC, 'roles', ns()), body), 'Role', RBAC, 'role', [
      requiredCause('rules[0].verbs', 'verbs must contain at least one value'),
    ]);
  });

  it('refuses a RoleBinding subject of an unknown kind', async () => {
    const body = { metadata: { name: 'rb' }, roleRef: { apiGroup: RBAC, kind: 'Role', name: 'r' }, subjects: [{ kind: 'Robot', name: 'x' }] };
    expectInvalid(await api.post(collection(RBAC, 'rolebindings', ns()), body), 'RoleBinding', RBAC, 'rb', [
      unsupportedCause('subjects[0].kind', 'Robot', ['ServiceAccount', 'User', 'Group']),
    ]);
  });

  it('refuses a RoleBinding without roleRef', async () => {
    expectInvalid(await api.post(collection(RBAC, 'rolebindings', ns()), { metadata: { name: 'rb' } }), 'RoleBinding', RBAC, 'rb', [
      unsupportedCause('roleRef.kind', '', ['Role', 'ClusterRole']),
      requiredCause('roleRef.name'),
    ]);
  });

  it('keeps roleRef immutable', async () => {
    const body = { metadata: { name: 'fixed' }, roleRef: { apiGroup: RBAC, kind: 'Role', name: 'r' } };
    await api.post(collection(RBAC, 'rolebindings', ns()), body);
    const answer = await api.merge(`${collection(RBAC, 'rolebindings', ns())}/fixed`, { roleRef: { name: 'other' } });
    expectInvalid(answer, 'RoleBinding', RBAC, 'fixed', [
      invalidCause('roleRef', 'rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"other"}', 'cannot change roleRef'),
    ]);
  });
});
