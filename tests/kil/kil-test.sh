#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# meson test entry of suite 'kil' (docs/testing.md):
#
#   kil-test.sh local  WORKDIR FIXTURE VM_EXE
#       boot the rig, run VM_EXE FIXTURE inside the guest (vm-local.sh): the
#       bench's lines and local IIO capture against gpio-sim and iio_dummy.
#   kil-test.sh remote WORKDIR FIXTURE VM_EXE HOST_EXE
#       boot the rig with the real iiod serving iio_dummy (vm-remote.sh) and
#       run HOST_EXE FIXTURE ip:127.0.0.1:PORT on the host against it.
#
# Builds (or takes from the cache) the kernel + modules + initramfs with
# kil-build.sh, prepares a fresh share WORKDIR/share-MODE.XXXXXX holding the scripts,
# VM_EXE, the fixture, the XSDs and the shared libraries VM_EXE needs
# (LD_LIBRARY_PATH in the guest),
# boots once with kil-run.sh and fails on any failed check, a guest-side
# failure, a timeout, or a WARNING/BUG/Oops in the guest's kernel log.
# Exit 77 (meson: SKIP) only when qemu cannot run here at all, unless
# BCIBENCH_KIL_REQUIRED=1 (meson -Dkil-tests=enabled), where that fails too.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
usage="usage: kil-test.sh local|remote WORKDIR FIXTURE VM_EXE [HOST_EXE]"
mode=${1:?$usage}
work=${2:?$usage}
fixture=${3:?$usage}
vm_exe=${4:?$usage}
host_exe=${5:-}
schemas=$(cd "$here"/../../schemas && pwd)
case $mode in
local) script=vm-local.sh ;;
remote) script=vm-remote.sh ;;
*) echo "kil-test: unknown mode $mode" >&2; exit 64 ;;
esac

t0=$(date +%s%N)
ms() { echo $((($(date +%s%N) - t0) / 1000000)); }

rig=$("$here"/kil-build.sh | tail -n 1)
rc=$? # the build's status: pipefail
if [ "$rc" -eq 77 ]; then
	if [ "${BCIBENCH_KIL_REQUIRED:-0}" = 1 ]; then
		echo "kil-test: qemu cannot run here, and -Dkil-tests=enabled requires it"
		exit 1
	fi
	exit 77
fi
[ "$rc" -eq 0 ] && [ -f "$rig/done" ] || { echo "kil-test: FAIL: rig build failed ($rc)"; exit 1; }
echo "kil-test: rig $rig ready after $(ms) ms ($(cat "$rig/done"))"

# A fresh share per run (meson --repeat runs one test concurrently with
# itself); kept on failure for debugging, removed on success.
mkdir -p "$work"
share=$(mktemp -d "$work/share-$mode.XXXXXX")
mkdir -p "$share/lib"
cp "$here"/vm-setup.sh "$here/$script" "$share"/
cp "$vm_exe" "$share"/kil-vm
cp "$fixture" "$share"/kil-rig.fixture.xml
mkdir -p "$share"/schemas
cp "$schemas"/*.xsd "$share"/schemas/
# The guest's userland is a copy of the host's, so the host's libraries fit.
if ldd "$vm_exe" | grep -q 'not found'; then
	ldd "$vm_exe"
	echo "kil-test: FAIL: $vm_exe has unresolved libraries"
	exit 1
fi
if ldd "$vm_exe" | grep -q 'lib[at]san\|libubsan'; then
	echo "kil-test: FAIL: $vm_exe is built with a sanitizer (use b_sanitize=none)"
	exit 1
fi
# Only what the initramfs lacks: reading libicu & co over 9p under TCG is slow.
in_initrd=$(busybox cpio -t <"$rig/initrd.cpio" 2>/dev/null | sed 's|.*/||')
ldd "$vm_exe" | awk '/=>/ { print $3 }' | while read -r l; do
	grep -qxF "${l##*/}" <<<"$in_initrd" || cp -L "$l" "$share/lib/"
done
echo "kil-test: libraries not in the initramfs, shared: $(ls "$share/lib" | tr '\n' ' ')"

# A free host port for iiod's forward (parallel VMs need different ones). If
# another process takes it before qemu binds it, qemu refuses to start: boot
# again with a new port.
for attempt in 1 2 3; do
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
	hook=
	[ "$mode" = remote ] && hook="$host_exe $fixture ip:127.0.0.1:$port"
	KIL_PORT=$port KIL_HOST_HOOK=$hook "$here"/kil-run.sh "$rig" "$share" "$script"
	rc=$?
	grep -q 'Could not set up host forwarding' "$share/console.log" || break
	echo "kil-test: port $port was taken before qemu bound it (attempt $attempt)"
done

if [ ! -s "$share/dmesg.txt" ]; then
	echo "kil-test: FAIL: the guest wrote no kernel log (did it reach teardown?)"
	rc=1
elif grep -E 'WARNING:|BUG:|Oops|Call Trace' "$share/dmesg.txt"; then
	echo "kil-test: FAIL: the guest kernel logged a warning or a bug (above)"
	rc=1
fi
# Belt and braces: every program that ran must have printed its summary
# line, with no failed check, whatever the exit statuses said.
want=kil-vm
[ "$mode" = remote ] && want=kil-host
summary=$(grep -aE '^kil-(vm|host): [0-9]+ passed, [0-9]+ failed' "$share/console.log")
echo "$summary"
if ! grep -q "^$want: " <<<"$summary"; then
	echo "kil-test: FAIL: no '$want: N passed, N failed' line on the console"
	rc=1
elif grep -qv ' 0 failed' <<<"$summary"; then
	echo "kil-test: FAIL: a check failed (above)"
	rc=1
fi
if [ $rc -eq 0 ]; then
	rm -rf "$share"
	echo "kil-test: $mode PASS in $(ms) ms"
else
	echo "kil-test: $mode FAIL in $(ms) ms; console.log, dmesg.txt and the binaries are in $share"
fi
exit $rc
