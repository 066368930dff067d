// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `bcibench calibrate --fixture F`: loopback self-calibration of every DAC
 * channel that has a loopback tap in the fixture. Prints gain and offset per
 * channel with their standard uncertainties and the corrected calibration
 * attributes to paste into the fixture (stored in the record once the results
 * store exists).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/hw-cli.h"
#include "common/parse.h"
#include "fixture/fixture.h"
#include "hw/envelope.h"
#include "hw/rig.h"
#include "hw/safe.h"
#include "hw/selfcal.h"
#include "store/store.h"

int bench_cmd_calibrate(int argc, char **argv)
{
	const struct bench_cli_command *cmd = bench_cli_find("calibrate");
	struct bench_hw_cli_opts o;
	struct bench_hw_cli_session ses;
	double seconds = 2.0, amp_uv = 0;
	const char *db = NULL;
	struct bench_store *st = NULL;
	unsigned valid_days = 30;
	size_t i, done = 0;
	int r, rc = BENCH_EXIT_PASS;

	bench_hw_cli_opts_init(&o);
	for (i = 1; i < (size_t)argc; i++) {
		r = bench_hw_cli_parse_common(cmd, &o, argc, argv, &i);
		if (r > 0)
			continue;
		if (r < 0)
			return BENCH_EXIT_USAGE;
		if (!strcmp(argv[i], "--seconds") && i + 1 < (size_t)argc) {
			if (bench_parse_double(argv[++i], &seconds) < 0 || !(seconds > 0))
				return bench_cli_usage_error(cmd, "bad --seconds '%s'", argv[i]);
		} else if (!strcmp(argv[i], "--amplitude-uv") && i + 1 < (size_t)argc) {
			if (bench_parse_double(argv[++i], &amp_uv) < 0 || !(amp_uv > 0))
				return bench_cli_usage_error(cmd, "bad --amplitude-uv '%s'",
							     argv[i]);
		} else if (!strcmp(argv[i], "--db") && i + 1 < (size_t)argc) {
			db = argv[++i];
		} else if (!strcmp(argv[i], "--valid-days") && i + 1 < (size_t)argc) {
			uint64_t d;

			if (bench_parse_u64(argv[++i], &d) < 0 || d < 1 || d > 3650)
				return bench_cli_usage_error(cmd, "bad --valid-days '%s' (1..3650)",
							     argv[i]);
			valid_days = (unsigned)d;
		} else {
			return bench_cli_usage_error(cmd, "unknown argument '%s'", argv[i]);
		}
	}
	if (!o.fixture)
		return bench_cli_usage_error(cmd, "--fixture is required");

	/* Measure relative to the record in force: the newest valid one in the store. */
	o.cal_db = db;
	rc = bench_hw_cli_begin(&o, &ses);
	if (rc != BENCH_EXIT_PASS)
		return rc;
	if (db) {
		r = bench_store_open(db, 0, &st);
		if (r < 0) {
			bench_cli_error("%s: %s", db, strerror(-r));
			return bench_hw_cli_end(&ses, BENCH_EXIT_ERROR);
		}
	}
	printf("# loopback self-calibration of %s (%s)\n", ses.fx->name, bench_rig_uri(ses.rig));
	printf("%-12s %-12s %12s %10s %12s %10s %8s %8s\n", "channel", "loopback", "gain",
	       "u(gain)", "offset_uv", "u(off)", "lag", "u(lag)");
	for (i = 0; i < ses.fx->dac.n_channels; i++) {
		struct bench_selfcal_result res;
		struct bench_envelope_violation v;

		r = bench_selfcal_channel(ses.rig, i, amp_uv, seconds, &res, &v);
		if (r == -ENOENT)
			continue;
		if (r < 0) {
			bench_hw_cli_report_error(&ses, r, &v, NULL);
			rc = BENCH_EXIT_ERROR;
			break;
		}
		done++;
		printf("%-12s %-12s %12.6f %10.2e %12.3f %10.3f %8ld %8.2f\n", res.channel,
		       res.loopback, res.gain, res.u_gain, res.offset_uv, res.u_offset_uv,
		       res.align.lag_frames, res.align.u_lag_frames);
		printf("#   fixture: <channel name=\"%s\" ... cal-gain=\"%.6f\" "
		       "cal-offset-uv=\"%.3f\"/>\n",
		       res.channel, res.cal_gain_new, res.cal_offset_new_uv);
		if (st) {
			int64_t id = 0;

			r = bench_hw_cli_store_calibration(&ses, st, &res, valid_days, &id);
			if (r < 0) {
				bench_cli_error("%s: cannot store the calibration of %s: %s", db,
						res.channel, strerror(-r));
				rc = BENCH_EXIT_ERROR;
				break;
			}
			printf("#   stored: %s calibration record %lld (loopback, valid %u days)\n",
			       db, (long long)id, valid_days);
		}
	}
	if (rc == BENCH_EXIT_PASS && done == 0) {
		bench_cli_error("%s: no DAC channel has a loopback tap (loopback-of=)",
				ses.fx->path);
		rc = BENCH_EXIT_USAGE;
	}
	bench_store_close(st);
	return bench_hw_cli_end(&ses, rc);
}
