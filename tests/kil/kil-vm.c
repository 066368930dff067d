// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel-in-the-loop program run INSIDE the qemu guest (vm-local.sh), against
 * the real gpio-sim and iio_dummy drivers of a stock Debian kernel:
 *   - GPIO: the chip vm-setup.sh creates ("kil-ctl", lines named like the
 *     fixture's: dut-power, dut-reset, trigger, ready, fault). Outputs are
 *     driven through the GPIO character device and read back through the
 *     simulator's sysfs (sim_gpioN/value); inputs are driven by the
 *     simulator's pull (sim_gpioN/pull) and read through the character
 *     device; edges raise events with kernel CLOCK_MONOTONIC timestamps (ns).
 *   - IIO: iio_dummy "adc0" with hrtimer trigger "t0" through libiio's local
 *     backend (kil-iio.c).
 * Built without sanitizers (the guest has no sanitizer runtime to spare and
 * TCG is slow); prints one line per check and exits 0 only if all passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <gpiod.h>
#include <iio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kil-check.h"
#include "kil-iio.h"

#define KIL_CHIP_LABEL "kil-ctl"
#define CONSUMER "bcibench-kil"

/* Line names as in fixtures/kil/kil-rig.xml, in gpio-sim offset order. */
enum kil_line {
	L_POWER,
	L_RESET,
	L_TRIGGER,
	L_READY,
	L_FAULT,
	L_COUNT
};
static const char *const line_names[L_COUNT] = { "dut-power", "dut-reset", "trigger", "ready",
						 "fault" };

static const char *sim_dir; /* /sys/devices/platform/gpio-sim.N/gpiochipM */

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Read the level the simulator sees on @offset: 0, 1, or -errno. */
static int sim_value(unsigned int offset)
{
	char path[256], buf[8] = { 0 };
	int fd, n;

	snprintf(path, sizeof(path), "%s/sim_gpio%u/value", sim_dir, offset);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	return buf[0] == '1' ? 1 : buf[0] == '0' ? 0 : -EINVAL;
}

/* Drive an input from the DUT side: @pull is "pull-up" or "pull-down". */
static int sim_pull(unsigned int offset, const char *pull)
{
	char path[256];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/sim_gpio%u/pull", sim_dir, offset);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, pull, strlen(pull));
	close(fd);
	return n == (ssize_t)strlen(pull) ? 0 : -EIO;
}

static void check_outputs(struct gpiod_line *lines[])
{
	for (int i = L_POWER; i <= L_TRIGGER; i++) {
		struct gpiod_line *l = lines[i];
		unsigned int off = gpiod_line_offset(l);
		int ret = gpiod_line_request_output(l, CONSUMER, 0);

		if (!KIL_CHECK(ret == 0, "request %s as output: %d", line_names[i], ret))
			continue;
		KIL_CHECK(sim_value(off) == 0, "%s low at request: sim reads %d", line_names[i],
			  sim_value(off));
		ret = gpiod_line_set_value(l, 1);
		KIL_CHECK(ret == 0 && sim_value(off) == 1, "%s set high: sim reads %d",
			  line_names[i], sim_value(off));
		ret = gpiod_line_set_value(l, 0);
		KIL_CHECK(ret == 0 && sim_value(off) == 0, "%s set low: sim reads %d",
			  line_names[i], sim_value(off));
		gpiod_line_release(l);
	}
}

static void check_input(struct gpiod_line *l, const char *name)
{
	unsigned int off = gpiod_line_offset(l);
	int ret = gpiod_line_request_input(l, CONSUMER);

	if (!KIL_CHECK(ret == 0, "request %s as input: %d", name, ret))
		return;
	KIL_CHECK(sim_pull(off, "pull-up") == 0, "simulator pulls %s up", name);
	ret = gpiod_line_get_value(l);
	KIL_CHECK(ret == 1, "%s reads 1 under pull-up: %d", name, ret);
	KIL_CHECK(sim_pull(off, "pull-down") == 0, "simulator pulls %s down", name);
	ret = gpiod_line_get_value(l);
	KIL_CHECK(ret == 0, "%s reads 0 under pull-down: %d", name, ret);
	gpiod_line_release(l);
}

/* Pull @l to @pull and expect one event of @type stamped inside the window. */
static int64_t expect_edge(struct gpiod_line *l, const char *name, const char *pull, int type,
			   int64_t after_ns)
{
	const struct timespec bound = { .tv_sec = 10 }; /* failure bound, not a timing check */
	struct gpiod_line_event ev;
	int64_t before = mono_ns(), after, stamp;
	int ret;

	KIL_CHECK(sim_pull(gpiod_line_offset(l), pull) == 0, "simulator: %s %s", name, pull);
	ret = gpiod_line_event_wait(l, &bound);
	after = mono_ns();
	if (!KIL_CHECK(ret == 1, "%s: an edge event is pending after %s: %d", name, pull, ret))
		return -1;
	ret = gpiod_line_event_read(l, &ev);
	if (!KIL_CHECK(ret == 0, "%s: read the event: %d", name, ret))
		return -1;
	stamp = (int64_t)ev.ts.tv_sec * 1000000000 + ev.ts.tv_nsec;
	KIL_CHECK(ev.event_type == type, "%s: event is %s (got %d)", name,
		  type == GPIOD_LINE_EVENT_RISING_EDGE ? "rising" : "falling", ev.event_type);
	KIL_CHECK(stamp >= before && stamp <= after && stamp > after_ns,
		  "%s: kernel timestamp %lld ns lies in [%lld, %lld] and after the previous", name,
		  (long long)stamp, (long long)before, (long long)after);
	return stamp;
}

static void check_events(struct gpiod_line *l, const char *name)
{
	int ret = gpiod_line_request_both_edges_events(l, CONSUMER);
	int64_t t;

	if (!KIL_CHECK(ret == 0, "request %s for both edges: %d", name, ret))
		return;
	t = expect_edge(l, name, "pull-up", GPIOD_LINE_EVENT_RISING_EDGE, 0);
	if (t > 0)
		expect_edge(l, name, "pull-down", GPIOD_LINE_EVENT_FALLING_EDGE, t);
	gpiod_line_release(l);
}

static void check_gpio(void)
{
	struct gpiod_chip *chip = gpiod_chip_open_by_label(KIL_CHIP_LABEL);
	struct gpiod_line *lines[L_COUNT] = { 0 };
	bool all = true;

	if (!KIL_CHECK(chip, "open the gpio-sim chip labelled %s", KIL_CHIP_LABEL))
		return;
	for (int i = 0; i < L_COUNT; i++) {
		lines[i] = gpiod_chip_find_line(chip, line_names[i]);
		all &= KIL_CHECK(lines[i] && gpiod_line_offset(lines[i]) == (unsigned int)i,
				 "line %s is offset %d", line_names[i], i);
	}
	if (all) {
		check_outputs(lines);
		check_input(lines[L_READY], line_names[L_READY]);
		check_events(lines[L_FAULT], line_names[L_FAULT]);
	}
	gpiod_chip_close(chip);
}

static void check_iio_local(void)
{
	struct iio_context *ctx = iio_create_local_context();

	if (!KIL_CHECK(ctx, "create the libiio local context (errno %d)", ctx ? 0 : errno))
		return;
	kil_iio_checks(ctx, 64);
	iio_context_destroy(ctx);
}

int main(void)
{
	sim_dir = getenv("KIL_GPIO_SIM");
	if (!sim_dir) {
		fprintf(stderr, "kil-vm: KIL_GPIO_SIM is not set (run through vm-local.sh)\n");
		return 2;
	}
	check_gpio();
	check_iio_local();
	return kil_summary("kil-vm");
}
