/**
 * What the docs generators share: write a generated file, or with `--check` write nothing and
 * exit 1 when the file on disk is not what would be generated (the file is stale).
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** Writes `wanted` to `file`, or checks it when the command line has `--check`; `command` regenerates it. */
export function writeOrCheck(file: string, wanted: string, command: string): void {
  if (!process.argv.includes('--check')) {
    writeFileSync(file, wanted);
    console.log(`wrote ${file}`);
    return;
  }
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // a missing file is stale
  }
  if (current === wanted) console.log(`${file} is up to date`);
  else {
    console.error(`${file} is stale: run \`${command}\``);
    process.exitCode = 1;
  }
}
