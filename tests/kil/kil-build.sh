#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Kernel-in-the-loop rig, build step (docs/testing.md, ../shared recipe
# kernel-in-the-loop.md): the stock Debian kernel (linux-image-amd64's current
# ABI), gpio-sim + irq_sim + IIO dummy + IIO configfs/sw-device/sw-trigger/
# hrtimer built out of tree from Debian's linux-source-6.1 against
# linux-headers-$KV, and a busybox initramfs with the module closure, the
# libgpiod/libiio tools and iiod. Nothing of the kernel is kept in the repo:
# everything is downloaded or extracted here, at build time.
#
# The result is cached OUTSIDE any meson build directory (.ci/run deletes and
# re-creates its build directories), keyed by kernel ABI, package version and a
# hash of the recipe (this script from the "recipe" marker on):
#   ${BCIBENCH_KIL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bcibench/kil-rigs}/<KV>_<ver>_<hash>/
# holding vmlinux (uncompressed, PVH direct boot) and initrd.cpio. A lock makes
# concurrent callers (two tests, two build directories, other checkouts) build
# it once. Several checkouts may share the cache with different recipes, so an
# entry is only removed when no one has used it for 3 days.
#
# Prints the rig directory as the last line of stdout. Exit status:
#   0 built or cached, 77 qemu cannot run here at all (no qemu and no way to
#   install it), anything else is a failure (e.g. the module build broke).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${BCIBENCH_KIL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bcibench/kil-rigs}
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

log() { echo "kil-build: $*" >&2; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo -n "$@"
	else
		return 126
	fi
}

installed() {	# installed PKG... -> 0 when all are installed
	[ "$(dpkg-query -W -f='${Status}\n' "$@" 2>/dev/null | grep -c 'install ok installed')" \
		-eq $# ]
}

# The kernel ABI comes from the metapackage every time: bookworm-security bumps
# it, and old ABI packages leave the mirror (pitfall 10).
kernel_abi() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\(.*\)$/\1/p' | head -1
}

packages() {	# the packages the rig needs, for kernel ABI $1
	echo qemu-system-x86 busybox-static kmod gpiod libgpiod-dev libiio-utils libiio-dev iiod \
		linux-headers-"$1" linux-source-6.1 python3
}

rig_dir() {	# the cache entry for kernel ABI $1 (its headers must be installed)
	local ver
	ver=$(dpkg-query -W -f='${Version}' linux-headers-"$1")
	echo "$cache/${1}_${ver}_$(sed -n '/^# ==== recipe/,$p' "$0" | sha256sum | cut -c1-12)"
}

mkdir -p "$cache"
# Fast path, without the lock: everything installed and this rig built.
KV=$(kernel_abi)
# shellcheck disable=SC2046 # a word list
if [ -n "$KV" ] && installed $(packages "$KV"); then
	rig=$(rig_dir "$KV")
	if [ -f "$rig/done" ]; then
		touch -c "$rig/done" # last use, for the eviction below
		echo "$rig"
		exit 0
	fi
fi

# One builder at a time (two tests of one run, two build directories, other
# users of apt): everything below runs under the cache lock.
exec 9>"$cache/lock"
flock 9

if [ -z "$KV" ]; then
	as_root apt-get -qq -o DPkg::Lock::Timeout=300 update >/dev/null 2>&1 || true
	KV=$(kernel_abi)
fi
if [ -z "$KV" ] && ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	log "SKIP: no qemu-system-x86_64 and no apt lists to install it from"
	exit 77
fi
[ -n "$KV" ] || { log "cannot find the kernel ABI from linux-image-amd64"; exit 1; }

read -r -a pkgs <<<"$(packages "$KV")"
apt=(apt-get -qq -o DPkg::Lock::Timeout=300)
if ! installed "${pkgs[@]}"; then
	log "installing: ${pkgs[*]}"
	if ! as_root "${apt[@]}" install -y --no-install-recommends "${pkgs[@]}" >/dev/null; then
		as_root "${apt[@]}" update >/dev/null 2>&1 || true
		as_root "${apt[@]}" install -y --no-install-recommends "${pkgs[@]}" >/dev/null || true
	fi
