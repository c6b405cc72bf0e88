/**
 * The CPU one call costs in the operators' thread through each client they use, against
 * `kubeception-fakes` running as a process of its own (so none of the fakes' work counts here),
 * the host API over TLS as a real server's, the fake Vault over plain HTTP as the benches' worlds
 * serve it: what the operators pay per host API request, per Vault request and per watch event
 * whatever their own code does (issue 24: the floor under "operators' CPU per KVM
 * Cluster").
 *
 * - host API apply / get: a server-side apply that changes a ConfigMap, and a get, through the
 *   SDK's resource client (client-node's `CustomObjectsApi` on the SDK's HTTP library);
 * - one watch event into one informer's store: creates with three informers of the kind open, less
 *   the same creates with none, per informer;
 * - Vault write / read: a PKI role written and read through node-vault.
 *
 * Each is the thread's CPU (its `/proc` stat) over 2,000 calls (300 with --quick), 8 in flight,
 * after a warm-up. Baseline, same run: the same request sent bare with undici's
 * `Dispatcher.request` over a kept-alive connection (with the same TLS material to the host API),
 * its JSON body parsed, so the ratio is each client's cost over one bare round trip. Watch events have no
 * baseline.
 */
import type { RequestOptions as ConnectionOptions } from 'node:https';
import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { Agent } from 'undici';
import nodeVault from 'node-vault';
import { ConfigMapResource, createKubeClient, type KubeClient } from '@kubeception/sdk/kube';
import { startInformer } from '@kubeception/sdk/runtime';
import { startFakesProcess } from '@kubeception/tests';
import { threadCpuMs, type Figure } from './figure.js';

/** In flight at once: the operators' controllers run several reconciles at a time. */
const IN_FLIGHT = 8;

/** This thread's CPU microseconds per call of `call`, run `count` times, `IN_FLIGHT` at a time (and `then`, counted too). */
async function cpuPerCall(count: number, call: (i: number) => PromiseLike<unknown>, then?: () => Promise<void>): Promise<number> {
  const before = threadCpuMs();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let i = next++; i < count; i = next++) await call(i);
    }),
  );
  await then?.();
  const after = threadCpuMs();
  if (before === undefined || after === undefined) throw new Error('this thread CPU time is read from /proc (Linux only)');
  return ((after - before) * 1000) / count;
}

/** A ConfigMap of about the size the operators write (labels, an annotation, a few values). */
const configMap = (name: string, round: number) => ({
  apiVersion: 'v1' as const,
  kind: 'ConfigMap' as const,
  metadata: {
    name,
    namespace: 'default',
    labels: { 'app.kubernetes.io/managed-by': 'bench', 'kubeception.io/cluster': 'kvm-1' },
    annotations: { 'kubeception.io/owner': 'Cluster default/kvm-1' },
  },
  data: { round: String(round), config: 'x'.repeat(200) },
});

