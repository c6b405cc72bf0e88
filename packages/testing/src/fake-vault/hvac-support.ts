/**
 * Runs hvac — the Python Vault client, a client nobody here wrote — against a served fake, for the
 * fake's own tests (internal).
 *
 * hvac comes from Debian's `python3-hvac` (0.11), installed for `/usr/bin/python3`; a `python3`
 * earlier on `PATH` (pyenv, a venv) usually lacks it, so that interpreter is tried first. Without
 * hvac the tests skip with the reason, unless `KUBECEPTION_SYSTEM_TESTS=required` (CI), which fails.
 */
import { execFile, execFileSync } from 'node:child_process';
import { systemTestsRequired } from '../system/tools.js';

const CANDIDATES = ['/usr/bin/python3', 'python3'];

function findHvacPython(): string | undefined {
  for (const python of CANDIDATES) {
    try {
      execFileSync(python, ['-c', 'import hvac'], { stdio: 'ignore' });
      return python;
    } catch {
      // no interpreter here, or no hvac for it
    }
  }
  return undefined;
}

/** A Python interpreter that imports hvac, or why there is none. Throws when hvac is missing and system tests are required. */
export function hvacGate(): { readonly run: true; readonly python: string } | { readonly run: false; readonly why: string } {
  const python = findHvacPython();
  if (python !== undefined) return { run: true, python };
  const why = 'hvac is not installed (apt-get install -y python3-hvac, as .ci/run does)';
  if (systemTestsRequired()) throw new Error(`KUBECEPTION_SYSTEM_TESTS=required but ${why}`);
  return { run: false, why };
}

/**
 * Runs `script` with `client`, an `hvac.Client` for `url` and `token`, already defined, and
 * returns what it printed as JSON. Asynchronous on purpose: the fake answers from this process.
 */
export function runHvac<T>(python: string, url: string, token: string, script: string): Promise<T> {
  const program = ['import hvac, json, sys', 'client = hvac.Client(url=sys.argv[1], token=sys.argv[2])', script].join('\n');
  return new Promise((resolve, reject) => {
    execFile(python, ['-c', program, url, token], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`hvac script failed: ${err.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout) as T);
      } catch {
        reject(new Error(`hvac script printed no JSON: ${stdout}\n${stderr}`));
      }
    });
  });
}
