/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper for the src/score tests and benchmark: writes float64 arrays
 * to temporary files and runs the independent reference script
 * tests/ref/score_ref.py with Debian's /usr/bin/python3 (numpy, scipy) on
 * them, reading back the numbers it prints. The source root comes from
 * $BCIBENCH_SOURCE_ROOT (set by tests/meson.build).
 */
#ifndef BENCH_TESTS_SCORE_REF_H
#define BENCH_TESTS_SCORE_REF_H

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REF_PY "/usr/bin/python3"

/* Writes @n doubles to a new temp file; @path receives its name (>= 64 bytes). */
static inline int ref_write(const double *x, size_t n, char *path, size_t size)
{
	FILE *f;
	int fd;

	snprintf(path, size, "/tmp/bench-score-ref-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		return -EIO;
	}
	if (fwrite(x, sizeof(*x), n, f) != n) {
		fclose(f);
		return -EIO;
	}
	return fclose(f) == 0 ? 0 : -EIO;
}

/*
 * Runs "score_ref.py ARGS" and parses up to @max numbers from its output.
 * Return: the count parsed, or a negative errno.
 */
static inline int ref_run(const char *args, double *out, size_t max)
{
	const char *root = getenv("BCIBENCH_SOURCE_ROOT");
	char cmd[4096];
	size_t got = 0;
	FILE *p;
	int c, st;

	if (!root)
		root = ".";
	snprintf(cmd, sizeof(cmd), "%s %s/tests/ref/score_ref.py %s", REF_PY, root, args);
	p = popen(cmd, "r");
	if (!p)
		return -errno;
	while (got < max) {
		char tok[64];
		size_t len = 0;
		char *end;

		do {
			c = fgetc(p);
		} while (c == ' ' || c == '\n' || c == '\t');
		if (c == EOF)
			break;
		while (c != EOF && c != ' ' && c != '\n' && c != '\t' && len + 1 < sizeof(tok)) {
			tok[len++] = (char)c;
			c = fgetc(p);
		}
		tok[len] = '\0';
		out[got] = strtod(tok, &end);
		if (*end != '\0')
			break;
		got++;
		if (c == EOF)
			break;
	}
	while (fgetc(p) != EOF)
		;
	st = pclose(p);
	if (st != 0)
		return -EIO;
	return (int)got;
}

/* Relative difference |a - b| / max(|b|, floor). */
static inline double ref_reldiff(double a, double b, double floor_abs)
{
	double d = b < 0 ? -b : b;

	if (d < floor_abs)
		d = floor_abs;
	return (a > b ? a - b : b - a) / d;
}

/* Deterministic PRNG (xorshift64*) and standard normal (Box-Muller) for test data. */
struct ref_rng {
	unsigned long long s;
};

static inline double ref_uniform(struct ref_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (double)((r->s * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

static inline double ref_normal(struct ref_rng *r)
{
	double u1 = ref_uniform(r), u2 = ref_uniform(r);

	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

#endif /* BENCH_TESTS_SCORE_REF_H */
