/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pooling over trials: metrics a protocol computes once per attempt of a test from the
 * value one per-trial metric took in every trial (<metric over="trials" of="SRC"
 * statistic="...">, schemas/protocol.xsd). A lab repeats a measurement N times (with a
 * power cycle or re-seat between trials when the protocol's before-trial steps say so)
 * and states the mean with its type A uncertainty, the repeatability standard deviation,
 * the pass rate with its Clopper-Pearson interval, the demonstrated reliability, or the
 * drift slope of a per-trial quantity against the trial's time.
 *
 * The engine calls bench_engine_pool_attempt() after the trials of one attempt of a test
 * are committed, and `bcibench rescore` calls it after re-scoring them: it reads the
 * trials back from the store (so a resumed run pools the trials it took from the record,
 * and a re-scored run pools the recomputed values), judges each pooled metric against
 * its criteria with the protocol's decision rule like any other measurement, and commits
 * the result as the test's pooled row: a trial row with seq BENCH_STORE_TRIAL_POOLED
 * (-1) and the attempt's number, audited like a trial, no artifacts. Its verdict is
 * combined into the attempt's verdict by the caller.
 *
 * Statistics (x_i: the source metric in trial i of n; docs/scoring.md "Pooling over
 * trials"):
 *   mean          mean of x_i, u_A = s / sqrt(n) (GUM 4.2.3), n >= 2; in the source's unit
 *   sd            s (n - 1 denominator), u = s / sqrt(2 (n - 1)), n >= 2
 *   pass-rate     trial i passes if accept-low <= x_i <= accept-high (a missing x_i fails);
 *                 param bound lower|upper|observed (default observed) of the two-sided
 *                 Clopper-Pearson interval at param confidence (0.95); u = width / 4;
 *                 param demonstrate-reliability R: fewer than ln(1-C)/ln(R) trials is an
 *                 ERROR. In % or 1.
 *   zero-failure  the demonstrated reliability: the one-sided lower Clopper-Pearson bound
 *                 at param confidence C (0.95) of the pass probability, (1-C)^(1/n) when
 *                 every trial passed (success-run theorem); u = 0 (the bound is the
 *                 statement). In % or 1.
 *   drift-slope   least-squares slope of x_i against param time (a per-trial metric in
 *                 s, e.g. trial_time), times param per (s, default 86400: per 24 h);
 *                 u_A = its standard error times per; n >= 3.
 * mean, sd and drift-slope are ERROR when a trial lacks the source value.
 */
#ifndef BENCH_ENGINE_POOL_H
#define BENCH_ENGINE_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "engine/engine.h"

/**
 * bench_engine_pool_stat() - one pooled statistic from the per-trial values.
 * @protocol: the protocol instance (its k; the metric's params).
 * @metric:   index of a pooled metric of @protocol.
 * @values:   @n_trials rows of protocol->n_metrics values (row i: trial i; NaN where
 *            the trial has no value of that metric); borrowed.
 * @ret_q:    receives the quantity on success.
 * @reterr:   receives why it could not be computed (may be NULL).
 *
 * Return: 0, -EINVAL (not a pooled metric, bad params), -EDOM (too few trials or a
 * missing value for a statistic that needs every one), -ENOMEM.
 */
int bench_engine_pool_stat(const struct bench_protocol *protocol, size_t metric,
			   const double *values, size_t n_trials, struct bench_quantity *ret_q,
			   char *reterr, size_t errlen);

/**
 * bench_engine_pool_score() - judge every pooled metric of a protocol.
 * @ms, @names, @clauses: room for n_criteria + n_metrics entries, filled like
 *            bench_engine_score_trial() does (criteria on pooled metrics first, then
 *            pooled metrics without a criterion, recorded as LOG).
 * @ret_n:    receives the number of measurements written.
 * @note:     why a metric could not be computed is appended.
 *
 * Return: the worst verdict of the pooled criteria (SKIPPED if none).
 */
enum bench_verdict bench_engine_pool_score(const struct bench_protocol *protocol,
					   const double *values, size_t n_trials,
					   struct bench_store_measurement *ms, size_t *ret_n,
					   char (*names)[BENCH_ENGINE_NAME_LEN],
					   char (*clauses)[BENCH_ENGINE_CLAUSE_LEN],
					   struct bench_buf *note);

/**
 * bench_engine_pool_attempt() - pool attempt @attempt of a test and record its pooled row.
 * @st:       the store; the trials of the attempt are committed already.
 * @test_id:  the test's row id.
 * @protocol: the test's protocol instance (bench_protocol_has_pooled() true).
 * @ret_v:    receives the pooled row's verdict (written when 0 is returned).
 *
 * Reads every trial of the attempt with its measurements (a trial with none still
 * counts), scores them with bench_engine_pool_score() and commits the pooled row.
 *
 * Return: 0, -ENODATA (no trial of that attempt is recorded), -EINVAL, -ENOMEM, or a store
 * error (the caller then treats the test as ERROR).
 */
int bench_engine_pool_attempt(struct bench_store *st, int64_t test_id,
			      const struct bench_protocol *protocol, unsigned attempt,
			      enum bench_verdict *ret_v);

#endif /* BENCH_ENGINE_POOL_H */
