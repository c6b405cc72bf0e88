/**
 * Defaults of the built-in kinds, as a client reads them back after a create: pod templates and
 * workloads, Pods, Services (allocated cluster IPs and node ports), RBAC subjects, network
 * policies, claims; and what bumps a Deployment's generation.
 */
import { describe, expect, it } from 'vitest';
import { collection, requests } from './builtin-requests.js';
import { appliesHere, VersionRules } from './lane/server.js';
import { useTarget } from './target.js';

const { target, ns } = useTarget('builtin-defaults');
const api = requests(target);
const apps = (plural: string) => collection('apps', plural, ns());
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- objects read back are plain wire JSON

const container = (image = 'nginx:1.25') => ({ name: 'c', image });
const template = (spec: Obj = {}) => ({ metadata: { labels: { app: 'a' } }, spec: { containers: [container()], ...spec } });
const selected = (name: string, spec: Obj = {}) => ({ metadata: { name }, spec: { selector: { matchLabels: { app: 'a' } }, template: template(), ...spec } });
const create = async (path: string, obj: Obj): Promise<Obj> => {
  const answer = await api.post(path, obj);
  expect(answer.status, answer.body).toBe(201);
  return answer.json();
};
/** The defaults of a pod template's spec with one container. */
const templateSpec = (image = 'nginx:1.25', pullPolicy = 'IfNotPresent') => ({
  containers: [
    { ...container(image), resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: pullPolicy },
  ],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  dnsPolicy: 'ClusterFirst',
  securityContext: {},
  schedulerName: 'default-scheduler',
});

describe('workload defaults', () => {
  it('defaults a Deployment: replicas, strategy, history, deadline and the pod template', async () => {
    const created = await create(apps('deployments'), selected('defaults'));
    expect(created.spec).toMatchObject({
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: { metadata: { labels: { app: 'a' } }, spec: templateSpec() },
    });
    expect(created.spec.template.spec).toEqual(templateSpec());
    expect(created.status).toEqual({});
  });

  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['localhost:5000/app', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000', 'IfNotPresent'],
  ])('pulls image %s with imagePullPolicy %s', async (image, policy) => {
    const created = await create(apps('replicasets'), {
      ...selected(''),
      metadata: { generateName: 'pull-' },
      spec: { ...selected('').spec, template: { ...template(), spec: { containers: [container(image)] } } },
    });
    expect(created.spec.template.spec.containers[0].imagePullPolicy).toBe(policy);
  });

  it('defaults a ReplicaSet to one replica', async () => {
    const created = await create(apps('replicasets'), selected('rs'));
    expect({ replicas: created.spec.replicas, template: created.spec.template.spec }).toEqual({ replicas: 1, template: templateSpec() });
  });

  it('defaults a DaemonSet: update strategy, history, template generation annotation and status counters', async () => {
    const created = await create(apps('daemonsets'), selected('ds'));
    const rollingUpdate = appliesHere(VersionRules.daemonSetMaxSurge) ? { maxUnavailable: 1 } : { maxUnavailable: 1, maxSurge: 0 };
    expect(created.spec).toMatchObject({ updateStrategy: { type: 'RollingUpdate', rollingUpdate }, revisionHistoryLimit: 10 });
    expect(created.spec.updateStrategy.rollingUpdate).toEqual(rollingUpdate);
    expect(created.metadata.annotations).toEqual({ 'deprecated.daemonset.template.generation': '1' });
    expect(created.status).toEqual({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
    const updated = (await api.merge(`${apps('daemonsets')}/ds`, { spec: { template: { spec: { containers: [container('nginx:1.26')] } } } })).json<Obj>();
    expect({ generation: updated.metadata.generation, annotations: updated.metadata.annotations }).toEqual({
      generation: 2,
      annotations: { 'deprecated.daemonset.template.generation': '2' },
    });
  });

  it('defaults a Job: parallelism, completions, backoffLimit', async () => {
    const job = { metadata: { name: 'job' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [container()] } } } };
    const created = await create(collection('batch', 'jobs', ns()), job);
    expect(created.spec).toMatchObject({ parallelism: 1, completions: 1, backoffLimit: 6, template: { spec: { ...templateSpec(), restartPolicy: 'Never' } } });
  });
});

