// `engines.node` of our packages must say what their dependencies really need: for every
// installed dependency declaring a lower bound (`>=x.y.z`), ours must be at least as high.
'use strict';
const { readFileSync, readdirSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const parse = (v) => v.split('.').map(Number);
const cmp = (a, b) => {
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  }
  return 0;
};
/** The lowest version a range admits, for the forms `>=x.y.z` and `^x.y.z || …` (else undefined). */
function floor(range) {
  const all = [...range.matchAll(/(?:>=|\^)\s*v?(\d+(?:\.\d+){0,2})/g)].map((m) => parse(m[1]));
  if (all.length === 0 || /<(?!=)|\s-\s/.test(range)) return undefined;
  return all.sort(cmp)[0];
}
function* packages(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) {
      for (const sub of readdirSync(join(dir, name))) yield* pkg(join(dir, name, sub));
    } else yield* pkg(join(dir, name));
  }
}
function* pkg(dir) {
  const file = join(dir, 'package.json');
  if (existsSync(file)) yield JSON.parse(readFileSync(file, 'utf8'));
  yield* packages(join(dir, 'node_modules'));
}
const all = [...packages('node_modules')];
const ours = all.filter((p) => p.name.startsWith('@kubeception/'));
const oursFloor = ours.map((p) => floor(p.engines?.node ?? '')).sort(cmp)[0];
if (!oursFloor) throw new Error('our packages declare no engines.node lower bound');
const tooLow = all
  .filter((p) => !p.name.startsWith('@kubeception/') && !['typescript', '@types/node'].includes(p.name))
  .map((p) => ({ name: `${p.name}@${p.version}`, range: p.engines?.node, min: floor(p.engines?.node ?? '') }))
  .filter((d) => d.min && cmp(d.min, oursFloor) > 0);
if (tooLow.length > 0) {
  console.error(`our engines.node (>=${oursFloor.join('.')}) is lower than what these dependencies need:`);
  for (const d of tooLow) console.error(`  ${d.name}: node ${d.range}`);
  process.exit(1);
}
console.log(`engines: node >=${oursFloor.join('.')} covers all ${all.length - ours.length} installed dependencies' engines`);
