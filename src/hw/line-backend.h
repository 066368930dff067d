/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to src/hw. Each line backend fills one of these; line.c does the
 * logical/physical mapping, safe levels and direction checks; backends only
 * move physical bits.
 */
#ifndef BENCH_HW_LINE_BACKEND_H
#define BENCH_HW_LINE_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

struct bench_line;
struct bench_rig;
struct bench_fixture_line;
struct gpiod_chip;
struct gpiod_line;
struct iio_channel;

struct bench_line_ops {
	const char *name; /* "gpiod" or "iio", stored in the run header */
	/* Claims the line; outputs start at their safe level. */
	int (*claim)(struct bench_line *line, bool initial_phys);
	int (*set)(struct bench_line *line, bool phys);
	int (*get)(struct bench_line *line, bool *ret_phys);
	/* Waits for an edge; the timestamp is the backend's own (kernel ns). */
	int (*wait_edge)(struct bench_line *line, int64_t timeout_ns, int64_t *ret_ts_ns,
			 bool *ret_phys);
	void (*release)(struct bench_line *line);
};

struct bench_line {
	const struct bench_fixture_line *fl; /* borrowed from the fixture */
	const struct bench_line_ops *ops;
	struct bench_rig *rig; /* owner; NULL-free */
	bool claimed;
	/* gpiod backend */
	struct gpiod_chip *chip;
	struct gpiod_line *gl;
	/* iio backend */
	struct iio_channel *ch;
	bool last_phys; /* for edge detection by polling */
};

extern const struct bench_line_ops bench_line_gpiod_ops;
extern const struct bench_line_ops bench_line_iio_ops;

/* Claims @line (ops chosen from the fixture). Return: 0 or negative errno. */
int bench_line_claim(struct bench_line *line);

/* Releases @line after driving it to its safe level. */
void bench_line_release(struct bench_line *line);

#endif /* BENCH_HW_LINE_BACKEND_H */