fi
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	log "SKIP: qemu-system-x86_64 is missing and cannot be installed (needs root or sudo)"
	exit 77
fi
installed "${pkgs[@]}" || { log "packages missing and not installable: ${pkgs[*]}"; exit 1; }

ver=$(dpkg-query -W -f='${Version}' linux-headers-"$KV")
rig=$(rig_dir "$KV")
hash=${rig##*_}
if [ -f "$rig/done" ]; then
	echo "$rig"
	exit 0
fi

# Under the lock no one else builds: half-built entries are leftovers. Entries
# unused for 3 days go (an old ABI, an old recipe).
find "$cache" -mindepth 1 -maxdepth 1 -type d -name '*.tmp' -exec rm -rf {} +
shopt -s nullglob
for d in "$cache"/*/; do
	[ -f "$d/done" ] && [ -z "$(find "$d/done" -mtime +3)" ] || [ "${d%/}" = "$rig" ] ||
		rm -rf "$d"
done

# ==== recipe: everything from here on is hashed into the cache key ====
start=$(date +%s)
work=$rig.tmp
mkdir -p "$work"
cd "$work"

# The kernel image: unpacked from the .deb, never installed on the host.
log "kernel $KV ($ver)"
apt-get -o APT::Sandbox::User=root download linux-image-"$KV" >/dev/null
dpkg-deb -x linux-image-"$KV"_*.deb kroot
rm -f linux-image-"$KV"_*.deb
# Uncompressed vmlinux for PVH direct boot: no BIOS and no in-guest xz under
# TCG saves about 3 s per boot.
python3 - kroot/boot/vmlinuz-"$KV" vmlinux <<'PY'
import lzma, sys
d = open(sys.argv[1], 'rb').read()
open(sys.argv[2], 'wb').write(lzma.LZMADecompressor().decompress(d[d.find(b'\xfd7zXZ\0'):]))
PY

# Out-of-tree modules from Debian's own kernel source, same upload as headers.
log "building out-of-tree modules"
S=linux-source-6.1
mkdir -p src oot
tar -xJf /usr/src/$S.tar.xz -C src --strip-components=1 \
	$S/drivers/gpio/gpio-sim.c $S/drivers/gpio/gpiolib.h $S/kernel/irq/irq_sim.c \
	$S/drivers/iio/dummy $S/drivers/iio/industrialio-configfs.c \
	$S/drivers/iio/industrialio-sw-device.c $S/drivers/iio/industrialio-sw-trigger.c \
	$S/drivers/iio/trigger/iio-trig-hrtimer.c
cp src/drivers/gpio/gpio-sim.c src/drivers/gpio/gpiolib.h src/kernel/irq/irq_sim.c \
	src/drivers/iio/dummy/*.[ch] src/drivers/iio/industrialio-*.c \
	src/drivers/iio/trigger/iio-trig-hrtimer.c oot/
# irq_to_desc is not exported to modules; irq_sim's irq_work runs in hard-irq
# context, so generic_handle_irq is equivalent (pitfall 2).
sed -i 's/handle_simple_irq(irq_to_desc(irqnum));/generic_handle_irq(irqnum);/' oot/irq_sim.c
if ! grep -q 'generic_handle_irq(irqnum);' oot/irq_sim.c; then
	log "the irq_sim.c patch did not apply (kernel source changed?)"
	exit 1
fi
grep -q MODULE_LICENSE oot/irq_sim.c || echo 'MODULE_LICENSE("GPL");' >>oot/irq_sim.c
cat >oot/Kbuild <<'KB'
ccflags-y += -DCONFIG_IIO_SIMPLE_DUMMY_EVENTS=1 -DCONFIG_IIO_SIMPLE_DUMMY_BUFFER=1
obj-m += irq_sim.o gpio-sim.o industrialio-configfs.o industrialio-sw-device.o
obj-m += industrialio-sw-trigger.o iio-trig-hrtimer.o iio_dummy_evgen.o iio_dummy.o
iio_dummy-y := iio_simple_dummy.o iio_simple_dummy_events.o iio_simple_dummy_buffer.o
KB
if ! make -s -C /lib/modules/"$KV"/build M="$PWD"/oot -j2 modules >oot/build.log 2>&1; then
	grep -v 'Skipping BTF' oot/build.log >&2 || true
	log "module build FAILED"
	exit 1
fi
for m in irq_sim gpio-sim iio_dummy iio_dummy_evgen iio-trig-hrtimer industrialio-configfs \
	industrialio-sw-device industrialio-sw-trigger; do
	[ -f oot/$m.ko ] || { log "module $m.ko was not built"; exit 1; }
done
mkdir -p kroot/lib/modules/"$KV"/extra
cp oot/*.ko kroot/lib/modules/"$KV"/extra/
depmod -b kroot "$KV"

# initramfs: busybox, module closure, libgpiod/libiio tools, iiod, their libs
# (host userland, same ABI as the guest's).
log "initramfs"
mkdir -p ir/{bin,sbin,proc,sys,dev,tmp,run,etc,root,mnt/host,usr/bin,lib/modules/"$KV"}
cp /bin/busybox ir/bin/
for a in $(ir/bin/busybox --list); do
	# --list includes busybox itself: never replace the binary (pitfall 4).
	[ -e ir/bin/"$a" ] || ln -s busybox ir/bin/"$a"
done
mods="virtio_pci virtio_net 9pnet_virtio 9p configfs gpio-sim iio_dummy iio-trig-hrtimer"
for m in $mods; do modprobe -d kroot -S "$KV" --show-depends "$m"; done |
	awk '$1 == "insmod" { print $2 }' | sort -u | while read -r f; do
	r=${f#"$PWD"/kroot/}
	mkdir -p ir/"$(dirname "$r")"
	strip --strip-debug -o ir/"$r" "$f"
done
cp kroot/lib/modules/"$KV"/modules.builtin* kroot/lib/modules/"$KV"/modules.order \
	ir/lib/modules/"$KV"/
depmod -b ir "$KV"
for b in /usr/bin/gpio{detect,info,get,set,mon,find} /usr/bin/iio_{info,attr,readdev,writedev} \
	/usr/sbin/iiod; do
	cp "$b" ir/usr/bin/
	ldd "$b" | awk '/=>/ { print $3 } /ld-linux/ { print $1 }' | while read -r l; do
		mkdir -p ir"$(dirname "$l")"
		cp -nL "$l" ir"$(dirname "$l")"/
	done
done
echo 'root:x:0:0:root:/root:/bin/sh' >ir/etc/passwd
echo 'root:x:0:' >ir/etc/group
cat >ir/init <<'INIT'
#!/bin/sh
# PID 1 of the kil VM: mount, load the simulator modules, mount the 9p share,
# run the script named by kil.run= on the kernel command line, report its
# status as "KIL-EXIT rc=N" on the console and power off.
export PATH=/usr/bin:/bin HOME=/root
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp; mount -t tmpfs run /run
for m in virtio_pci virtio_net 9pnet_virtio 9p configfs gpio-sim iio_dummy iio-trig-hrtimer; do
	modprobe $m || echo "KIL: modprobe $m FAILED"
done
mount -t configfs none /sys/kernel/config
ip link set lo up; ip addr add 10.0.2.15/24 dev eth0; ip link set eth0 up
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 kil_share /mnt/host
echo "KIL-READY $(cut -d' ' -f1 /proc/uptime)s"
RUN=$(sed -n 's/.*kil.run=\([^ ]*\).*/\1/p' /proc/cmdline)
if [ -n "$RUN" ]; then
	sh "$RUN"
	echo "KIL-EXIT rc=$?"
else
	setsid cttyhack sh
fi
sync
poweroff -f
INIT
chmod +x ir/init
(cd ir && find . | ./bin/busybox cpio -o -H newc 2>/dev/null) >initrd.cpio

# Keep only what a boot needs; the unpacked image tree is ~400 MB.
rm -rf kroot src ir
mkdir -p "$rig"
mv vmlinux initrd.cpio "$rig"/
mkdir -p "$rig"/modules && cp oot/*.ko "$rig"/modules/
cd "$cache"
rm -rf "$work"
secs=$(($(date +%s) - start))
echo "kernel=$KV version=$ver recipe=$hash built=$(date -u +%FT%TZ) seconds=$secs" >"$rig"/done
log "built $rig in $(($(date +%s) - start)) s"
echo "$rig"
