/**
 * Kubernetes resource quantities (`4Gi`, `500M`, `1.5`, `100m`, `1e3`), parsed with the
 * same grammar as `k8s.io/apimachinery/pkg/api/resource`.
 */

/** The quantity grammar, as controller-gen emits it for CRD schemas (RE2-compatible). */
export const QUANTITY_PATTERN = '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';
const GRAMMAR = new RegExp(QUANTITY_PATTERN);

const SUFFIX: Readonly<Record<string, number>> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** Parses a quantity into a plain number (bytes for memory, cores for cpu); `undefined` if invalid. */
export function parseQuantity(text: string): number | undefined {
  if (!GRAMMAR.test(text)) return undefined;
  const match = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(.*)$/.exec(text);
  if (!match) return undefined;
  const [, number = '', suffix = ''] = match;
  if (/^[eE]/.test(suffix)) return Number(number) * 10 ** Number(suffix.slice(1));
  const scale = SUFFIX[suffix];
  return scale === undefined ? undefined : Number(number) * scale;
}

/** Formats a byte count with the largest binary suffix that divides it (`4Gi`, `1536Mi`). */
export function formatBytes(bytes: number): string {
  for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'] as const) {
    const scale = SUFFIX[suffix] ?? 1;
    if (bytes >= scale && bytes % scale === 0) return `${bytes / scale}${suffix}`;
  }
  return String(bytes);
}
