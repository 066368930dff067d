/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The loader: fills a struct bench_dossier from the results database ALONE (docs/database.md,
 * schema version 1), opened read-only with SQLite. Nothing else is read: protocol method and
 * stimulus come from the protocol XML stored in the database, artifact paths are resolved in
 * the run folder "<db>.d/<run uuid>/", plots from "plot-<kind>" CSV artifacts (docs/dossier.md).
 *
 * Mapping of the record's words to the dossier's:
 *   test verdict SKIPPED -> NOT_RUN; ABORTED, or no verdict (the test never ended) -> ERROR;
 *   run status running/interrupted/aborted/error -> the overall verdict is at least ERROR
 *   (an incomplete run is never PASS); measurements of superseded attempts are left out
 *   (a retest replaces its trial; the retest is listed as an event).
 */
#ifndef BENCH_REPORTS_LOAD_H
#define BENCH_REPORTS_LOAD_H

#include <stdint.h>

#include "reports/dossier.h"

/**
 * bench_report_load() - build the dossier of one run from a results database.
 * @db_path:   the SQLite database.
 * @run:       run row id ("42") or a unique prefix (>= 4 hex digits) of the run uuid.
 * @issued_ns: issue time for the report (wall-clock ns; tests pass a fixed value).
 * @ret:       receives the dossier (free with bench_dossier_free()).
 *
 * Return: 0; -ENOENT (no database file, or no such run: logged); -EINVAL (@run ambiguous or
 * malformed, or a record the dossier cannot express, e.g. an unknown comparator; logged);
 * -EPROTO (schema version newer than this build); -EIO (not a database); -ENOMEM.
 */
int bench_report_load(const char *db_path, const char *run, int64_t issued_ns,
		      struct bench_dossier **ret);

/**
 * bench_report_parse_utc() - ISO 8601 UTC text of the record to wall-clock ns.
 * @s:      "YYYY-MM-DDTHH:MM:SS[.fff]Z" (or a bare date "YYYY-MM-DD").
 * @ret_ns: receives ns since the epoch.
 *
 * Return: 0 or -EINVAL.
 */
int bench_report_parse_utc(const char *s, int64_t *ret_ns);

#endif /* BENCH_REPORTS_LOAD_H */
