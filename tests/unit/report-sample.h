/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A realistic dossier built in code for the report tests and the benchmark: an EEG amplifier
 * (IEC 80601-2-26 style) suite of 11 distinct tests - gain, noise, bandwidth, CMRR, input
 * impedance, crosstalk (FAIL), sample-rate accuracy (MARGINAL), trigger latency, SSVEP
 * classification, spike detection, charge balance - each with measurements, uncertainty,
 * limits and a plot of every kind. For n_tests > 11 the list repeats with new ids.
 */
#ifndef BENCH_TESTS_REPORT_SAMPLE_H
#define BENCH_TESTS_REPORT_SAMPLE_H

#include "reports/dossier.h"

#define REPORT_SAMPLE_KINDS 11

/**
 * report_sample_build() - build the sample dossier.
 * @n_tests:      number of tests (>= 1).
 * @artifact_dir: folder where two small artifact files are written and hashed (their paths
 *                in the dossier are relative to it), or NULL for no artifacts.
 * @ret:          receives the dossier (free with bench_dossier_free()).
 *
 * Return: 0 or a negative errno.
 */
int report_sample_build(unsigned n_tests, const char *artifact_dir, struct bench_dossier **ret);

#endif /* BENCH_TESTS_REPORT_SAMPLE_H */
