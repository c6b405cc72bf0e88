/** The `spec.provider.kvm` schema: how a guest cluster's VMs run on the host. */
import { defineProvider, dnsLabel, dnsSubdomain, labelMap, parseQuantity, quantity, z, type FieldIssue } from '@kubeception/sdk';

/** Smallest memory a VM gets: below this a Kubernetes node does not boot reliably. */
export const MIN_VM_MEMORY = '1Gi';
/** Smallest root disk of a VM. */
export const MIN_VM_DISK = '10Gi';
/** Largest memory a VM gets: beyond any host node (and beyond what renders as a whole MiB count). */
export const MAX_VM_MEMORY = '16Ti';
/** Largest root disk of a VM (an emptyDir on one host node). */
export const MAX_VM_DISK = '1Pi';
/** Launcher image used when `launcher.image` is not set. */
export const DEFAULT_LAUNCHER_IMAGE = 'quay.io/kubeception/qemu-launcher:0.1.0';
/** Guest OS disk used when `guestImage` is not set. */
export const DEFAULT_GUEST_DISK = 'https://stable.release.flatcar-linux.net/amd64-usr/current/flatcar_production_qemu_image.img';

/** A container image reference (`registry/repo[:tag][@sha256:digest]`), as the container runtime accepts it. */
const IMAGE_PATTERN =
  '^([a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$';
const imageRef = (description: string) =>
  z
    .string()
    .meta({
      pattern: IMAGE_PATTERN,
      description: `${description} A container image reference such as quay.io/org/image:1.0, optionally pinned by @sha256 digest.`,
    })
    .check(
      z.refine((v: string) => new RegExp(IMAGE_PATTERN).test(v), {
        error: (i) => `must be a container image reference such as quay.io/org/image:1.0 (got ${JSON.stringify(i.input)})`,
      }),
    );

/**
 * An http(s) URL or an absolute path on the host: printable ASCII without spaces (the same
 * pattern in the CRD and here), so nothing but a location reaches the launcher's environment.
 */
const SOURCE_PATTERN = '^(https?://[!-~]+|/[!-~]*)$';
const ABSOLUTE_PATH_PATTERN = '^/[!-~]*$';
const source = (description: string) =>
  z
    .string()
    .min(1)
    .meta({ pattern: SOURCE_PATTERN, description: `${description} An http(s) URL (downloaded once into cachePath) or an absolute host path under cachePath.` })
    .check(z.refine((v: string) => new RegExp(SOURCE_PATTERN).test(v), { error: 'must be an http(s) URL or an absolute host path' }));
const absolutePath = (description: string) =>
  z
    .string()
    .meta({ pattern: ABSOLUTE_PATH_PATTERN, description: `${description} An absolute path on the host node, printable ASCII without spaces.` })
    .check(z.refine((v: string) => new RegExp(ABSOLUTE_PATH_PATTERN).test(v), { error: 'must be an absolute path' }));

const guestImage = z
  .strictObject({
    kernel: source('Kernel to boot directly, together with initrd.').optional(),
    initrd: source('Initial ramdisk booted with kernel.').optional(),
    disk: source('Bootable disk image; a copy-on-write root disk of each VM is made from it.').optional(),
    cachePath: absolutePath('Host directory where downloaded images are cached; mounted into every VM pod.').default('/var/lib/kubeception/images'),
  })
  .check(
    z.refine(
      (g: { kernel?: string; initrd?: string; disk?: string }) =>
        g.disk !== undefined ? g.kernel === undefined && g.initrd === undefined : g.kernel !== undefined && g.initrd !== undefined,
      {
        error: 'set either disk, or kernel and initrd together',
      },
    ),
  )
  .meta({
    description: 'Guest OS image the VMs boot: a disk, or a kernel and initrd together.',
    'x-kubernetes-validations': [
      {
        rule: 'has(self.disk) ? !has(self.kernel) && !has(self.initrd) : has(self.kernel) && has(self.initrd)',
        message: 'set either disk, or kernel and initrd together',
      },
    ],
  });

