// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The FFTW plan cache; see fft.h. Entries live until bench_score_cleanup().
 */
#include "score/fft.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>

#include "score/spectrum.h"

enum kind {
	KIND_R2C,
	KIND_C2R,
};

struct entry {
	enum kind kind;
	size_t n;
	fftw_plan plan;
	struct entry *next;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry *cache;

static fftw_plan make_plan(enum kind kind, size_t n)
{
	fftw_plan plan = NULL;
	double *in;
	fftw_complex *out;
	size_t nc = n / 2 + 1;

	in = fftw_malloc(n * sizeof(double));
	out = fftw_malloc(nc * sizeof(fftw_complex));
	if (in && out) {
		if (kind == KIND_R2C)
			plan = fftw_plan_dft_r2c_1d((int)n, in, out, FFTW_ESTIMATE);
		else
			plan = fftw_plan_dft_c2r_1d((int)n, out, in, FFTW_ESTIMATE);
	}
	fftw_free(in);
	fftw_free(out);
	return plan;
}

static int get_plan(enum kind kind, size_t n, fftw_plan *ret_plan)
{
	struct entry *e;
	int r = 0;

	if (n < 2 || n > INT_MAX)
		return -EINVAL;
	pthread_mutex_lock(&cache_lock);
	for (e = cache; e; e = e->next) {
		if (e->kind == kind && e->n == n)
			break;
	}
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e) {
			r = -ENOMEM;
			goto out_unlock;
		}
		e->plan = make_plan(kind, n);
		if (!e->plan) {
			free(e);
			r = -ENOMEM;
			goto out_unlock;
		}
		e->kind = kind;
		e->n = n;
		e->next = cache;
		cache = e;
	}
	*ret_plan = e->plan;
out_unlock:
	pthread_mutex_unlock(&cache_lock);
	return r;
}

int score_fft_plan_r2c(size_t n, fftw_plan *ret_plan)
{
	fftw_plan p;
	int r = get_plan(KIND_R2C, n, &p);

	if (r == 0)
		*ret_plan = p;
	return r;
}

int score_fft_plan_c2r(size_t n, fftw_plan *ret_plan)
{
	fftw_plan p;
	int r = get_plan(KIND_C2R, n, &p);

	if (r == 0)
		*ret_plan = p;
	return r;
}

size_t score_fft_good_size(size_t n)
{
	size_t m;

	for (m = n < 2 ? 2 : n;; m++) {
		size_t k = m;

		while (k % 2 == 0)
			k /= 2;
		while (k % 3 == 0)
			k /= 3;
		while (k % 5 == 0)
			k /= 5;
		if (k == 1)
			return m;
	}
}

void bench_score_cleanup(void)
{
	struct entry *e, *next;

	pthread_mutex_lock(&cache_lock);
	for (e = cache; e; e = next) {
		next = e->next;
		fftw_destroy_plan(e->plan);
		free(e);
	}
	cache = NULL;
	fftw_cleanup();
	pthread_mutex_unlock(&cache_lock);
}
