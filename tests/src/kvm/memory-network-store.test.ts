/** The shared flannel store behaviour, on the in-memory store. */
import { createMemoryNetworkStore } from '@kubeception/driver-kvm';
import { networkStoreSuite } from './network-store-suite.js';

networkStoreSuite('memory network store', () => createMemoryNetworkStore());