const etcdStorage = z
  .strictObject({
    type: z
      .enum(['hostPath', 'persistentVolume'], { error: (i) => `must be hostPath or persistentVolume (got ${JSON.stringify(i.input)})` })
      .default('hostPath')
      .meta({
        description: 'Kind of etcd storage: hostPath (a directory on the host node running the VM) or persistentVolume (a PersistentVolumeClaim per master).',
      }),
    hostPath: z
      .strictObject({
        path: absolutePath('Host directory under which each master keeps its etcd data, in <path>/<cluster>/<node>.').default('/var/lib/kubeception/etcd'),
      })
      .optional()
      .meta({ description: 'Settings of type hostPath.' }),
    persistentVolume: z
      .strictObject({
        size: quantity("Size of each master's etcd volume."),
        storageClassName: dnsSubdomain('Storage class of the etcd volumes; the host default class when unset.').optional(),
      })
      .optional()
      .meta({ description: 'Settings of type persistentVolume; required with that type.' }),
  })
  .check(
    z.refine((s: { type: string; persistentVolume?: unknown }) => s.type !== 'persistentVolume' || s.persistentVolume !== undefined, {
      error: 'type persistentVolume needs persistentVolume.size',
      path: ['persistentVolume'],
    }),
  )
  .meta({
    description: 'Where master VMs keep etcd data.',
    'x-kubernetes-validations': [
      { rule: "self.type != 'persistentVolume' || has(self.persistentVolume)", message: 'type persistentVolume needs persistentVolume.size' },
    ],
  });

const portMapping = z
  .strictObject({
    name: dnsLabel(15, 'Port name, unique within portMappings.'),
    port: z.int().min(1).max(65535).meta({ description: 'Port number inside the guest (1-65535).' }),
    protocol: z.enum(['TCP', 'UDP']).default('TCP').meta({ description: 'Protocol of the port: TCP or UDP.' }),
  })
  .meta({ description: 'A guest port exposed on the host.' });

/** Schema of `spec.provider.kvm`. */
export const kvmSpecSchema = z
  .strictObject({
    launcher: z
      .strictObject({ image: imageRef('Container image of the QEMU launcher.').default(DEFAULT_LAUNCHER_IMAGE) })
      .prefault({})
      .meta({ description: 'The container that runs QEMU in each VM pod.' }),
    guestImage: guestImage.prefault({ disk: DEFAULT_GUEST_DISK }),
    etcdStorage: etcdStorage.prefault({}),
    nodeSelector: labelMap('Labels a host node must have to run VMs of this cluster (the nodeSelector of the VM pods and the flannel DaemonSet).').optional(),
    ingressClassName: dnsSubdomain('Ingress class of the host that exposes the guest API server (TLS passthrough).').default('nginx'),
    portMappings: z
      .array(portMapping)
      .default([])
      .meta({
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        description: 'Extra guest ports exposed on the host through the worker Service, keyed by name.',
      }),
  })
  .meta({ description: 'Guest cluster on QEMU/KVM virtual machines in pods of the host cluster.' });

/** The parsed `spec.provider.kvm`. */
export type KvmSpec = z.output<typeof kvmSpecSchema>;

/** The `kvm` provider: register it with `createClusterModel({ providers: [provider] })`. */
export const provider = defineProvider({
  name: 'kvm',
  specSchema: kvmSpecSchema,
  check: (_spec, cluster) => {
    const machines = [{ path: 'spec.masters', ...cluster.spec.masters }, ...cluster.spec.workers.map((pool, i) => ({ path: `spec.workers[${i}]`, ...pool }))];
    return machines.flatMap((m): FieldIssue[] => [
      ...within(`${m.path}.memory`, m.memory, MIN_VM_MEMORY, MAX_VM_MEMORY, 'a VM'),
      ...within(`${m.path}.disk`, m.disk, MIN_VM_DISK, MAX_VM_DISK, 'a VM root disk'),
    ]);
  },
});

function within(path: string, value: string, minimum: string, maximum: string, what: string): FieldIssue[] {
  const got = parseQuantity(value) ?? 0;
  if (got < (parseQuantity(minimum) ?? 0)) return [{ path, message: `must be at least ${minimum} for ${what} on KVM (got ${value})` }];
  if (got > (parseQuantity(maximum) ?? Infinity)) return [{ path, message: `must be at most ${maximum} for ${what} on KVM (got ${value})` }];
  return [];
}
