// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Rig session handling for the CLI; see hw-cli.h.
 */
#include "cli/hw-cli.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fixture/fixture.h"
#include "hw/envelope.h"
#include "hw/rig.h"
#include "hw/safe.h"
#include "hw/selfcal.h"
#include "sim/sim.h"
#include "store/store-calib.h"
#include "store/store.h"

void bench_hw_cli_opts_init(struct bench_hw_cli_opts *o)
{
	memset(o, 0, sizeof(*o));
}

int bench_hw_cli_parse_common(const struct bench_cli_command *cmd, struct bench_hw_cli_opts *o,
			      int argc, char **argv, size_t *i)
{
	const char *a = argv[*i];
	const char **slot = NULL;

	if (!strcmp(a, "--certification")) {
		o->certification = true;
		return 1;
	}
	if (!strcmp(a, "--fixture"))
		slot = &o->fixture;
	else if (!strcmp(a, "--uri"))
		slot = &o->uri;
	else if (!strcmp(a, "--marker"))
		slot = &o->marker;
	else
		return 0;
	if (*i + 1 >= (size_t)argc) {
		bench_cli_usage_error(cmd, "%s needs a value", a);
		return -1;
	}
	*slot = argv[++*i];
	return 1;
}

static void default_marker(char *buf, size_t size)
{
	const char *dir = getenv("BCIBENCH_STATE_DIR");

	if (dir && *dir)
		snprintf(buf, size, "%s/bcibench-live", dir);
	else
		snprintf(buf, size, "/tmp/bcibench-live-%ld", (long)getuid());
}

int bench_hw_cli_begin(const struct bench_hw_cli_opts *o, struct bench_hw_cli_session *ses)
{
	struct bench_fixture_error err;
	const char *uri = o->uri;
	bool unclean = false;
	int r;

	memset(ses, 0, sizeof(*ses));
	r = bench_fixture_load(o->fixture, o->certification ? BENCH_FIXTURE_CERTIFICATION : 0,
			       bench_fixture_today_days(), &ses->fx, &err);
	if (r < 0) {
		fprintf(stderr, "%s\n", err.text);
		return r == -ENOMEM ? BENCH_EXIT_ERROR : BENCH_EXIT_USAGE;
	}
	if (o->marker)
		snprintf(ses->marker, sizeof(ses->marker), "%s", o->marker);
	else
		default_marker(ses->marker, sizeof(ses->marker));
	r = bench_safe_marker_check(ses->marker, &unclean);
	if (r < 0) {
		bench_cli_error("cannot check the marker %s: %s", ses->marker, strerror(-r));
		goto err_free_fx;
	}
	bench_safe_catch_signals();
	if (!uri && bench_fixture_uri_is_sim(ses->fx, NULL, 0)) {
		/* An emulated rig named by the fixture runs in this process (fast pace). */
		struct bench_sim_options so = { 0 };
		char name[256];
		bool is_path;

		bench_fixture_uri_is_sim(ses->fx, name, sizeof(name));
		is_path = strstr(name, ".rig.xml") != NULL;
		so.rig_path = is_path ? name : NULL;
		so.dut_name = is_path ? NULL : name;
		so.pace = BENCH_SIM_PACE_FAST;
		r = bench_sim_start(&so, &ses->sim);
		if (r == 0)
			r = bench_sim_uri(ses->sim, ses->sim_uri, sizeof(ses->sim_uri));
		if (r < 0) {
			bench_cli_error("%s:%d: cannot start the emulated rig '%s': %s",
					ses->fx->path, ses->fx->context_line, name, strerror(-r));
			r = r == -ENOENT || r == -EINVAL ? -EINVAL : r;
			goto err_free_fx;
		}
		uri = ses->sim_uri;
	}
	r = bench_rig_open(ses->fx, uri, o->rig_flags, &ses->rig, &err);
	if (r < 0) {
		fprintf(stderr, "%s\n", err.text);
		/* The fixture names something the rig does not have: input error. */
		if (err.line > 0 && err.line != ses->fx->context_line &&
		    (r == -ENODEV || r == -ENOENT || r == -EINVAL || r == -ENOTSUP))
			r = -EINVAL;
		else
			r = -EIO;
		goto err_free_fx;
	}
	if (unclean) {
		/* The previous run died with the rig live: park it before anything else. */
		bench_cli_error("%s: the previous run stopped uncleanly; safe state applied",
				ses->marker);
		bench_safe_state("unclean-stop");
	}
	if (o->cal_db) {
		struct bench_store *st = NULL;

		/* Read only: a store that does not exist yet holds no calibration. */
		r = bench_store_open(o->cal_db,
				     BENCH_STORE_OPEN_READONLY | BENCH_STORE_OPEN_EXISTING, &st);
		if (r == 0)
			r = bench_hw_cli_apply_stored_calibration(ses, st);
		else if (r == -ENOENT)
			r = 0;
		bench_store_close(st);
		if (r < 0) {
			bench_cli_error("%s: cannot read the calibration record: %s", o->cal_db,
					strerror(-r));
			bench_rig_close(ses->rig);
			ses->rig = NULL;
			r = -EIO;
			goto err_free_fx;
		}
	}
	r = bench_safe_marker_arm(ses->marker);
	if (r < 0) {
		bench_cli_error("cannot write the marker %s: %s", ses->marker, strerror(-r));
		bench_rig_close(ses->rig);
		ses->rig = NULL;
		goto err_free_fx;
	}
	return BENCH_EXIT_PASS;

err_free_fx:
	free(ses->cal_ids);
	ses->cal_ids = NULL;
	ses->n_cal_ids = 0;
	bench_sim_stop(ses->sim);
	ses->sim = NULL;
	bench_fixture_free(ses->fx);
	ses->fx = NULL;
	return r == -EINVAL ? BENCH_EXIT_USAGE : BENCH_EXIT_ERROR;
}

