/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Checked integer arithmetic for sizes and counts computed from input files
 * and the wire (channel counts x rates x durations, buffer lengths). Each
 * helper writes the result only on success and returns 0, or -EOVERFLOW.
 */
#ifndef BENCH_COMMON_CHECKED_H
#define BENCH_COMMON_CHECKED_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

static inline int bench_add_size(size_t a, size_t b, size_t *ret)
{
	size_t r;

	if (__builtin_add_overflow(a, b, &r))
		return -EOVERFLOW;
	*ret = r;
	return 0;
}

static inline int bench_mul_size(size_t a, size_t b, size_t *ret)
{
	size_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return -EOVERFLOW;
	*ret = r;
	return 0;
}

static inline int bench_add_i64(int64_t a, int64_t b, int64_t *ret)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return -EOVERFLOW;
	*ret = r;
	return 0;
}

static inline int bench_mul_i64(int64_t a, int64_t b, int64_t *ret)
{
	int64_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return -EOVERFLOW;
	*ret = r;
	return 0;
}

static inline int bench_mul_u64(uint64_t a, uint64_t b, uint64_t *ret)
{
	uint64_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return -EOVERFLOW;
	*ret = r;
	return 0;
}

/* a * b * c as a size_t, e.g. frames x channels x bytes per sample. */
static inline int bench_mul3_size(size_t a, size_t b, size_t c, size_t *ret)
{
	size_t ab;
	int r;

	r = bench_mul_size(a, b, &ab);
	if (r < 0)
		return r;
	return bench_mul_size(ab, c, ret);
}

#endif /* BENCH_COMMON_CHECKED_H */
