/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JUnit XML for CI dashboards (GitLab, Jenkins): the CI-facing summary of a dossier, never the
 * record. One testsuite per run (name = report id), one testcase per test (classname = protocol
 * id, time in s). FAIL -> <failure> whose message names each failed measurement with its value,
 * unit, U and limit; ERROR -> <error>; NOT_RUN -> <skipped>; PASS and MARGINAL -> no child
 * (MARGINAL is said in system-out). Measurements are properties. Validated against
 * schemas/junit.xsd before it is written.
 */
#ifndef BENCH_REPORTS_JUNIT_H
#define BENCH_REPORTS_JUNIT_H

#include "reports/dossier.h"

/**
 * bench_report_write_junit() - write the JUnit XML of @d to @path (atomically).
 * @d:           the dossier.
 * @path:        output file.
 * @dossier_ref: path or URL of the XML dossier for the attachment line, or NULL.
 *
 * Return: 0; -EINVAL (the result did not validate, logged); -ENOMEM; -errno writing.
 */
int bench_report_write_junit(const struct bench_dossier *d, const char *path,
			     const char *dossier_ref);

#endif /* BENCH_REPORTS_JUNIT_H */
