/**
 * Whether a module is the program Node was asked to run: the check an operator's `main.ts` makes
 * before running its command line, so that importing it (a test, a bundle) runs nothing.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * True when `moduleUrl` (the caller's `import.meta.url`) is the script Node started with:
 * `process.argv[1]` resolved through symbolic links, as npm's bin links (`npx my-operator`,
 * `node_modules/.bin/my-operator`) and a container's `/app/main.js` name it.
 *
 * @example
 * ```ts
 * import { isMainModule } from '@kubeception/sdk/runtime';
 *
 * if (isMainModule(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
 * ```
 */
export function isMainModule(moduleUrl: string, script: string | undefined = process.argv[1]): boolean {
  if (script === undefined || script === '' || !moduleUrl.startsWith('file:')) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false; // a script that does not exist (node -e, a REPL) is not this module
  }
}
