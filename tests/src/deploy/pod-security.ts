/**
 * The Pod Security Standards' "restricted" profile (policy version latest), checked on a pod spec
 * as the PodSecurity admission plugin checks it: neither the fake API server nor kube-apiserver
 * 1.20 (the real server's lane) run that plugin, so a Deployment in a namespace that enforces
 * "restricted" is checked here, statically. The controls and their allowed values are the
 * standard's: https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
import type { V1Container, V1PodSpec, V1SecurityContext } from '@kubernetes/client-node';

/** Volume types "restricted" allows (no hostPath, no in-tree network volumes). */
const ALLOWED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** The only capability "restricted" lets a container add. */
const ADDABLE_CAPABILITIES = ['NET_BIND_SERVICE'];

/** Sysctls the baseline profile (and so "restricted") allows. */
const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];

const SECCOMP_TYPES = ['RuntimeDefault', 'Localhost'];

/** SELinux types a pod or container may set (no user, no role). */
const SELINUX_TYPES = ['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

/** Whether SELinux options set a user, a role or a type the profile does not allow. */
const customSeLinux = (options: V1SecurityContext['seLinuxOptions']): boolean =>
  options !== undefined && (options.user !== undefined || options.role !== undefined || (options.type !== undefined && !SELINUX_TYPES.includes(options.type)));

/** The pod's containers of every kind. */
const containersOf = (spec: V1PodSpec): V1Container[] => [
  ...(spec.initContainers ?? []),
  ...spec.containers,
  ...((spec.ephemeralContainers ?? []) as V1Container[]),
];

/** What a container's security context breaks, its pod's context filling in what it leaves out. */
function containerViolations(spec: V1PodSpec, container: V1Container): string[] {
  const sc: V1SecurityContext = container.securityContext ?? {};
  const pod = spec.securityContext ?? {};
  const at = `container ${container.name}`;
  const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
  const checks: [boolean, string][] = [
    [sc.privileged === true, 'is privileged'],
    [sc.allowPrivilegeEscalation !== false, 'must set allowPrivilegeEscalation: false'],
    [(sc.runAsNonRoot ?? pod.runAsNonRoot) !== true, 'must run as non-root (runAsNonRoot: true, on it or its pod)'],
    [sc.runAsUser === 0, 'must not run as user 0'],
    [seccomp === undefined || !SECCOMP_TYPES.includes(seccomp), 'needs seccompProfile RuntimeDefault or Localhost (on it or its pod)'],
    [!(sc.capabilities?.drop ?? []).includes('ALL'), 'must drop ALL capabilities'],
    [(sc.capabilities?.add ?? []).some((c) => !ADDABLE_CAPABILITIES.includes(c)), 'may add NET_BIND_SERVICE only'],
    [(container.ports ?? []).some((p) => (p.hostPort ?? 0) !== 0), 'must not use host ports'],
    [sc.procMount !== undefined && sc.procMount !== 'Default', 'must use the default /proc mount'],
    [sc.windowsOptions?.hostProcess === true, 'must not be a Windows host process'],
    [customSeLinux(sc.seLinuxOptions), 'must not set a custom SELinux user, role or type'],
    [sc.appArmorProfile?.type === 'Unconfined', 'must not be AppArmor-unconfined'],
  ];
  return checks.filter(([broken]) => broken).map(([, what]) => `${at} ${what}`);
}

/** What a pod spec breaks of the "restricted" profile, one line per control; empty when it passes. */
export function restrictedViolations(spec: V1PodSpec): string[] {
  const pod = spec.securityContext ?? {};
  const podChecks: [boolean, string][] = [
    [spec.hostNetwork === true || spec.hostPID === true || spec.hostIPC === true, 'pod shares a host namespace (hostNetwork, hostPID or hostIPC)'],
    [pod.runAsUser === 0, 'pod must not run as user 0'],
    [pod.seccompProfile !== undefined && !SECCOMP_TYPES.includes(pod.seccompProfile.type), 'pod seccompProfile must be RuntimeDefault or Localhost'],
    [(pod.sysctls ?? []).some((s) => !SAFE_SYSCTLS.includes(s.name)), 'pod sets an unsafe sysctl'],
    [customSeLinux(pod.seLinuxOptions), 'pod must not set a custom SELinux user, role or type'],
    [pod.appArmorProfile?.type === 'Unconfined', 'pod must not be AppArmor-unconfined'],
  ];
  const volumes = (spec.volumes ?? []).flatMap((v) =>
    Object.keys(v)
      .filter((key) => key !== 'name' && !ALLOWED_VOLUMES.includes(key))
      .map((key) => `volume ${v.name} is of type ${key}`),
  );
  return [...podChecks.filter(([broken]) => broken).map(([, what]) => what), ...volumes, ...containersOf(spec).flatMap((c) => containerViolations(spec, c))];
}