describe("a Deployment's generation", () => {
  it.each<[string, Obj, number]>([
    ['a spec change', { spec: { replicas: 3 } }, 2],
    ['an annotation change', { metadata: { annotations: { note: 'x' } } }, 2],
    ['a label change', { metadata: { labels: { team: 'x' } } }, 1],
  ])('after %s is %i', async (what, patch, generation) => {
    const name = `gen-${what.split(' ')[1]}`;
    await create(apps('deployments'), selected(name));
    const updated = (await api.merge(`${apps('deployments')}/${name}`, patch)).json<Obj>();
    expect(updated.metadata.generation).toBe(generation);
  });

  it('stays after a /status write, which takes annotations (the revision, from the controller) but not labels', async () => {
    await create(apps('deployments'), selected('gen-status'));
    const patch = { metadata: { annotations: { 'deployment.kubernetes.io/revision': '1' }, labels: { x: 'y' } }, status: { observedGeneration: 1 } };
    const updated = (await api.merge(`${apps('deployments')}/gen-status/status`, patch)).json<Obj>();
    const { generation, annotations, labels } = updated.metadata;
    expect({ generation, annotations, labels, status: updated.status }).toEqual({
      generation: 1,
      annotations: { 'deployment.kubernetes.io/revision': '1' },
      labels: undefined,
      status: { observedGeneration: 1 },
    });
  });
});

