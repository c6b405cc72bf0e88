/** A fake host (API server) and a fake Vault with the PKI controllers running, on one shared clock. */
import { Writable } from 'node:stream';
import { kubeceptionCrds } from '@kubeception/sdk';
import { createKubeClient, type KubeClient } from '@kubeception/sdk/kube';
import { createManager, type Manager } from '@kubeception/sdk/runtime';
import { certOperatorControllers, createVaultPki } from '@kubeception/pki-vault';
import { startFakeVault, type FakeKube, type KubeServer, type StartedFakeVault } from '@kubeception/testing';
import { startLaneHost } from '../conformance/lane/host.js';
import vault from 'node-vault';
import { pino } from 'pino';

export interface PkiHarness {
  readonly kube: KubeClient;
  /** The host API server: a fresh fake, or a real one on the real server's lane (e2e:kube-apiserver). */
  readonly server: Pick<KubeServer, 'kubeConfig' | 'stop'>;
  /** The fake host, when the harness runs on one (its request log, faults). */
  readonly fakeKube: FakeKube | undefined;
  readonly fakeVault: StartedFakeVault;
  readonly manager: Manager;
  /** Queues every Certificate again (what the resync period does), e.g. after `advance`. */
  resyncCertificates(): void;
  /** Queues every CertificateAuthority again (what the resync period does), e.g. after changing Vault behind its back. */
  resyncAuthorities(): void;
  /** Everything the operators logged, as text. */
  readonly logs: () => string;
  /** Moves the shared clock forward. */
  advance(ms: number): void;
  now(): Date;
  vaultClient(token?: string): ReturnType<typeof vault>;
  stop(): Promise<void>;
}

export async function startPkiHarness(): Promise<PkiHarness> {
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const { server, fakeKube } = await startLaneHost(kubeceptionCrds());
  const fakeVault = await startFakeVault({ now, maxLeaseTtl: '876000h' });
  const vaultClient = (token = fakeVault.rootToken) => vault({ endpoint: fakeVault.url, token, noCustomHTTPVerbs: true });
  const pki = createVaultPki({ client: vaultClient() });
  let logText = '';
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => ((logText += chunk.toString()), done()) });
  const [authorities, certificates] = certOperatorControllers({ pki, now });
  const manager = createManager({
    kube: createKubeClient({ kubeConfig: server.kubeConfig, qps: 0, retry: { maxAttempts: 1 } }),
    controllers: [authorities, certificates],
    logger: pino({ level: 'debug' }, sink),
    shutdownTimeoutMs: 2_000,
  });
  void manager.start();
  return {
    kube: createKubeClient({ kubeConfig: server.kubeConfig, qps: 0 }),
    server,
    fakeKube,
    fakeVault,
    manager,
    resyncCertificates: () => certificates.resync(),
    resyncAuthorities: () => authorities.resync(),
    logs: () => logText,
    advance: (ms) => (offset += ms),
    now,
    vaultClient,
    stop: async () => {
      await manager.stop();
      await fakeVault.close();
      await server.stop();
    },
  };
}
