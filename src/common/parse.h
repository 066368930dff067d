/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Strict number parsing for command lines, attribute values and XML text
 * (atoi/atof are banned: they cannot report errors). The whole string must be
 * consumed, apart from leading and trailing ASCII white space.
 */
#ifndef BENCH_COMMON_PARSE_H
#define BENCH_COMMON_PARSE_H

#include <stdint.h>

/* Return: 0, -EINVAL (empty or trailing garbage), -ERANGE (does not fit). */
int bench_parse_i64(const char *s, int64_t *ret_value);
int bench_parse_u64(const char *s, uint64_t *ret_value);
int bench_parse_int(const char *s, int *ret_value);

/* Finite values only: NaN and infinities are -EINVAL. */
int bench_parse_double(const char *s, double *ret_value);

#endif /* BENCH_COMMON_PARSE_H */
