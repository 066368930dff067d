#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# meson test entry of suite 'kil' (docs/testing.md):
#
#   kil-test.sh local  WORKDIR VM_EXE
#       boot the rig, run VM_EXE inside the guest (vm-local.sh): the bench's
#       GPIO and local IIO paths against gpio-sim and iio_dummy.
#   kil-test.sh remote WORKDIR VM_EXE HOST_EXE
#       boot the rig with the real iiod serving iio_dummy (vm-remote.sh) and
#       run HOST_EXE ip:127.0.0.1:PORT on the host against it.
#
# Builds (or takes from the cache) the kernel + modules + initramfs with
# kil-build.sh, prepares a fresh share WORKDIR/share-MODE.XXXXXX holding the scripts,
# VM_EXE and the shared libraries it needs (LD_LIBRARY_PATH in the guest),
# boots once with kil-run.sh and fails on any failed check, a guest-side
# failure, a timeout, or a WARNING/BUG/Oops in the guest's kernel log.
# Exit 77 (meson: SKIP) only when qemu cannot run here at all, unless
# BCIBENCH_KIL_REQUIRED=1 (meson -Dkil-tests=enabled), where that fails too.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mode=${1:?usage: kil-test.sh local|remote WORKDIR VM_EXE [HOST_EXE]}
work=${2:?usage: kil-test.sh local|remote WORKDIR VM_EXE [HOST_EXE]}
vm_exe=${3:?usage: kil-test.sh local|remote WORKDIR VM_EXE [HOST_EXE]}
host_exe=${4:-}
case $mode in
local) script=vm-local.sh ;;
remote) script=vm-remote.sh ;;
*) echo "kil-test: unknown mode $mode" >&2; exit 64 ;;
esac

t0=$(date +%s%N)
ms() { echo $((($(date +%s%N) - t0) / 1000000)); }

rig=$("$here"/kil-build.sh | tail -n 1)
rc=${PIPESTATUS[0]}
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
ldd "$vm_exe" | awk '/=>/ { print $3 }' | while read -r l; do cp -L "$l" "$share/lib/"; done

# A free host port for iiod's forward (parallel VMs need different ones).
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
hook=
[ "$mode" = remote ] && hook="$host_exe ip:127.0.0.1:$port"

KIL_PORT=$port KIL_HOST_HOOK=$hook "$here"/kil-run.sh "$rig" "$share" "$script"
rc=$?

if [ ! -s "$share/dmesg.txt" ]; then
	echo "kil-test: FAIL: the guest wrote no kernel log (did it reach teardown?)"
	rc=1
elif grep -E 'WARNING:|BUG:|Oops|Call Trace' "$share/dmesg.txt"; then
	echo "kil-test: FAIL: the guest kernel logged a warning or a bug (above)"
	rc=1
fi
grep -E '^kil-(vm|host): [0-9]+ passed' "$share/console.log"
if [ $rc -eq 0 ]; then
	rm -rf "$share"
	echo "kil-test: $mode PASS in $(ms) ms"
else
	echo "kil-test: $mode FAIL in $(ms) ms; console.log, dmesg.txt and the binaries are in $share"
fi
exit $rc
