// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Strict number parsing; see parse.h.
 */
#include "common/parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

static int rest_is_blank(const char *end)
{
	while (*end && isspace((unsigned char)*end))
		end++;
	return *end == '\0';
}

static int is_empty(const char *s)
{
	if (!s)
		return 1;
	while (*s && isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

int bench_parse_i64(const char *s, int64_t *ret_value)
{
	char *end;
	long long v;

	if (is_empty(s))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (!rest_is_blank(end))
		return -EINVAL;
	*ret_value = v;
	return 0;
}

int bench_parse_u64(const char *s, uint64_t *ret_value)
{
	const char *p = s;
	char *end;
	unsigned long long v;

	if (is_empty(s))
		return -EINVAL;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-')
		return -ERANGE;
	errno = 0;
	v = strtoull(p, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (!rest_is_blank(end))
		return -EINVAL;
	*ret_value = v;
	return 0;
}

int bench_parse_int(const char *s, int *ret_value)
{
	int64_t v;
	int r;

	r = bench_parse_i64(s, &v);
	if (r < 0)
		return r;
	if (v < INT_MIN || v > INT_MAX)
		return -ERANGE;
	*ret_value = (int)v;
	return 0;
}

int bench_parse_double(const char *s, double *ret_value)
{
	char *end;
	double v;

	if (is_empty(s))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (!rest_is_blank(end))
		return -EINVAL;
	if (!isfinite(v))
		return -EINVAL;
	if (errno == ERANGE && fabs(v) > 1.0)
		return -ERANGE;
	*ret_value = v;
	return 0;
}
