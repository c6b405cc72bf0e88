/**
 * The tiny test guest: Debian's current kernel and a busybox initramfs whose `/init`
 * ({@link GUEST_INIT}) reports what the launcher delivered.
 *
 * The kernel package is fetched with `apt-get download` (no install) and unpacked with `dpkg-deb`.
 * Its virtio, 9p and fw_cfg drivers are modules: the initramfs carries them and loads them in
 * dependency order. The package has no `modules.dep` (depmod runs at install), so the order comes
 * from each module's own `depends=` field, as depmod would compute it.
 *
 * Everything is cached by kernel package (and a hash of the initramfs inputs) under
 * `node_modules/.cache/kubeception-qemu/`; a cached kernel is reused when apt cannot resolve one.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { findProgram } from '@kubeception/testing';
import { ACPI_POWER_BUTTON_SCRIPT, GUEST_INIT, UDHCPC_SCRIPT } from './guest-init.js';

const run = promisify(execFile);

/** Modules the guest needs; their dependencies are added. */
export const GUEST_MODULES = ['virtio_pci', 'virtio_net', '9pnet_virtio', '9p', 'qemu_fw_cfg', 'button', 'evdev'] as const;

/** The built guest. */
export interface GuestImage {
  /** The kernel (`vmlinuz`). */
  readonly kernel: string;
  /** The gzipped newc initramfs. */
  readonly initrd: string;
  /** The Debian kernel package, e.g. `linux-image-6.1.0-56-amd64`. */
  readonly kernelPackage: string;
  /** Modules in load order. */
  readonly modules: readonly string[];
}

/** Options of {@link buildGuestImage}. */
export interface GuestImageOptions {
  /** @default `<repo>/node_modules/.cache/kubeception-qemu` */
  readonly cacheDir?: string;
}

const DEFAULT_CACHE = new URL('../../../../node_modules/.cache/kubeception-qemu/', import.meta.url).pathname;

/** Builds (or reuses) the guest kernel and initramfs. */
export async function buildGuestImage(options: GuestImageOptions = {}): Promise<GuestImage> {
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE;
  mkdirSync(cacheDir, { recursive: true });
  const kernelPackage = await currentKernelPackage(cacheDir);
  const kernelDir = join(cacheDir, `${kernelPackage}-${shortHash(GUEST_MODULES.join(','))}`);
  if (!existsSync(join(kernelDir, 'modules.order'))) await unpackKernel(kernelPackage, kernelDir);
  const modules = readFileSync(join(kernelDir, 'modules.order'), 'utf8').split('\n').filter(Boolean);
  const busybox = staticBusybox();
  const key = shortHash([GUEST_INIT, UDHCPC_SCRIPT, ACPI_POWER_BUTTON_SCRIPT, modules.join(','), readFileSync(busybox).length].join('\0'));
  const initrd = join(kernelDir, `initramfs-${key}.gz`);
  if (!existsSync(initrd)) await buildInitramfs(initrd, busybox, kernelDir, modules);
  return { kernel: join(kernelDir, 'vmlinuz'), initrd, kernelPackage, modules };
}

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** The package `linux-image-amd64` depends on, or the newest cached one when apt cannot tell. */
async function currentKernelPackage(cacheDir: string): Promise<string> {
  try {
    const { stdout } = await run('apt-cache', ['depends', 'linux-image-amd64']);
    const match = /Depends: (linux-image-[\w.+-]+)/.exec(stdout);
    if (match?.[1] !== undefined) return match[1];
  } catch {
    // fall through to the cache
  }
  const cached = readdirSync(cacheDir)
    .filter((name) => name.startsWith('linux-image-'))
    .sort()
    .at(-1);
  if (cached === undefined) throw new Error('cannot resolve linux-image-amd64 (run apt-get update) and nothing is cached');
  return cached.replace(/-[0-9a-f]{12}$/, '');
}

