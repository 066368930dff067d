// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dossier model: allocation, appenders, enum names. Strings and series data live in a
 * chunk list owned by the dossier (freed in one walk); element arrays are realloc'd by the
 * appenders and freed by walking the tree.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/checked.h"
#include "common/error.h"
#include "reports/dossier.h"

struct chunk {
	struct chunk *next;
	max_align_t data[];
};

static void *chunk_alloc(struct bench_dossier *d, size_t size)
{
	struct chunk *c;
	size_t total;

	if (bench_add_size(sizeof(*c), size, &total) < 0)
		return NULL;
	c = calloc(1, total);
	if (!c)
		return NULL;
	c->next = d->priv;
	d->priv = c;
	return c->data;
}

int bench_dossier_new(struct bench_dossier **ret_dossier)
{
	struct bench_dossier *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->verdict = BENCH_DOSSIER_PASS;
	*ret_dossier = d;
	return 0;
}

void bench_dossier_free(struct bench_dossier *d)
{
	struct chunk *c, *next;
	size_t i, j;

	if (!d)
		return;
	for (i = 0; i < d->n_protocols; i++)
		free(d->protocols[i].stimulus);
	for (i = 0; i < d->n_tests; i++) {
		struct bench_dossier_test *t = &d->tests[i];

		for (j = 0; j < t->n_plots; j++)
			free(t->plots[j].series);
		free(t->meas);
		free(t->plots);
		free(t->artifact_ids);
	}
	free(d->instruments);
	free(d->protocols);
	free(d->tests);
	free(d->artifacts);
	free(d->events);
	for (c = d->priv; c; c = next) {
		next = c->next;
		free(c);
	}
	free(d);
}

char *bench_dossier_strdup(struct bench_dossier *d, const char *s)
{
	size_t n;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	p = chunk_alloc(d, n);
	if (p)
		memcpy(p, s, n);
	return p;
}