describe('Pod defaults', () => {
  const pods = () => collection('', 'pods', ns());
  it('defaults a Pod spec and its status', async () => {
    const created = await create(pods(), { metadata: { name: 'pod' }, spec: { containers: [{ ...container(), ports: [{ containerPort: 80 }] }] } });
    const [defaulted] = templateSpec().containers;
    expect(created.spec).toMatchObject({
      ...templateSpec(),
      containers: [{ ...defaulted, ports: [{ containerPort: 80, protocol: 'TCP' }] }],
      enableServiceLinks: true,
    });
    expect(created.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  it.each([
    ['Guaranteed', { limits: { cpu: '1', memory: '1Gi' } }, { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } }],
    ['Burstable', { requests: { cpu: '100m' } }, { requests: { cpu: '100m' } }],
  ])('is %s with resources %j, requests defaulted from limits', async (qos, resources, stored) => {
    const created = await create(pods(), { metadata: { name: `qos-${qos.toLowerCase()}` }, spec: { containers: [{ ...container(), resources }] } });
    expect({ qos: created.status.qosClass, resources: created.spec.containers[0].resources }).toEqual({ qos, resources: stored });
  });
});

describe('Service defaults and allocations', () => {
  const services = () => collection('', 'services', ns());
  const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;
  const families = () => (appliesHere(VersionRules.serviceIpFamilies) ? {} : { ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
  const internal = () => (appliesHere(VersionRules.serviceInternalTrafficPolicy) ? {} : { internalTrafficPolicy: 'Cluster' });

  it('allocates a cluster IP and defaults a ClusterIP Service', async () => {
    const created = await create(services(), { metadata: { name: 'cluster-ip' }, spec: { ports: [{ port: 80 }], selector: { app: 'a' } } });
    expect(created.spec.clusterIP).toMatch(IPV4);
    expect(created.spec).toEqual({
      ports: [{ protocol: 'TCP', port: 80, targetPort: 80 }],
      selector: { app: 'a' },
      clusterIP: created.spec.clusterIP,
      clusterIPs: [created.spec.clusterIP],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ...families(),
      ...internal(),
    });
    expect(created.status).toEqual({ loadBalancer: {} });
  });

  it('allocates node ports to a NodePort Service', async () => {
    const created = await create(services(), {
      metadata: { name: 'node-port' },
      spec: { type: 'NodePort', ports: [{ name: 'web', port: 80, targetPort: 'http' }] },
    });
    const [port] = created.spec.ports;
    expect(port).toEqual({ name: 'web', protocol: 'TCP', port: 80, targetPort: 'http', nodePort: port.nodePort });
    expect(port.nodePort).toBeGreaterThanOrEqual(30000);
    expect(port.nodePort).toBeLessThanOrEqual(32767);
    expect(created.spec.externalTrafficPolicy).toBe('Cluster');
  });

  it('keeps a headless Service without a cluster IP', async () => {
    const created = await create(services(), { metadata: { name: 'headless' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } });
    expect({ clusterIP: created.spec.clusterIP, clusterIPs: created.spec.clusterIPs }).toEqual({ clusterIP: 'None', clusterIPs: ['None'] });
  });

  it('allocates nothing to an ExternalName Service', async () => {
    const created = await create(services(), { metadata: { name: 'external' }, spec: { type: 'ExternalName', externalName: 'example.com' } });
    expect(created.spec).toEqual({ type: 'ExternalName', sessionAffinity: 'None', externalName: 'example.com' });
  });
});

describe('other defaults', () => {
  const RBAC = 'rbac.authorization.k8s.io';
  it('gives User and Group subjects the RBAC API group, ServiceAccounts none', async () => {
    const subjects = [
      { kind: 'User', name: 'alice' },
      { kind: 'ServiceAccount', name: 'sa', namespace: ns() },
      { kind: 'Group', name: 'g' },
    ];
    const created = await create(collection(RBAC, 'rolebindings', ns()), {
      metadata: { name: 'rb' },
      roleRef: { apiGroup: RBAC, kind: 'Role', name: 'r' },
      subjects,
    });
    expect(created.subjects).toEqual([{ ...subjects[0], apiGroup: RBAC }, subjects[1], { ...subjects[2], apiGroup: RBAC }]);
  });

  it.each([
    ['ingress rules', { ingress: [{ ports: [{ port: 80 }] }] }, ['Ingress']],
    ['egress rules', { egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }, ['Ingress', 'Egress']],
  ])('defaults a NetworkPolicy with %s: policyTypes and port protocols', async (_what, rules, policyTypes) => {
    const created = await create(collection('networking.k8s.io', 'networkpolicies', ns()), {
      metadata: { generateName: 'np-' },
      spec: { podSelector: {}, ...rules },
    });
    const ports = (created.spec.ingress ?? created.spec.egress)[0].ports;
    expect({ policyTypes: created.spec.policyTypes, protocol: ports[0].protocol }).toEqual({ policyTypes, protocol: ports[0].port === 53 ? 'UDP' : 'TCP' });
  });

  it('defaults a PersistentVolumeClaim to Filesystem, Pending', async () => {
    const spec = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
    const created = await create(collection('', 'persistentvolumeclaims', ns()), { metadata: { name: 'claim' }, spec });
    expect({ spec: created.spec, status: created.status }).toEqual({ spec: { ...spec, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
  });

  it('defaults Endpoints ports to TCP', async () => {
    const subsets = [{ addresses: [{ ip: '10.1.2.3' }], ports: [{ port: 80 }] }];
    const created = await create(collection('', 'endpoints', ns()), { metadata: { name: 'ep' }, subsets });
    expect(created.subsets).toEqual([{ addresses: [{ ip: '10.1.2.3' }], ports: [{ port: 80, protocol: 'TCP' }] }]);
  });

  it('drops unknown nested fields of a Deployment, or refuses them with fieldValidation=Strict', async () => {
    const body = selected('unknown', { bogus: true, template: { ...template(), spec: { containers: [{ ...container(), whatever: 1 }] } } });
    const strict = await api.post(`${apps('deployments')}?fieldValidation=Strict`, body);
    if (!appliesHere(VersionRules.fieldValidation))
      expect({ status: strict.status, message: strict.json().message }).toEqual({
        status: 400,
        message:
          'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].whatever", unknown field "spec.bogus"',
      });
    const created = await create(apps('deployments'), { ...body, metadata: { name: 'unknown-ignored' } });
    expect({ bogus: created.spec.bogus, whatever: created.spec.template.spec.containers[0].whatever }).toEqual({ bogus: undefined, whatever: undefined });
  });
});
