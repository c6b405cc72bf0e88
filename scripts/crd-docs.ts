/**
 * Writes docs/crds.md, the CRD reference, from the schemas (`npm run docs:crds`).
 * With `--check`, writes nothing and exits 1 when the file is stale.
 */
import { fileURLToPath } from 'node:url';
import { CRD_REFERENCE_FILE, crdReference } from '@kubeception/samples/crd-reference';
import { writeOrCheck } from './generated-file.js';

writeOrCheck(fileURLToPath(CRD_REFERENCE_FILE), crdReference(), 'npm run docs:crds');