char *bench_dossier_strdupf(struct bench_dossier *d, const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = chunk_alloc(d, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* Grows *@arr of *@n elements of @size by one zeroed element. Return: the element or NULL. */
static void *grow(void *arr_ptr, size_t *n, size_t size)
{
	void **arr = arr_ptr;
	size_t bytes;
	char *p;

	if (bench_mul_size(*n + 1, size, &bytes) < 0)
		return NULL;
	p = realloc(*arr, bytes);
	if (!p)
		return NULL;
	*arr = p;
	memset(p + *n * size, 0, size);
	return p + (*n)++ * size;
}

struct bench_dossier_instrument *bench_dossier_add_instrument(struct bench_dossier *d)
{
	return grow(&d->instruments, &d->n_instruments, sizeof(*d->instruments));
}

struct bench_dossier_protocol *bench_dossier_add_protocol(struct bench_dossier *d)
{
	return grow(&d->protocols, &d->n_protocols, sizeof(*d->protocols));
}

struct bench_dossier_param *bench_dossier_add_stimulus(struct bench_dossier *d,
						       struct bench_dossier_protocol *p)
{
	(void)d;
	return grow(&p->stimulus, &p->n_stimulus, sizeof(*p->stimulus));
}

struct bench_dossier_test *bench_dossier_add_test(struct bench_dossier *d)
{
	struct bench_dossier_test *t = grow(&d->tests, &d->n_tests, sizeof(*d->tests));

	if (t)
		t->attempts = 1;
	return t;
}

struct bench_dossier_measurement *bench_dossier_add_meas(struct bench_dossier *d,
							 struct bench_dossier_test *t)
{
	struct bench_dossier_measurement *m = grow(&t->meas, &t->n_meas, sizeof(*t->meas));

	(void)d;
	if (m) {
		m->u = NAN;
		m->u_expanded = NAN;
		m->k = 2.0;
	}
	return m;
}

struct bench_dossier_plot *bench_dossier_add_plot(struct bench_dossier *d,
						  struct bench_dossier_test *t)
{
	(void)d;
	return grow(&t->plots, &t->n_plots, sizeof(*t->plots));
}

struct bench_dossier_artifact *bench_dossier_add_artifact(struct bench_dossier *d)
{
	return grow(&d->artifacts, &d->n_artifacts, sizeof(*d->artifacts));
}

struct bench_dossier_event *bench_dossier_add_event(struct bench_dossier *d)
{
	return grow(&d->events, &d->n_events, sizeof(*d->events));
}

int bench_dossier_test_add_artifact(struct bench_dossier *d, struct bench_dossier_test *t,
				    const char *artifact_id)
{
	char *copy = bench_dossier_strdup(d, artifact_id);
	char **slot;

	if (!copy)
		return artifact_id ? -ENOMEM : -EINVAL;
	slot = grow(&t->artifact_ids, &t->n_artifact_ids, sizeof(*t->artifact_ids));
	if (!slot)
		return -ENOMEM;
	*slot = copy;
	return 0;
}

struct bench_dossier_series *bench_dossier_plot_add_series(struct bench_dossier *d,
							   struct bench_dossier_plot *p,
							   const char *name, size_t n,
							   const double *x, const double *y)
{
	struct bench_dossier_series *s;
	size_t bytes;
	double *xs = NULL, *ys = NULL;

	if (n > 0 && !y)
		return NULL;
	if (bench_mul_size(n ? n : 1, sizeof(double), &bytes) < 0)
		return NULL;
	if (x) {
		xs = chunk_alloc(d, bytes);
		if (!xs)
			return NULL;
		memcpy(xs, x, n * sizeof(double));
	}
	ys = chunk_alloc(d, bytes);
	if (!ys)
		return NULL;
	if (n)
		memcpy(ys, y, n * sizeof(double));
	s = grow(&p->series, &p->n_series, sizeof(*p->series));
	if (!s)
		return NULL;
	s->name = bench_dossier_strdup(d, name);
	s->n = n;
	s->x = xs;
	s->y = ys;
	return s;
}

static void put_le_double(uint8_t out[8], double v)
{
	uint64_t u;
	int i;

	memcpy(&u, &v, sizeof(u));
	for (i = 0; i < 8; i++)
		out[i] = (uint8_t)(u >> (8 * i));
}

int bench_dossier_series_sha256(const struct bench_dossier_series *s, uint8_t out[BENCH_SHA256_LEN])
{
	struct bench_sha256 *ctx;
	uint8_t b[16];
	size_t i;
	int r;

	r = bench_sha256_new(&ctx);
	if (r < 0)
		return r;
	put_le_double(b, (double)s->n);
	r = bench_sha256_update(ctx, b, 8);
	for (i = 0; r == 0 && i < s->n; i++) {
		put_le_double(b, s->x ? s->x[i] : (double)i);
		put_le_double(b + 8, s->y[i]);
		r = bench_sha256_update(ctx, b, 16);
	}
	if (r == 0)
		r = bench_sha256_final(ctx, out);
	bench_sha256_free(ctx);
	return r;
}

static const char *const verdict_names[] = { "PASS", "MARGINAL", "FAIL", "ERROR", "NOT_RUN" };
static const char *const cmp_names[] = { "GELE", "GE", "LE", "GT", "LT", "EQ", "NONE" };
static const char *const rule_names[] = { "simple-acceptance", "guarded-acceptance" };
static const char *const cal_names[] = { "valid", "expired", "none" };
static const char *const plot_names[] = { "overlay",   "psd",	 "bode",  "histogram",
					  "confusion", "raster", "charge" };

_Static_assert(BENCH_ARRAY_SIZE(verdict_names) == BENCH_DOSSIER_VERDICT_COUNT, "verdicts");
_Static_assert(BENCH_ARRAY_SIZE(cmp_names) == BENCH_DOSSIER_CMP_COUNT, "comparators");
_Static_assert(BENCH_ARRAY_SIZE(rule_names) == BENCH_DOSSIER_RULE_COUNT, "rules");
_Static_assert(BENCH_ARRAY_SIZE(cal_names) == BENCH_DOSSIER_CAL_COUNT, "cal");
_Static_assert(BENCH_ARRAY_SIZE(plot_names) == BENCH_DOSSIER_PLOT_KIND_COUNT, "plots");

static const char *name_of(const char *const *names, size_t count, unsigned v)
{
	return v < count ? names[v] : "?";
}

static int parse_name(const char *const *names, size_t count, const char *s, unsigned *ret)
{
	size_t i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < count; i++) {
		if (strcmp(names[i], s) == 0) {
			*ret = (unsigned)i;
			return 0;
		}
	}
	return -EINVAL;
}

#define NAME_FUNCS(fn, type, names)                                          \
	const char *bench_dossier_##fn##_name(type v)                        \
	{                                                                    \
		return name_of(names, BENCH_ARRAY_SIZE(names), (unsigned)v); \
	}                                                                    \
	int bench_dossier_##fn##_parse(const char *s, type *ret)             \
	{                                                                    \
		unsigned v;                                                  \
		int r = parse_name(names, BENCH_ARRAY_SIZE(names), s, &v);   \
		if (r == 0)                                                  \
			*ret = (type)v;                                      \
		return r;                                                    \
	}

NAME_FUNCS(verdict, enum bench_dossier_verdict, verdict_names)
NAME_FUNCS(cmp, enum bench_dossier_cmp, cmp_names)
NAME_FUNCS(rule, enum bench_dossier_rule, rule_names)
NAME_FUNCS(cal, enum bench_dossier_cal, cal_names)
NAME_FUNCS(plot_kind, enum bench_dossier_plot_kind, plot_names)

static int severity(enum bench_dossier_verdict v)
{
	switch (v) {
	case BENCH_DOSSIER_PASS:
		return 0;
	case BENCH_DOSSIER_MARGINAL:
		return 1;
	case BENCH_DOSSIER_NOT_RUN:
		return 2;
	case BENCH_DOSSIER_FAIL:
		return 3;
	default:
		return 4;
	}
}

enum bench_dossier_verdict bench_dossier_verdict_worst(enum bench_dossier_verdict a,
						       enum bench_dossier_verdict b)
{
	return severity(a) >= severity(b) ? a : b;
}

void bench_dossier_count(const struct bench_dossier *d, size_t counts[BENCH_DOSSIER_VERDICT_COUNT])
{
	size_t i;

	memset(counts, 0, BENCH_DOSSIER_VERDICT_COUNT * sizeof(counts[0]));
	for (i = 0; i < d->n_tests; i++)
		if ((unsigned)d->tests[i].verdict < BENCH_DOSSIER_VERDICT_COUNT)
			counts[d->tests[i].verdict]++;
}

const struct bench_dossier_protocol *bench_dossier_find_protocol(const struct bench_dossier *d,
								 const char *id)
{
	size_t i;

	for (i = 0; id && i < d->n_protocols; i++)
		if (d->protocols[i].id && strcmp(d->protocols[i].id, id) == 0)
			return &d->protocols[i];
	return NULL;
}

const struct bench_dossier_artifact *bench_dossier_find_artifact(const struct bench_dossier *d,
								 const char *id)
{
	size_t i;

	for (i = 0; id && i < d->n_artifacts; i++)
		if (d->artifacts[i].id && strcmp(d->artifacts[i].id, id) == 0)
			return &d->artifacts[i];
	return NULL;
}

void bench_dossier_format_limit(const struct bench_dossier_measurement *m, char *buf, size_t size)
{
	const char *u = m->unit ? m->unit : "";

	switch (m->cmp) {
	case BENCH_DOSSIER_CMP_GELE:
		if (m->has_low && m->has_high) {
			snprintf(buf, size, "[%.6g, %.6g] %s", m->low, m->high, u);
			return;
		}
		break;
	case BENCH_DOSSIER_CMP_GE:
	case BENCH_DOSSIER_CMP_GT:
		if (m->has_low) {
			snprintf(buf, size, "%s %.6g %s",
				 m->cmp == BENCH_DOSSIER_CMP_GE ? ">=" : ">", m->low, u);
			return;
		}
		break;
	case BENCH_DOSSIER_CMP_LE:
	case BENCH_DOSSIER_CMP_LT:
		if (m->has_high) {
			snprintf(buf, size, "%s %.6g %s",
				 m->cmp == BENCH_DOSSIER_CMP_LE ? "<=" : "<", m->high, u);
			return;
		}
		break;
	case BENCH_DOSSIER_CMP_EQ:
		if (m->has_low) {
			snprintf(buf, size, "= %.6g %s", m->low, u);
			return;
		}
		break;
	default:
		break;
	}
	snprintf(buf, size, "-");
}
