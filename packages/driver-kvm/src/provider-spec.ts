/** The `spec.provider.kvm` schema: how a guest cluster's VMs run on the host. */
import { defineProvider, dnsLabel, dnsSubdomain, parseQuantity, quantity, stringMap, z, type FieldIssue } from '@kubeception/sdk';

/** Smallest memory a VM gets: below this a Kubernetes node does not boot reliably. */
export const MIN_VM_MEMORY = '1Gi';
/** Smallest root disk of a VM. */
export const MIN_VM_DISK = '10Gi';
/** Launcher image used when `launcher.image` is not set. */
export const DEFAULT_LAUNCHER_IMAGE = 'quay.io/kubeception/qemu-launcher:0.1.0';
/** Guest OS disk used when `guestImage` is not set. */
export const DEFAULT_GUEST_DISK = 'https://stable.release.flatcar-linux.net/amd64-usr/current/flatcar_production_qemu_image.img';

/** A container image reference (`registry/repo[:tag][@sha256:digest]`), as the container runtime accepts it. */
const IMAGE_PATTERN =
  '^([a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$';
const imageRef = z
  .string()
  .meta({ pattern: IMAGE_PATTERN, description: 'A container image reference.' })
  .check(z.refine((v: string) => new RegExp(IMAGE_PATTERN).test(v), { error: (i) => `must be a container image reference such as quay.io/org/image:1.0 (got ${JSON.stringify(i.input)})` }));

/** An http(s) URL or an absolute path on the host. */
const source = z
  .string()
  .min(1)
  .check(z.refine((v: string) => /^(https?:\/\/[^\s]+|\/[^\s]*)$/.test(v), { error: 'must be an http(s) URL or an absolute host path' }));
const absolutePath = z.string().check(z.refine((v: string) => /^\/[^\s]*$/.test(v), { error: 'must be an absolute path' }));

const guestImage = z
  .strictObject({
    kernel: source.optional().meta({ description: 'Kernel to boot directly (with initrd).' }),
    initrd: source.optional().meta({ description: 'Initial ramdisk for kernel.' }),
    disk: source.optional().meta({ description: 'Bootable disk image.' }),
    cachePath: absolutePath.default('/var/lib/kubeception/images').meta({ description: 'Host directory caching downloaded images.' }),
  })
  .check(
    z.refine((g: { kernel?: string; initrd?: string; disk?: string }) => (g.disk !== undefined ? g.kernel === undefined && g.initrd === undefined : g.kernel !== undefined && g.initrd !== undefined), {
      error: 'set either disk, or kernel and initrd together',
    }),
  )
  .meta({
    description: 'Guest OS image: a disk, or a kernel and initrd.',
    'x-kubernetes-validations': [
      { rule: 'has(self.disk) ? !has(self.kernel) && !has(self.initrd) : has(self.kernel) && has(self.initrd)', message: 'set either disk, or kernel and initrd together' },
    ],
  });

const etcdStorage = z
  .strictObject({
    type: z.enum(['hostPath', 'persistentVolume'], { error: (i) => `must be hostPath or persistentVolume (got ${JSON.stringify(i.input)})` }).default('hostPath'),
    hostPath: z.strictObject({ path: absolutePath.default('/var/lib/kubeception/etcd') }).optional(),
    persistentVolume: z
      .strictObject({ size: quantity('Volume size.'), storageClassName: dnsSubdomain('Storage class; the host default when unset.').optional() })
      .optional(),
  })
  .check(
    z.refine((s: { type: string; persistentVolume?: unknown }) => s.type !== 'persistentVolume' || s.persistentVolume !== undefined, {
      error: 'type persistentVolume needs persistentVolume.size',
      path: ['persistentVolume'],
    }),
  )
  .meta({
    description: 'Where master VMs keep etcd data.',
    'x-kubernetes-validations': [{ rule: "self.type != 'persistentVolume' || has(self.persistentVolume)", message: 'type persistentVolume needs persistentVolume.size' }],
  });

const portMapping = z.strictObject({
  name: dnsLabel(15, 'Port name.'),
  port: z.int().min(1).max(65535).meta({ description: 'Port inside the guest.' }),
  protocol: z.enum(['TCP', 'UDP']).default('TCP'),
});

/** Schema of `spec.provider.kvm`. */
export const kvmSpecSchema = z
  .strictObject({
    launcher: z.strictObject({ image: imageRef.default(DEFAULT_LAUNCHER_IMAGE) }).prefault({}).meta({ description: 'The QEMU launcher container.' }),
    guestImage: guestImage.prefault({ disk: DEFAULT_GUEST_DISK }),
    etcdStorage: etcdStorage.prefault({}),
    nodeSelector: stringMap.optional().meta({ description: 'Host nodes that may run this cluster’s VMs.' }),
    ingressClassName: dnsSubdomain('Host ingress class that exposes the guest API (TLS passthrough).').default('nginx'),
    portMappings: z
      .array(portMapping)
      .default([])
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], description: 'Extra guest ports exposed on the host.' }),
  })
  .meta({ description: 'Guest cluster on QEMU/KVM virtual machines in pods of the host cluster.' });

/** The parsed `spec.provider.kvm`. */
export type KvmSpec = z.output<typeof kvmSpecSchema>;

/** The `kvm` provider: register it with `createClusterModel({ providers: [provider] })`. */
export const provider = defineProvider({
  name: 'kvm',
  specSchema: kvmSpecSchema,
  check: (_spec, cluster) => {
    const machines = [
      { path: 'spec.masters', ...cluster.spec.masters },
      ...cluster.spec.workers.map((pool, i) => ({ path: `spec.workers[${i}]`, ...pool })),
    ];
    return machines.flatMap((m): FieldIssue[] => [
      ...atLeast(`${m.path}.memory`, m.memory, MIN_VM_MEMORY, 'a VM'),
      ...atLeast(`${m.path}.disk`, m.disk, MIN_VM_DISK, 'a VM root disk'),
    ]);
  },
});

function atLeast(path: string, value: string, minimum: string, what: string): FieldIssue[] {
  const got = parseQuantity(value) ?? 0;
  const min = parseQuantity(minimum) ?? 0;
  return got >= min ? [] : [{ path, message: `must be at least ${minimum} for ${what} on KVM (got ${value})` }];
}