/** Downloads and unpacks the kernel package; keeps `vmlinuz`, the needed modules and their load order. */
async function unpackKernel(kernelPackage: string, kernelDir: string): Promise<void> {
  const work = `${kernelDir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'deb'), { recursive: true });
  try {
    await run('apt-get', ['download', '-q', kernelPackage], { cwd: join(work, 'deb') });
    const deb = readdirSync(join(work, 'deb')).find((name) => name.endsWith('.deb'));
    if (deb === undefined) throw new Error(`apt-get download ${kernelPackage} produced no .deb`);
    await run('dpkg-deb', ['-x', join(work, 'deb', deb), join(work, 'root')]);
    const out = join(work, 'out');
    mkdirSync(join(out, 'modules'), { recursive: true });
    const vmlinuz = readdirSync(join(work, 'root/boot')).find((name) => name.startsWith('vmlinuz-'));
    if (vmlinuz === undefined) throw new Error(`${kernelPackage} has no /boot/vmlinuz-*`);
    copyFileSync(join(work, 'root/boot', vmlinuz), join(out, 'vmlinuz'));
    const [version] = readdirSync(join(work, 'root/lib/modules'));
    const modules = resolveModules(join(work, 'root/lib/modules', version ?? ''), GUEST_MODULES);
    for (const { name, path } of modules) copyFileSync(path, join(out, 'modules', `${name}.ko`));
    writeFileSync(join(out, 'modules.order'), `${modules.map((m) => m.name).join('\n')}\n`);
    rmSync(kernelDir, { recursive: true, force: true });
    renameSync(out, kernelDir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const moduleName = (file: string) => basename(file).replace(/\.ko$/, '').replaceAll('-', '_');

/** `wanted` and their dependencies (each module's `depends=` modinfo field), dependencies first. */
export function resolveModules(moduleDir: string, wanted: readonly string[]): { readonly name: string; readonly path: string }[] {
  const files = readdirSync(join(moduleDir, 'kernel'), { recursive: true, encoding: 'utf8' });
  const paths = new Map(files.filter((f) => f.endsWith('.ko')).map((f) => [moduleName(f), join(moduleDir, 'kernel', f)]));
  const ordered: { name: string; path: string }[] = [];
  const visit = (name: string, chain: readonly string[]): void => {
    if (ordered.some((m) => m.name === name)) return;
    if (chain.includes(name)) throw new Error(`module dependency cycle: ${[...chain, name].join(' -> ')}`);
    const path = paths.get(name);
    if (path === undefined) throw new Error(`module ${name} not found under ${moduleDir} (compressed modules are not supported)`);
    for (const dep of moduleDepends(path)) visit(dep.replaceAll('-', '_'), [...chain, name]);
    ordered.push({ name, path });
  };
  for (const name of wanted) visit(name, []);
  return ordered;
}

function moduleDepends(path: string): string[] {
  const text = readFileSync(path).toString('latin1');
  const start = text.indexOf('\0depends=');
  if (start < 0) return [];
  const value = text.slice(start + '\0depends='.length, text.indexOf('\0', start + 1));
  return value.split(',').filter(Boolean);
}

/** busybox, which must be static (Debian's `busybox-static`): the initramfs has no libc. */
function staticBusybox(): string {
  const path = findProgram('busybox');
  if (path === undefined) throw new Error('busybox not found (install busybox-static)');
  if (hasInterpreter(readFileSync(path))) throw new Error(`${path} is dynamically linked: install busybox-static`);
  return path;
}

/** Whether an ELF64 executable names a dynamic loader (has a `PT_INTERP` program header). */
function hasInterpreter(elf: Buffer): boolean {
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const [size, count] = [elf.readUInt16LE(0x36), elf.readUInt16LE(0x38)];
  return Array.from({ length: count }, (_, i) => elf.readUInt32LE(phoff + i * size)).includes(3);
}

async function buildInitramfs(initrd: string, busybox: string, kernelDir: string, modules: readonly string[]): Promise<void> {
  const root = `${initrd}.root-${process.pid}`;
  rmSync(root, { recursive: true, force: true });
  try {
    for (const dir of ['bin', 'etc/acpi/PWRF', 'lib/modules', 'proc', 'sys', 'dev', 'run', 'tmp', 'mnt', 'www'])
      mkdirSync(join(root, dir), { recursive: true });
    copyFileSync(busybox, join(root, 'bin/busybox'));
    chmodSync(join(root, 'bin/busybox'), 0o755);
    symlinkSync('busybox', join(root, 'bin/sh'));
    const scripts: [string, string][] = [
      ['init', GUEST_INIT],
      ['etc/udhcpc.script', UDHCPC_SCRIPT],
      ['etc/acpi/PWRF/00000080', ACPI_POWER_BUTTON_SCRIPT],
    ];
    for (const [path, text] of scripts) writeFileSync(join(root, path), text, { mode: 0o755 });
    writeFileSync(join(root, 'etc/modules'), `${modules.join('\n')}\n`);
    for (const name of modules) copyFileSync(join(kernelDir, 'modules', `${name}.ko`), join(root, 'lib/modules', `${name}.ko`));
    const tmp = `${initrd}.tmp-${process.pid}`;
    await run('sh', ['-c', 'find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -6 > "$0"', tmp], { cwd: root });
    renameSync(tmp, initrd);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
