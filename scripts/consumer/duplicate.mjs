// Negative control of the consumer test: the SDK's ES module and CommonJS builds loaded side by
// side are two copies, and the SDK must say so with a KUBECEPTION_DUPLICATE_SDK warning.
import { createRequire } from 'node:module';

const warnings = [];
process.on('warning', (w) => warnings.push(w.code));
await import('@kubeception/sdk');
createRequire(import.meta.url)('@kubeception/sdk');
await new Promise((resolve) => setImmediate(resolve));
if (!warnings.includes('KUBECEPTION_DUPLICATE_SDK')) {
  console.error(`expected a KUBECEPTION_DUPLICATE_SDK warning, got: ${warnings.join(', ') || 'none'}`);
  process.exit(1);
}
console.log('a second SDK copy in one process is reported (KUBECEPTION_DUPLICATE_SDK)');