void bench_hw_cli_report_error(const struct bench_hw_cli_session *ses, int err,
			       const struct bench_envelope_violation *v, const char *device)
{
	if (err == -ERANGE && v && v->channel) {
		bench_cli_error("ERROR: stimulus refused by the safety envelope: channel %s, sample "
				"%llu: %s %.3f exceeds %.3f (%s:%d); nothing of the block was "
				"played",
				v->channel, (unsigned long long)v->sample,
				bench_envelope_limit_name(v->kind), v->value, v->limit,
				ses->fx->path, v->limit_line);
		return;
	}
	if (err == -EINTR) {
		bench_cli_error("ERROR: aborted (signal %d)", bench_safe_pending_signal());
		return;
	}
	if (device && *device) {
		const char *what = err == -EPIPE ?
					   "timeout or disconnect (EPIPE)" :
				   err == -ENODATA ?
					   "output underflow" :
				   err == -EOVERFLOW ?
					   "capture overflow (samples dropped by the device)" :
				   err == -EBADMSG ? "gap in the device timestamps (samples lost)" :
						     strerror(-err);

		bench_cli_error("ERROR: device %s: %s", device, what);
		return;
	}
	bench_cli_error("ERROR: %s", strerror(-err));
}

int bench_hw_cli_end(struct bench_hw_cli_session *ses, int rc)
{
	const char *reason = "normal-end";
	int sig = bench_safe_pending_signal(), r;

	if (sig == SIGINT)
		reason = "SIGINT";
	else if (sig == SIGTERM)
		reason = "SIGTERM";
	else if (sig)
		reason = "signal";
	else if (rc != BENCH_EXIT_PASS)
		reason = "error";
	r = bench_safe_state(reason);
	if (r < 0) {
		bench_cli_error("ERROR: safe state failed: %s", strerror(-r));
		rc = BENCH_EXIT_ERROR;
	}
	bench_rig_close(ses->rig);
	ses->rig = NULL;
	if (r == 0)
		bench_safe_marker_disarm();
	bench_sim_stop(ses->sim);
	ses->sim = NULL;
	bench_fixture_free(ses->fx);
	free(ses->cal_ids);
	ses->cal_ids = NULL;
	ses->n_cal_ids = 0;
	ses->fx = NULL;
	if (sig && rc == BENCH_EXIT_PASS)
		rc = BENCH_EXIT_ERROR;
	return rc;
}

