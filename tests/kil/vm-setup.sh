# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced INSIDE the kil guest (busybox sh): build the simulated rig of
# fixtures/kil/kil-rig.xml from real drivers through configfs.
#   gpio-sim chip labelled kil-ctl, 8 lines, 0..4 named dut-power, dut-reset,
#     trigger, ready, fault; exports KIL_GPIO_CHIP (gpiochipN) and
#     KIL_GPIO_SIM (the simulator's sysfs dir with sim_gpioN/{value,pull}).
#   iio_dummy device adc0 and hrtimer trigger t0.
# Any failure here fails the test (kil_fail exits the script with 1).
kil_fail() { echo "KIL-SETUP FAILED: $*"; exit 1; }

CFG=/sys/kernel/config
G=$CFG/gpio-sim/kil
mkdir $G $G/bank0 || kil_fail "gpio-sim configfs (is gpio-sim loaded?)"
echo 8 >$G/bank0/num_lines || kil_fail "num_lines"
echo kil-ctl >$G/bank0/label || kil_fail "label"
i=0
for n in dut-power dut-reset trigger ready fault; do
	mkdir $G/bank0/line$i && echo $n >$G/bank0/line$i/name || kil_fail "line $i name $n"
	i=$((i + 1))
done
echo 1 >$G/live || kil_fail "gpio-sim live"
KIL_GPIO_CHIP=$(cat $G/bank0/chip_name)
KIL_GPIO_SIM=/sys/devices/platform/$(cat $G/dev_name)/$KIL_GPIO_CHIP
[ -f "$KIL_GPIO_SIM/sim_gpio0/value" ] || kil_fail "no simulator sysfs at $KIL_GPIO_SIM"
export KIL_GPIO_CHIP KIL_GPIO_SIM

mkdir $CFG/iio/devices/dummy/adc0 || kil_fail "iio_dummy adc0"
mkdir $CFG/iio/triggers/hrtimer/t0 || kil_fail "hrtimer trigger t0"
echo "KIL-SETUP ok: $KIL_GPIO_CHIP at $KIL_GPIO_SIM, iio adc0 + trigger t0"

# kil_teardown: remove the rig again (proves nothing is left holding it) and
# keep the kernel log for the host, which fails the test on WARN/BUG/Oops.
kil_teardown() {
	rc=0
	for t in /sys/bus/iio/devices/iio:device*/trigger/current_trigger; do
		[ -f "$t" ] && echo >"$t" 2>/dev/null
	done
	rmdir $CFG/iio/triggers/hrtimer/t0 || rc=1
	rmdir $CFG/iio/devices/dummy/adc0 || rc=1
	echo 0 >$G/live || rc=1
	for l in $G/bank0/line*; do rmdir $l || rc=1; done
	rmdir $G/bank0 $G || rc=1
	[ $rc -eq 0 ] || echo "KIL-TEARDOWN FAILED"
	dmesg >/mnt/host/dmesg.txt
	return $rc
}
