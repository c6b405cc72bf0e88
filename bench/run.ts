/**
 * Runs every benchmark in bench/ (files named *.bench.ts), prints a table of figures with
 * ratios against baselines measured in the same run, and writes bench/results.json
 * (`{ environment: { node, v8, platform, cpus }, quick, figures }`).
 *
 * `npm run bench -- --quick` uses small sizes.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Figure } from './figure.js';

const quick = process.argv.includes('--quick');
// figures depend on the runtime: every run says which one measured them
const environment = { node: process.version, v8: process.versions.v8, platform: `${process.platform}-${process.arch}`, cpus: availableParallelism() };
console.log(`node ${environment.node} (V8 ${environment.v8}), ${environment.platform}, ${environment.cpus} CPUs${quick ? ', quick sizes' : ''}`);
const dir = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const figures: Figure[] = [];
for (const file of files) {
  const mod = (await import(new URL(file, import.meta.url).href)) as { run: (options: { quick: boolean }) => Promise<Figure[]> };
  const produced = await mod.run({ quick });
  figures.push(...produced);
}

const rows = figures.map((f) => [
  f.name,
  `${format(f.value)} ${f.unit}`,
  f.baseline === undefined ? '' : `${format(f.baseline)} ${f.unit}`,
  f.ratio === undefined ? '' : `${f.ratio >= 0.1 ? f.ratio.toFixed(2) : f.ratio.toPrecision(2)}×`,
]);
const header = ['figure', 'value', 'baseline', 'ratio'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
writeFileSync(new URL('results.json', import.meta.url), `${JSON.stringify({ environment, quick, figures }, null, 2)}\n`);
console.log(`\nwrote bench/results.json (${figures.length} figures${quick ? ', quick sizes' : ''})`);

function format(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3);
}
