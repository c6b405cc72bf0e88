/**
 * Writes docs/crds.md, the CRD reference, from the schemas (`npm run docs:crds`).
 * With `--check`, writes nothing and exits 1 when the file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CRD_REFERENCE_FILE, crdReference } from '@kubeception/samples/crd-reference';

const file = fileURLToPath(CRD_REFERENCE_FILE);
const wanted = crdReference();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // a missing file is stale
  }
  if (current !== wanted) {
    console.error(`${file} is stale: run \`npm run docs:crds\``);
    process.exitCode = 1;
  }
} else {
  writeFileSync(file, wanted);
  console.log(`wrote ${file}`);
}
