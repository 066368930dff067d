/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to src/protocol: helpers shared by the loaders.
 */
#ifndef BENCH_PROTOCOL_INTERNAL_H
#define BENCH_PROTOCOL_INTERNAL_H

#include <stddef.h>

#include <libxml/tree.h>

#include "protocol/protocol.h"

/* Index of @s in @names[0..n), or -1. */
int proto_lookup(const char *const *names, size_t n, const char *s);

const char *proto_tol_name(enum bench_protocol_tol tol);

/* Deep copy; -ENOMEM leaves @dst cleared. */
int proto_limit_copy(struct bench_protocol_limit *dst, const struct bench_protocol_limit *src);
void proto_limit_clear(struct bench_protocol_limit *l);

/* Steps of a setup/teardown element (NULL @node gives no steps). Return: 0, -EINVAL, -ENOMEM. */
int proto_parse_steps(xmlNodePtr node, const char *file, struct bench_buf *err,
		      struct bench_protocol_steps *ret_steps);
void proto_steps_clear(struct bench_protocol_steps *steps);

/* A <retest> element. Return: 0, -EINVAL. */
int proto_parse_retest(xmlNodePtr node, const char *file, struct bench_buf *err,
		       struct bench_protocol_retest *ret_retest);

/* The <set> children of @node as overrides. Return: 0, -ENOMEM. */
int proto_parse_sets(xmlNodePtr node, const char *file, struct bench_protocol_set **ret_sets,
		     size_t *ret_n);
void proto_sets_free(struct bench_protocol_set *sets, size_t n);

/* Internal form of bench_protocol_load(): @condition_id selects a condition to apply. */
int proto_load(struct bench_protocol_lib *lib, const char *path,
	       const struct bench_protocol_set *sets, size_t n_sets, const char *condition_id,
	       struct bench_buf *err, struct bench_protocol **ret_protocol);

/* Resolves the DUT-claim criteria of @p against @profile (errors name the protocol file).
 * Return: 0, -EINVAL, -ENOMEM. */
int proto_resolve_claims(struct bench_protocol *p, const struct bench_dut_profile *profile,
			 struct bench_buf *err);

#endif /* BENCH_PROTOCOL_INTERNAL_H */