void bench_hw_cli_dac_instrument(const struct bench_fixture *fx, struct bench_store_instrument *ret)
{
	const struct bench_fixture_instrument *in =
		fx->dac.instrument[0] ? bench_fixture_instrument(fx, fx->dac.instrument) : NULL;

	memset(ret, 0, sizeof(*ret));
	ret->kind = "dac";
	if (in) {
		ret->manufacturer = in->make[0] ? in->make : NULL;
		ret->model = in->model;
		ret->serial = in->serial;
	} else {
		/* No instrument named: the fixture's DAC is the identity. */
		ret->model = fx->dac.device;
		ret->serial = fx->name;
	}
}

/* "YYYY-MM-DD" of now + @days (UTC), and the date-time "YYYY-MM-DDTHH:MM:SSZ" of now. */
static void utc_texts(unsigned days, char date[16], char datetime[32])
{
	time_t now = time(NULL), later = now + (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&later, &tm);
	strftime(date, 16, "%Y-%m-%d", &tm);
	gmtime_r(&now, &tm);
	strftime(datetime, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int bench_hw_cli_apply_stored_calibration(struct bench_hw_cli_session *ses, struct bench_store *st)
{
	const struct bench_fixture *fx = ses->fx;
	struct bench_store_instrument in;
	char today[16], now[32];
	int64_t *ids;
	size_t i;
	int r, n = 0;

	if (!ses->rig || !st)
		return -EINVAL;
	bench_hw_cli_dac_instrument(fx, &in);
	utc_texts(0, today, now);
	for (i = 0; i < fx->dac.n_channels; i++) {
		struct bench_store_calibration_found f;

		r = bench_store_find_calibration(st, &in, fx->dac.channels[i].name, NULL, today,
						 &f);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		if (strcmp(f.offset_unit, "uV") != 0)
			continue; /* only uV records map onto cal-offset-uv */
		r = bench_rig_set_dac_calibration(ses->rig, i, f.gain, f.offset);
		if (r < 0)
			return r;
		ids = realloc(ses->cal_ids, (ses->n_cal_ids + 1) * sizeof(*ids));
		if (!ids)
			return -ENOMEM;
		ses->cal_ids = ids;
		ses->cal_ids[ses->n_cal_ids++] = f.id;
		fprintf(stderr,
			"bcibench: calibration in force for %s: gain %.6f offset %.3f uV (%s %s, "
			"due %s, record %lld)\n",
			fx->dac.channels[i].name, f.gain, f.offset, f.method, f.cal_date,
			f.due_date[0] ? f.due_date : "-", (long long)f.id);
		n++;
	}
	return n;
}

int bench_hw_cli_store_calibration(struct bench_hw_cli_session *ses, struct bench_store *st,
				   const struct bench_selfcal_result *res, unsigned valid_days,
				   int64_t *ret_id)
{
	struct bench_store_instrument in;
	struct bench_store_calibration c;
	double cal_gain = 1, cal_offset_uv = 0;
	char due[16], now[32];
	size_t i;
	int r;

	if (!ses || !st || !res || !res->channel)
		return -EINVAL;
	for (i = 0; i < ses->fx->dac.n_channels; i++)
		if (!strcmp(ses->fx->dac.channels[i].name, res->channel))
			bench_rig_dac_calibration(ses->rig, i, &cal_gain, &cal_offset_uv);
	bench_hw_cli_dac_instrument(ses->fx, &in);
	r = bench_store_add_instrument(st, &in, &c.instrument_id);
	if (r < 0)
		return r;
	utc_texts(valid_days, due, now);
	c.channel = res->channel;
	c.gain = res->cal_gain_new;
	c.offset = res->cal_offset_new_uv;
	c.offset_unit = "uV";
	/* new gain = g x gain in force; new offset = o + g x offset in force */
	c.u_gain = res->u_gain * cal_gain;
	c.u_offset = hypot(res->u_offset_uv, res->u_gain * cal_offset_uv);
	c.method = "loopback";
	c.certificate = NULL;
	c.cal_date = now;
	c.due_date = due;
	return bench_store_add_calibration(st, &c, ret_id);
}
