#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot the kil rig (kil-build.sh's output) once under qemu TCG and run one
# script from the share inside it.
#
#   kil-run.sh RIG SHARE SCRIPT
#
# SHARE is mounted in the guest as /mnt/host (9p); SCRIPT is a file in it,
# run by the guest's init, which prints "KIL-EXIT rc=N" when it ends. The
# console is copied to stdout and to $KIL_LOG (default SHARE/console.log).
# The guest's TCP 30431 (iiod) is forwarded to 127.0.0.1:$KIL_PORT on the
# host; the guest can reach no network (restrict=on).
#
# If KIL_HOST_HOOK is set (a command line, word-split), it runs on the host
# when the guest prints a line starting "KIL-HOST-GO", and its exit status N
# goes back to the guest as the console input line "STOP N".
#
# Exit status: 0 only if the guest printed "KIL-EXIT rc=0" (and the hook,
# if any, ran and exited 0); 1 otherwise. TCG by default (docs/testing.md: KVM
# on the build machines is PVM and cannot run a stock kernel); KIL_ACCEL=kvm
# is there for machines with real KVM, untested here.
set -uo pipefail

rig=${1:?usage: kil-run.sh RIG SHARE SCRIPT}
share=$(realpath "${2:?usage: kil-run.sh RIG SHARE SCRIPT}")
script=${3:?usage: kil-run.sh RIG SHARE SCRIPT}
log=${KIL_LOG:-$share/console.log}
port=${KIL_PORT:-30431}
: >"$log"

coproc QEMU {
	exec timeout --kill-after=10 "${KIL_TIMEOUT:-300}" qemu-system-x86_64 -accel "${KIL_ACCEL:-tcg}" \
		-m 1024 -smp 2 -nodefaults -no-user-config -display none -serial stdio \
		-no-reboot -kernel "$rig/vmlinux" -initrd "$rig/initrd.cpio" \
		-append "console=ttyS0 quiet panic=-1 kil.run=/mnt/host/$script" \
		-device virtio-net-pci,netdev=n0 \
		-netdev user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:"$port"-:30431 \
		-fsdev local,id=fs0,path="$share",security_model=none \
		-device virtio-9p-pci,fsdev=fs0,mount_tag=kil_share 2>&1
}
qemu_pid=$QEMU_PID
exec {from_vm}<&"${QEMU[0]}" {to_vm}>&"${QEMU[1]}"

start=$(date +%s%N)
vm_rc=none
hook_rc=none
# bash's read takes a pipe byte by byte, so every console line is seen as it
# arrives (an awk in the pipe would hold it back: recipe pitfall 5).
while IFS= read -r line <&"$from_vm"; do
	line=${line%$'\r'}
	printf '%s\n' "$line" >>"$log"
	printf '%s\n' "$line"
	case $line in
	KIL-READY*)
		echo "kil-run: guest ready after $((($(date +%s%N) - start) / 1000000)) ms"
		;;
	KIL-HOST-GO*)
		if [ -n "${KIL_HOST_HOOK:-}" ]; then
			echo "kil-run: host hook: $KIL_HOST_HOOK"
			# shellcheck disable=SC2086 # the hook is a command line
			timeout --kill-after=10 "${KIL_TIMEOUT:-300}" $KIL_HOST_HOOK 2>&1 | tee -a "$log"
			hook_rc=${PIPESTATUS[0]}
		else
			hook_rc=0
		fi
		echo "STOP $hook_rc" >&"$to_vm"
		;;
	KIL-EXIT\ rc=*)
		vm_rc=${line#KIL-EXIT rc=}
		;;
	esac
done
wait "$qemu_pid"
qemu_rc=$?
exec {from_vm}<&- {to_vm}>&-
echo "kil-run: qemu exited $qemu_rc after $((($(date +%s%N) - start) / 1000000)) ms," \
	"guest script rc=$vm_rc, host hook rc=$hook_rc"
[ "$qemu_rc" -eq 124 ] && echo "kil-run: TIMEOUT after ${KIL_TIMEOUT:-300} s"
[ "$vm_rc" = 0 ] || exit 1
[ -z "${KIL_HOST_HOOK:-}" ] || [ "$hook_rc" = 0 ] || exit 1
exit 0
