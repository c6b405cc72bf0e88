/**
 * The test guest's programs (busybox shell scripts baked into its initramfs) and the report they
 * print on the serial console: one line per fact, `KUBECEPTION <event> key=value …`.
 *
 * The guest reports what it received rather than checking it: the test compares the report with
 * what it rendered, so a guest that got nothing (or the wrong thing) fails the test.
 *
 * Kernel command line parameters (the launcher's `KERNEL_CMDLINE`):
 * - `kc.ping=<ip>`: ping this peer until it answers (up to 90 s), report `ping`.
 * - `kc.hold=<seconds>`: stay up (answering TCP on 6443 and 10250) until the ACPI power button
 *   or the timeout, instead of powering off at once.
 */

/** `/init`: PID 1 of the guest. */
export const GUEST_INIT = `#!/bin/sh
/bin/busybox mkdir -p /proc /sys /dev /tmp /run /mnt /www
/bin/busybox mount -t devtmpfs devtmpfs /dev
exec 0</dev/console 1>/dev/console 2>&1
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
say() { echo "KUBECEPTION $*"; }
arg() { for w in $(cat /proc/cmdline); do case "$w" in "$1="*) echo "\${w#*=}" ;; esac; done; }
say init uptime=$(cut -d' ' -f1 /proc/uptime)
for m in $(cat /etc/modules); do insmod "/lib/modules/$m.ko" || say module name=$m result=failed; done

# The boot config (and anything else under opt/) through fw_cfg.
fw=/sys/firmware/qemu_fw_cfg/by_name
[ -d $fw ] || say error what=no-fw_cfg
for raw in $(find -L $fw/opt -name raw 2>/dev/null); do
  name=\${raw#$fw/}; name=\${name%/raw}
  say fw_cfg name=$name sha256=$(sha256sum < "$raw" | cut -d' ' -f1) size=$(wc -c < "$raw")
done

# Every 9p share: its files, then whether the guest may write to it.
i=0; while [ -z "$(ls /sys/bus/virtio/drivers/9pnet_virtio 2>/dev/null | grep virtio)" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
for dev in /sys/bus/virtio/drivers/9pnet_virtio/virtio*; do
  [ -e "$dev/mount_tag" ] || continue
  tag=$(tr -d '\\000' < "$dev/mount_tag")
  mkdir -p "/mnt/$tag"
  mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 "$tag" "/mnt/$tag" || { say 9p tag=$tag mounted=no; continue; }
  (cd "/mnt/$tag" && find . -type f | sort) | while read -r f; do
    say file tag=$tag path=\${f#./} sha256=$(sha256sum < "/mnt/$tag/$f" | cut -d' ' -f1) mode=$(stat -c %a "/mnt/$tag/$f")
  done
  if (echo "written by the guest" > "/mnt/$tag/kubeception-guest") 2>/dev/null; then w=yes; else w=no; fi
  say 9p tag=$tag mounted=yes writable=$w
done

# The network: DHCP on the first NIC.
ip link set lo up
i=0; while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
ip link set eth0 up
if udhcpc -i eth0 -s /etc/udhcpc.script -O mtu -n -q -t 15 -T 2 >/dev/null 2>&1; then
  read -r ip mask router mtu < /run/dhcp
  say net ip=$ip mask=$mask router=$router mtu=$mtu uptime=$(cut -d' ' -f1 /proc/uptime)
else
  say net ip=none
fi
echo ok > /www/index.html
httpd -p 6443 -h /www
httpd -p 10250 -h /www

peer=$(arg kc.ping)
if [ -n "$peer" ]; then
  result=failed; i=0
  while [ $i -lt 90 ]; do
    i=$((i+1))
    if ping -c 1 -W 1 "$peer" >/dev/null 2>&1; then result=ok; break; fi
    sleep 1
  done
  say ping peer=$peer result=$result tries=$i
fi

hold=$(arg kc.hold)
if [ -n "$hold" ]; then
  acpid -d -c /etc/acpi &
  acpid_pid=$!
  # holding is announced once acpid listens on the power button's input device: under load a
  # SIGTERM right after the announcement would otherwise come before it and go unheard
  i=0
  while [ $i -lt 20 ] && ! ls -l /proc/$acpid_pid/fd 2>/dev/null | grep -q /dev/input/; do i=$((i+1)); sleep 1; done
  say holding seconds=$hold acpid_waits=$i
  sleep "$hold"
  say hold result=expired
fi
say poweroff
poweroff -f
`;

/** udhcpc's event script: configures the lease and records it for `/init`. */
export const UDHCPC_SCRIPT = `#!/bin/sh
case "$1" in
  deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/\${mask:-24}" dev "$interface"
    [ -z "$mtu" ] || ip link set dev "$interface" mtu "$mtu"
    r=\${router%% *}
    [ -z "$r" ] || ip route replace default via "$r" dev "$interface"
    echo "$ip \${mask:-none} \${r:-none} \${mtu:-none}" > /run/dhcp ;;
esac
exit 0
`;

/** busybox acpid runs `/etc/acpi/PWRF/00000080` on the power button (the launcher's SIGTERM). */
export const ACPI_POWER_BUTTON_SCRIPT = `#!/bin/sh
echo "KUBECEPTION acpi event=power-button" > /dev/console
poweroff -f
`;

/** One line of the guest's report. */
export interface GuestEvent {
  /** `init`, `fw_cfg`, `file`, `9p`, `net`, `ping`, `holding`, `acpi`, `poweroff`, … */
  readonly event: string;
  readonly fields: Readonly<Record<string, string>>;
}

const LINE = /KUBECEPTION (\w+)((?: [\w.-]+=\S*)*)\s*$/;

/** The report line in one line of console output, if any. */
export function parseGuestLine(line: string): GuestEvent | undefined {
  const match = LINE.exec(line);
  if (match === null) return undefined;
  const fields = Object.fromEntries(
    (match[2] ?? '')
      .trim()
      .split(' ')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  return { event: match[1] ?? '', fields };
}
