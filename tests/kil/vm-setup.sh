# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced INSIDE the kil guest (busybox sh): build the simulated rig of
# fixtures/kil/kil-rig.xml from real drivers through configfs.
#   gpio-sim chip labelled kil-ctl, 8 lines, 0..4 named dut-power, dut-reset,
#     trigger, ready, fault; exports KIL_GPIO_CHIP (gpiochipN) and
#     KIL_GPIO_SIM (the simulator's sysfs dir with sim_gpioN/{value,pull}).
#   iio_dummy device adc0 and hrtimer trigger t0 (1000 Hz) attached to it.
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
# The rig's wiring, as a board's device tree would do it: t0 at 1000 Hz paces
# adc0 (the bench does not configure triggers).
for d in /sys/bus/iio/devices/*; do
	case $(cat $d/name) in
	t0) echo 1000 >$d/sampling_frequency || kil_fail "t0 sampling_frequency" ;;
	adc0) KIL_ADC=$d ;;
	esac
done
echo t0 >$KIL_ADC/trigger/current_trigger || kil_fail "attach t0 to adc0"
echo "KIL-SETUP ok: $KIL_GPIO_CHIP at $KIL_GPIO_SIM, iio adc0 + trigger t0"

# kil_teardown: remove the rig again (proves nothing is left holding it) and
# keep the kernel log for the host, which fails the test on WARN/BUG/Oops.
kil_teardown() {
	# No variable of the caller's may be touched here: sh has no locals.
	kil_td_rc=0
	for t in /sys/bus/iio/devices/iio:device*/trigger/current_trigger; do
		[ -f "$t" ] && echo >"$t" 2>/dev/null
	done
	rmdir $CFG/iio/triggers/hrtimer/t0 || kil_td_rc=1
	rmdir $CFG/iio/devices/dummy/adc0 || kil_td_rc=1
	echo 0 >$G/live || kil_td_rc=1
	for l in $G/bank0/line*; do rmdir $l || kil_td_rc=1; done
	rmdir $G/bank0 $G || kil_td_rc=1
	[ $kil_td_rc -eq 0 ] || echo "KIL-TEARDOWN FAILED"
	dmesg >/mnt/host/dmesg.txt
	return $kil_td_rc
}