/** Apply, get and watch-event figures of the host API client. */
async function hostFigures(kube: KubeClient, bare: (method: 'GET' | 'PATCH', name: string, body?: string) => Promise<void>, count: number): Promise<Figure[]> {
  const maps = kube.resource(ConfigMapResource);
  const apply = (prefix: string, round: number) => (i: number) =>
    maps.apply(configMap(`${prefix}-${i}`, round), { force: true }).then((r) => r._unsafeUnwrap());
  await cpuPerCall(count, apply('warm', 0));
  await cpuPerCall(count, apply('a', 0));
  const applied = await cpuPerCall(count, apply('a', 1));
  const bareApply = await cpuPerCall(count, (i) => bare('PATCH', `a-${i}`, JSON.stringify(configMap(`a-${i}`, 2))));
  const got = await cpuPerCall(count, (i) => maps.get(`a-${i}`, { namespace: 'default' }).then((r) => r._unsafeUnwrap()));
  const bareGet = await cpuPerCall(count, (i) => bare('GET', `a-${i}`));
  // a watch event: what three informers add to the same creates (until each holds them all), per informer
  const alone = await cpuPerCall(count, apply('b', 0));
  const watching = new AbortController();
  try {
    const informers = [0, 1, 2].map(() => startInformer(kube, ConfigMapResource, { namespace: 'default', signal: watching.signal }));
    await Promise.all(informers.map((informer) => informer.synced()));
    const delivered = async () => {
      const all = () => informers.every((informer) => Array.from({ length: count }, (_, i) => informer.store.get(`default/c-${i}`)).every(Boolean));
      while (!all()) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    const watched = await cpuPerCall(count, apply('c', 0), delivered);
    const event = (watched - alone) / informers.length;
    return [
      { name: 'host API apply (SDK resource client): CPU per call', value: applied, unit: 'µs', baseline: bareApply, ratio: applied / bareApply },
      { name: 'host API get (SDK resource client): CPU per call', value: got, unit: 'µs', baseline: bareGet, ratio: got / bareGet },
      { name: `one watch event into one informer's store: CPU`, value: event, unit: 'µs' },
    ];
  } finally {
    watching.abort();
  }
}

/** Write and read figures of node-vault. */
async function vaultFigures(endpoint: string, token: string, dispatcher: Agent, count: number): Promise<Figure[]> {
  const vault = nodeVault({ endpoint, token, noCustomHTTPVerbs: true });
  await vault.write('sys/mounts/pki-bench', { type: 'pki' });
  const role = { allow_any_name: true, key_type: 'ec', key_bits: 256, max_ttl: '720h' };
  const bare = (method: 'GET' | 'POST', i: number) =>
    dispatcher
      .request({
        origin: new URL(endpoint).origin,
        path: `/v1/pki-bench/roles/r-${i}`,
        method,
        headers: { 'x-vault-token': token, 'content-type': 'application/json' },
        body: method === 'POST' ? JSON.stringify(role) : null,
      })
      .then((response) => response.body.text())
      .then((text) => (text === '' ? undefined : (JSON.parse(text) as unknown)));
  await cpuPerCall(count, (i) => vault.write(`pki-bench/roles/warm-${i}`, role));
  const written = await cpuPerCall(count, (i) => vault.write(`pki-bench/roles/r-${i}`, role));
  const bareWritten = await cpuPerCall(count, (i) => bare('POST', i));
  const read = await cpuPerCall(count, (i) => vault.read(`pki-bench/roles/r-${i}`));
  const bareRead = await cpuPerCall(count, (i) => bare('GET', i));
  return [
    { name: 'Vault write (node-vault): CPU per call', value: written, unit: 'µs', baseline: bareWritten, ratio: written / bareWritten },
    { name: 'Vault read (node-vault): CPU per call', value: read, unit: 'µs', baseline: bareRead, ratio: read / bareRead },
  ];
}

export async function run({ quick }: { quick: boolean }): Promise<Figure[]> {
  const count = quick ? 300 : 2000;
  const fakes = await startFakesProcess({ args: ['--no-vms', '--nodes', '1'] });
  const agents: Agent[] = [];
  try {
    const config = fakes.kubeConfig;
    const kube = createKubeClient({ kubeConfig: config, userAgent: 'bench', qps: 0 });
    // the bare baseline: kept-alive connections with the kubeconfig's TLS material and credentials
    const tls: ConnectionOptions = {};
    await config.applyToHTTPSOptions(tls);
    const authenticated = new RequestContext(config.getCurrentCluster()!.server, HttpMethod.GET);
    await config.applySecurityAuthentication(authenticated);
    const headers = authenticated.getHeaders();
    const { ca, cert, key, rejectUnauthorized, servername } = tls;
    const connect = { ca, cert, key, rejectUnauthorized, servername };
    const hostAgent = new Agent({ connect });
    const vaultAgent = new Agent({ connect });
    agents.push(hostAgent, vaultAgent);
    const server = new URL(config.getCurrentCluster()!.server);
    const bare = async (method: 'GET' | 'PATCH', name: string, body?: string) => {
      const response = await hostAgent.request({
        origin: server.origin,
        path: `/api/v1/namespaces/default/configmaps/${name}${method === 'PATCH' ? '?fieldManager=bench&force=true' : ''}`,
        method,
        headers: { ...headers, ...(method === 'PATCH' ? { 'content-type': 'application/apply-patch+yaml' } : {}) },
        body: body ?? null,
      });
      JSON.parse(await response.body.text());
    };
    return [...(await hostFigures(kube, bare, count)), ...(await vaultFigures(fakes.ready.vault, fakes.environment.VAULT_TOKEN!, vaultAgent, count))];
  } finally {
    await Promise.all(agents.map((agent) => agent.close()));
    await fakes.stop();
  }
}
