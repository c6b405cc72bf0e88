/**
 * Fast checks of the launcher script (`../launcher/launcher.sh`) against the contract in
 * `render/launcher.ts`; the real run with QEMU is `tests/src/kvm/qemu/qemu.e2e.test.ts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CERTIFICATE_MOUNT_TAG, IGNITION_FW_CFG_NAME, LauncherEnv } from './render/launcher.js';
import { KvmAnnotation } from './render/names.js';

const SCRIPT = new URL('../launcher/launcher.sh', import.meta.url).pathname;
const text = readFileSync(SCRIPT, 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'kc-launcher-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** One HTTP request through `launcher.sh health-request`, as socat runs it per connection. */
function request(path: string, env: Record<string, string>): string {
  const result = spawnSync('bash', [SCRIPT, 'health-request'], {
    input: `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 10_000,
  });
  return result.stdout;
}

describe('launcher.sh', () => {
  it('is valid bash', () => {
    const result = spawnSync('bash', ['-n', SCRIPT], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('reads every variable of the contract and writes the annotation the driver reads', () => {
    const missing = Object.values(LauncherEnv).filter((name) => !new RegExp(`\\$\\{?${name}\\b`).test(text));
    expect(missing).toEqual([]);
    expect(text).toContain(`'${KvmAnnotation.VmIp}'`);
    expect(text).toContain('application/merge-patch+json');
  });

  it('passes the boot config as fw_cfg and the certificates as a read-only 9p share, never reading them itself', () => {
    expect(text).toMatch(/-fw_cfg "name=\$\(opt "\$BOOT_CONFIG_FW_CFG"\),file=\$\(opt "\$BOOT_CONFIG_PATH"\)"/);
    expect(text).toMatch(/-virtfs "local,path=\$\(opt "\$CERTIFICATE_DIR"\),mount_tag=\$CERTIFICATE_MOUNT_TAG,security_model=none,readonly=on"/);
    const certificateUses = text.split('\n').filter((line) => line.includes('$CERTIFICATE_DIR') || line.includes('"$CERTIFICATE_DIR"'));
    expect(certificateUses.every((line) => /-virtfs|\[ -d "\$CERTIFICATE_DIR" \]/.test(line))).toBe(true);
    expect(IGNITION_FW_CFG_NAME.startsWith('opt/')).toBe(true);
    expect(CERTIFICATE_MOUNT_TAG.length).toBeLessThanOrEqual(31);
  });

  it('refuses to start without its environment', () => {
    const result = spawnSync('bash', [SCRIPT], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('environment variable VM_NAME is required');
  });

  it.each([
    ['VM_NAME', 'x,set=evil', 'VM_NAME must be a DNS-1123 label'],
    ['VM_NAME', 'a$(id)', 'VM_NAME must be a DNS-1123 label'],
    ['VM_MAC', '52:54:00:00:00:01,x', 'VM_MAC must be a MAC address'],
    ['TAP', 'tap,script=/x', 'BRIDGE and TAP must be interface names'],
  ])('refuses %s=%j before using it', (name, value, message) => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      VM_NAME: 'demo-master-0',
      VM_MAC: '52:54:00:12:34:56',
      BRIDGE: 'br-demo',
      TAP: 'tap-demo',
    };
    for (const variable of [
      'VM_ROLE',
      'VM_CORES',
      'VM_MEMORY_MIB',
      'VM_DISK_MIB',
      'VM_DIR',
      'GUEST_IMAGE_CACHE',
      'BOOT_CONFIG_PATH',
      'BOOT_CONFIG_FW_CFG',
      'CERTIFICATE_DIR',
      'CERTIFICATE_MOUNT_TAG',
      'FLANNEL_SUBNET_FILE',
      'HEALTH_PORT',
      'GUEST_DISK',
    ])
      env[variable] ??= tmp;
    env[name] = value;
    const result = spawnSync('bash', [SCRIPT], { env, encoding: 'utf8', timeout: 10_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(message);
  });

  it('serves /status, and /healthz and /readyz as 503 while QEMU is not running', () => {
    const env = { VM_DIR: tmp, KC_VM_IP: '10.1.3.2', KC_READY_TCP_PORT: '1' };
    const status = request('/status', env);
    expect(status).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(status.endsWith('\r\n\r\n{"ip":"10.1.3.2"}')).toBe(true);
    expect(request('/healthz', env)).toMatch(/^HTTP\/1\.1 503 /);
    expect(request('/readyz', env)).toMatch(/^HTTP\/1\.1 503 /);
    expect(request('/nope', env)).toMatch(/^HTTP\/1\.1 404 /);
  });

  it('answers /healthz 200 while the recorded QEMU process runs', () => {
    writeFileSync(join(tmp, 'qemu.pid'), String(process.pid));
    expect(request('/healthz', { VM_DIR: tmp, KC_VM_IP: '10.1.3.2', KC_READY_TCP_PORT: '1' })).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nok\n$/);
  });
});
