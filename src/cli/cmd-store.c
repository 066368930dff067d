// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The readers of the results database: `bcibench runs`, `show`, `compare`
 * and `verify --db`. Each opens the database read-only, prints text or (with
 * --json) one JSON document on stdout, and maps outcomes to exit codes.
 * Values are printed in the unit stored with them.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/error.h"
#include "common/parse.h"
#include "store/store.h"

/* Options shared by the reader commands. */
struct store_opts {
	const char *db;
	const char *dut;
	const char *since;
	char since_buf[32];
	const char *status;
	int limit;
	bool json;
	const char *pos[2];
	size_t n_pos;
};

static const char *default_db(void)
{
	const char *env = getenv("BCIBENCH_DB");

	return env && env[0] ? env : "bcibench.db";
}

/* Checks @n digits at @s and their value in [lo, hi]. */
static bool digits(const char *s, int n, int lo, int hi)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	return v >= lo && v <= hi;
}

/*
 * --since: a UTC date or date-time, "YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z]", normalised to
 * the prefix of the stored start_utc text ("2026-11-21T10:00"), which compares in time
 * order as text. Return: 0, or -EINVAL for anything else (a time zone offset included).
 */
static int since_norm(const char *in, char out[32])
{
	size_t n = strlen(in), i;

	if (n && in[n - 1] == 'Z')
		n--;
	if (n >= 32 || n < 10 || !digits(in, 4, 1970, 9999) || in[4] != '-' ||
	    !digits(in + 5, 2, 1, 12) || in[7] != '-' || !digits(in + 8, 2, 1, 31))
		return -EINVAL;
	if (n > 10 && (n < 16 || (in[10] != 'T' && in[10] != ' ') || !digits(in + 11, 2, 0, 23) ||
		       in[13] != ':' || !digits(in + 14, 2, 0, 59)))
		return -EINVAL;
	if (n > 16 && (n < 19 || in[16] != ':' || !digits(in + 17, 2, 0, 60)))
		return -EINVAL;
	if (n > 19 && (in[19] != '.' || n == 20))
		return -EINVAL;
	for (i = 20; i < n; i++)
		if (in[i] < '0' || in[i] > '9')
			return -EINVAL;
	memcpy(out, in, n);
	out[n] = '\0';
	if (n > 10)
		out[10] = 'T';
	return 0;
}

/* Parses argv; @max_pos positional arguments. Returns 0 or an exit code. */
static int parse_opts(const struct bench_cli_command *cmd, int argc, char **argv, int max_pos,
		      bool filters, struct store_opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->db = default_db();
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;

		if (strcmp(a, "--json") == 0) {
			o->json = true;
		} else if (strcmp(a, "--db") == 0 && has_val) {
			o->db = argv[++i];
		} else if (filters && strcmp(a, "--dut") == 0 && has_val) {
			o->dut = argv[++i];
		} else if (filters && strcmp(a, "--since") == 0 && has_val) {
			if (since_norm(argv[++i], o->since_buf) < 0)
				return bench_cli_usage_error(
					cmd,
					"bad --since '%s': want a UTC date or time, "
					"YYYY-MM-DD[THH:MM[:SS[.mmm]]][Z]",
					argv[i]);
			o->since = o->since_buf;
		} else if (filters && strcmp(a, "--status") == 0 && has_val) {
			enum bench_store_run_status s;

			o->status = argv[++i];
			if (bench_store_run_status_parse(o->status, &s) < 0)
				return bench_cli_usage_error(cmd, "unknown status '%s'", o->status);
		} else if (filters && strcmp(a, "--limit") == 0 && has_val) {
			if (bench_parse_int(argv[++i], &o->limit) < 0 || o->limit < 0)
				return bench_cli_usage_error(cmd, "bad --limit '%s'", argv[i]);
		} else if (a[0] == '-' && a[1]) {
			return bench_cli_usage_error(cmd, "unknown or incomplete option '%s'", a);
		} else if (o->n_pos < (size_t)max_pos && o->n_pos < BENCH_ARRAY_SIZE(o->pos)) {
			o->pos[o->n_pos++] = a;
		} else {
			return bench_cli_usage_error(cmd, "unexpected argument '%s'", a);
		}
	}
	if (o->n_pos != (size_t)max_pos)
		return bench_cli_usage_error(cmd, "missing argument");
	return 0;
}

static int open_db(const char *path, struct bench_store **ret)
{
	int r;

	r = bench_store_open(path, BENCH_STORE_OPEN_READONLY, ret);
	if (r == -ENOENT) {
		bench_cli_error("%s: no such database", path);
		return BENCH_EXIT_USAGE;
	}
	if (r < 0) {
		bench_cli_error("%s: cannot open the database: %s", path, bench_strerror(r));
		return r == -EPROTO || r == -EIO ? BENCH_EXIT_USAGE : BENCH_EXIT_ERROR;
	}
	return 0;
}

static int find_run(struct bench_store *st, const char *db, const char *name, int64_t *ret_id)
{
	int r;

	r = bench_store_run_find(st, name, ret_id);
	if (r == -ENOENT) {
		bench_cli_error("%s: no run '%s'", db, name);
		return BENCH_EXIT_USAGE;
	}
	if (r == -EINVAL) {
		bench_cli_error("%s: '%s' is not a run id or names several runs", db, name);
		return BENCH_EXIT_USAGE;
	}
	if (r < 0) {
		bench_cli_error("%s: %s", db, bench_strerror(r));
		return BENCH_EXIT_ERROR;
	}
	return 0;
}

/* JSON output helpers. */
static void json_str(const char *s)
{
	const unsigned char *p;

	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		default:
			if (*p < 0x20)
				printf("\\u%04x", *p);
			else
				putchar(*p);
		}
	}
	putchar('"');
}

static void json_num(double v)
{
	if (isfinite(v))
		printf("%.17g", v);
	else
		fputs("null", stdout);
}

static void json_key(const char *k, bool *first)
{
	if (!*first)
		putchar(',');
	*first = false;
	json_str(k);
	putchar(':');
}

static void jk_str(const char *k, const char *v, bool *first)
{
	json_key(k, first);
	json_str(v);
}

static void jk_num(const char *k, double v, bool *first)
{
	json_key(k, first);
	json_num(v);
}

static void jk_int(const char *k, long long v, bool *first)
{
	json_key(k, first);
	printf("%lld", v);
}

static void jk_id(const char *k, long long v, bool *first)
{
	json_key(k, first);
	if (v)
		printf("%lld", v);
	else
		fputs("null", stdout);
}

/* Text output helpers. */
static const char *or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

static void print_value(double v)
{
	if (isnan(v))
		fputs("-", stdout);
	else
		printf("%.6g", v);
}

/* runs */

struct runs_ctx {
	bool json;
	int n;
};

static void run_json(const struct bench_store_run_row *r)
{
	bool f = true;

	putchar('{');
	jk_int("id", r->id, &f);
	jk_str("uuid", r->uuid, &f);
	jk_str("run_type", r->run_type, &f);
	jk_str("status", r->status, &f);
	jk_str("status_reason", r->status_reason, &f);
	jk_str("start_utc", r->start_utc, &f);
	jk_str("end_utc", r->end_utc, &f);
	jk_str("dut_model", r->dut_model, &f);
	jk_str("dut_serial", r->dut_serial, &f);
	jk_str("dut_firmware", r->dut_firmware, &f);
	jk_str("station", r->station, &f);
	jk_str("operator", r->operator_login, &f);
	jk_str("suite", r->suite, &f);
	json_key("seed", &f);
	printf("%llu", (unsigned long long)r->seed);
	jk_str("software_version", r->software_version, &f);
	jk_str("build_id", r->build_id, &f);
	jk_str("host", r->host, &f);
	json_key("slot", &f);
	if (r->slot >= 0)
		printf("%d", r->slot);
	else
		fputs("null", stdout);
	jk_id("resumed_from", r->resumed_from, &f);
	jk_id("rescored_from", r->rescored_from, &f);
	jk_int("tests", r->n_tests, &f);
	jk_int("trials", r->n_trials, &f);
	jk_int("measurements", r->n_measurements, &f);
	putchar('}');
}

static int runs_row(void *ctx, const struct bench_store_run_row *r)
{
	struct runs_ctx *c = ctx;

	if (c->json) {
		if (c->n)
			putchar(',');
		putchar('\n');
		run_json(r);
	} else {
		if (!c->n)
			printf("%-5s %-36s %-11s %-13s %-24s %-16s %6s %6s\n", "ID", "UUID",
			       "STATUS", "TYPE", "START (UTC)", "DUT", "TRIALS", "MEAS");
		printf("%-5lld %-36s %-11s %-13s %-24s %-16s %6lld %6lld\n", (long long)r->id,
		       r->uuid, r->status, r->run_type, r->start_utc, or_dash(r->dut_serial),
		       (long long)r->n_trials, (long long)r->n_measurements);
	}
	c->n++;
	return 0;
}

static int cmd_runs(int argc, char **argv)
{
	const struct bench_cli_command *cmd = bench_cli_find("runs");
	struct bench_store_run_filter f;
	struct runs_ctx c = { 0 };
	struct bench_store *st;
	struct store_opts o;
	int r;

	r = parse_opts(cmd, argc, argv, 0, true, &o);
	if (r)
		return r;
	r = open_db(o.db, &st);
	if (r)
		return r;
	f.dut_serial = o.dut;
	f.since_utc = o.since;
	f.status = o.status;
	f.limit = o.limit;
	c.json = o.json;
	if (o.json)
		fputs("{\"runs\":[", stdout);
	r = bench_store_runs_list(st, &f, runs_row, &c);
	if (o.json)
		fputs("\n]}\n", stdout);
	else if (r == 0 && c.n == 0)
		printf("no runs\n");
	bench_store_close(st);
	if (r < 0) {
		bench_cli_error("%s: %s", o.db, bench_strerror(r));
		return BENCH_EXIT_ERROR;
	}
	return BENCH_EXIT_PASS;
}

/* show */

struct show_ctx {
	bool json;
	int n;
	int last_test;
};

static int show_run(void *ctx, const struct bench_store_run_row *r)
{
	struct show_ctx *c = ctx;

	if (c->json) {
		fputs("\"run\":", stdout);
		run_json(r);
		return 0;
	}
	printf("run %s (id %lld)\n", r->uuid, (long long)r->id);
	printf("  status     %s%s%s%s\n", r->status, r->status_reason ? " (" : "",
	       r->status_reason ? r->status_reason : "", r->status_reason ? ")" : "");
	printf("  type       %s\n", r->run_type);
	printf("  start      %s\n  end        %s\n", r->start_utc, or_dash(r->end_utc));
	printf("  dut        %s %s firmware %s\n", or_dash(r->dut_model), or_dash(r->dut_serial),
	       or_dash(r->dut_firmware));
	printf("  station    %s, operator %s, host %s\n", or_dash(r->station),
	       or_dash(r->operator_login), r->host);
	printf("  software   bcibench %s (build %s)\n", r->software_version, r->build_id);
	printf("  seed       %llu%s%s\n", (unsigned long long)r->seed, r->suite ? ", suite " : "",
	       r->suite ? r->suite : "");
	if (r->resumed_from)
		printf("  resumed from run %lld\n", (long long)r->resumed_from);
	if (r->rescored_from)
		printf("  rescored from run %lld\n", (long long)r->rescored_from);
	printf("  %lld tests, %lld trials, %lld measurements\n", (long long)r->n_tests,
	       (long long)r->n_trials, (long long)r->n_measurements);
	return 0;
}

static int show_test(void *ctx, const struct bench_store_test_row *t)
{
	struct show_ctx *c = ctx;
	bool f = true;

	if (c->json) {
		if (c->n++)
			putchar(',');
		fputs("\n{", stdout);
		jk_int("seq", t->seq, &f);
		jk_str("name", t->name, &f);
		jk_str("protocol_id", t->protocol_id, &f);
		jk_str("protocol_version", t->protocol_version, &f);
		jk_str("standard", t->standard, &f);
		jk_str("clause", t->clause, &f);
		jk_str("verdict", t->verdict, &f);
		jk_str("start_utc", t->start_utc, &f);
		jk_str("end_utc", t->end_utc, &f);
		putchar('}');
		return 0;
	}
	printf("  test %d  %-40s %-10s %s %s\n", t->seq, t->name, or_dash(t->verdict),
	       t->protocol_id, t->protocol_version);
	return 0;
}

static int show_meas(void *ctx, const struct bench_store_measurement_row *m)
{
	struct show_ctx *c = ctx;
	bool f = true;

	if (c->json) {
		if (c->n++)
			putchar(',');
		fputs("\n{", stdout);
		jk_int("test_seq", m->test_seq, &f);
		jk_int("trial_seq", m->trial_seq, &f);
		jk_int("attempt", m->attempt, &f);
		json_key("trial_seed", &f);
		printf("%llu", (unsigned long long)m->trial_seed);
		jk_str("trial_status", m->trial_status, &f);
		jk_int("seq", m->seq, &f);
		jk_str("name", m->m.name, &f);
		jk_num("value", m->m.value, &f);
		jk_str("unit", m->m.unit, &f);
		jk_num("u", m->m.u, &f);
		jk_num("U", m->m.u_expanded, &f);
		jk_num("k", m->m.k, &f);
		jk_num("limit_low", m->m.limit_low, &f);
		jk_num("limit_high", m->m.limit_high, &f);
		jk_str("comparator", m->m.comparator, &f);
		jk_num("marginal_low", m->m.marginal_low, &f);
		jk_num("marginal_high", m->m.marginal_high, &f);
		jk_str("decision_rule", m->m.decision_rule, &f);
		jk_str("verdict", m->m.verdict, &f);
		jk_str("evidence", m->m.evidence, &f);
		jk_str("clause", m->m.clause, &f);
		putchar('}');
		return 0;
	}
	if (m->test_seq != c->last_test) {
		printf("\nmeasurements of test %d (%s)\n", m->test_seq, m->test_name);
		printf("  %-11s %-28s %14s %-8s %12s %25s %-9s\n", "TRIAL/TRY", "NAME", "VALUE",
		       "UNIT", "U (k)", "LIMITS", "VERDICT");
		c->last_test = m->test_seq;
	}
	if (m->trial_seq == BENCH_STORE_TRIAL_POOLED) /* pooled over the trials (pool.h) */
		printf("  %5s/%-5d %-28s %14.6g %-8s ", "pool", m->attempt, m->m.name, m->m.value,
		       m->m.unit);
	else
		printf("  %5d/%-5d %-28s %14.6g %-8s ", m->trial_seq, m->attempt, m->m.name,
		       m->m.value, m->m.unit);
	if (isnan(m->m.u_expanded))
		printf("%12s ", "-");
	else
		printf("%8.3g (%g) ", m->m.u_expanded, isnan(m->m.k) ? 0.0 : m->m.k);
	printf("[");
	print_value(m->m.limit_low);
	printf(", ");
	print_value(m->m.limit_high);
	printf("] %s\n", m->m.verdict);
	return 0;
}

static int show_event(void *ctx, const struct bench_store_event_row *e)
{
	struct show_ctx *c = ctx;
	bool f = true;

	if (c->json) {
		if (c->n++)
			putchar(',');
		fputs("\n{", stdout);
		jk_id("trial_id", e->trial_id, &f);
		jk_str("t_utc", e->t_utc, &f);
		json_key("t_ns", &f);
		if (e->t_ns == BENCH_STORE_NO_TIME)
			fputs("null", stdout);
		else
			printf("%lld", (long long)e->t_ns);
		jk_str("kind", e->kind, &f);
		jk_str("source", e->source, &f);
		jk_str("message", e->message, &f);
		putchar('}');
		return 0;
	}
	if (!c->n++)
		printf("\nevents\n");
	printf("  %s %-12s %-10s %s\n", e->t_utc, e->kind, or_dash(e->source), or_dash(e->message));
	return 0;
}

static int cmd_show(int argc, char **argv)
{
	const struct bench_cli_command *cmd = bench_cli_find("show");
	struct show_ctx c = { .last_test = -1 };
	struct bench_store *st;
	struct store_opts o;
	int64_t run_id;
	int r;

	r = parse_opts(cmd, argc, argv, 1, false, &o);
	if (r)
		return r;
	r = open_db(o.db, &st);
	if (r)
		return r;
	r = find_run(st, o.db, o.pos[0], &run_id);
	if (r) {
		bench_store_close(st);
		return r;
	}
	c.json = o.json;
	if (o.json)
		putchar('{');
	r = bench_store_run_get(st, run_id, show_run, &c);
	if (r == 0) {
		if (o.json)
			fputs(",\"tests\":[", stdout);
		else
			printf("\ntests\n");
		r = bench_store_tests_list(st, run_id, show_test, &c);
	}
	if (r == 0) {
		if (o.json)
			fputs("\n],\"measurements\":[", stdout);
		c.n = 0;
		r = bench_store_measurements_list(st, run_id, show_meas, &c);
	}
	if (r == 0) {
		if (o.json)
			fputs("\n],\"events\":[", stdout);
		c.n = 0;
		r = bench_store_events_list(st, run_id, show_event, &c);
	}
	if (o.json)
		fputs("\n]}\n", stdout);
	bench_store_close(st);
	if (r < 0) {
		bench_cli_error("%s: %s", o.db, bench_strerror(r));
		return BENCH_EXIT_ERROR;
	}
	return BENCH_EXIT_PASS;
}

/* compare */

struct cmp_ctx {
	bool json;
	int64_t n[BENCH_STORE_DIFF_KIND_COUNT];
	int64_t n_all;
};

static int cmp_diff(void *ctx, const struct bench_store_diff *d)
{
	struct cmp_ctx *c = ctx;
	bool f = true;

	c->n[d->kind]++;
	if (c->json) {
		if (c->n_all)
			putchar(',');
		fputs("\n{", stdout);
		jk_str("kind", bench_store_diff_kind_name(d->kind), &f);
		jk_str("protocol_id", d->protocol_id, &f);
		jk_str("test", d->test_name, &f);
		jk_int("trial_seq", d->trial_seq, &f);
		jk_str("name", d->name, &f);
		jk_int("seq", d->seq, &f);
		jk_str("unit_a", d->unit_a, &f);
		jk_str("unit_b", d->unit_b, &f);
		jk_num("value_a", d->value_a, &f);
		jk_num("value_b", d->value_b, &f);
		jk_num("U_a", d->u_expanded_a, &f);
		jk_num("U_b", d->u_expanded_b, &f);
		jk_str("verdict_a", d->verdict_a, &f);
		jk_str("verdict_b", d->verdict_b, &f);
		json_key("en", &f);
		if (isinf(d->en))
			fputs("\"inf\"", stdout);
		else
			json_num(d->en);
		putchar('}');
	} else {
		if (!c->n_all)
			printf("%-8s %-36s %5s %-24s %14s %14s %-8s %s\n", "CHANGE", "TEST",
			       "TRIAL", "NAME", "A", "B", "UNIT", "VERDICT A -> B");
		printf("%-8s %-36s %5d %-24s ", bench_store_diff_kind_name(d->kind),
		       d->test_name ? d->test_name : d->protocol_id, d->trial_seq, d->name);
		printf("%14.6g %14.6g %-8s %s -> %s", d->value_a, d->value_b,
		       or_dash(d->unit_b ? d->unit_b : d->unit_a), or_dash(d->verdict_a),
		       or_dash(d->verdict_b));
		if (d->kind == BENCH_STORE_DIFF_SHIFT && !isnan(d->en))
			printf("  (En %.3g)", d->en);
		putchar('\n');
	}
	c->n_all++;
	return 0;
}

int bench_cli_compare_print(struct bench_store *st, int64_t a, int64_t b, bool json,
			    int64_t *ret_n_changes)
{
	struct cmp_ctx c = { 0 };
	int64_t same = 0;
	bool f = true;
	int r;

	c.json = json;
	if (json)
		fputs("\"differences\":[", stdout);
	r = bench_store_compare(st, a, b, cmp_diff, &c, &same);
	if (r < 0) {
		if (json)
			fputs("]", stdout);
		return r;
	}
	if (json) {
		fputs("\n],\"summary\":{", stdout);
		jk_int("unchanged", same, &f);
		jk_int("verdict_flips", c.n[BENCH_STORE_DIFF_VERDICT], &f);
		jk_int("shifts", c.n[BENCH_STORE_DIFF_SHIFT], &f);
		jk_int("only_a", c.n[BENCH_STORE_DIFF_ONLY_A], &f);
		jk_int("only_b", c.n[BENCH_STORE_DIFF_ONLY_B], &f);
		jk_int("unit_mismatch", c.n[BENCH_STORE_DIFF_UNIT], &f);
		fputs("}", stdout);
	} else {
		printf("%s%lld unchanged, %lld verdict flips, %lld shifts beyond uncertainty, "
		       "%lld only in A, %lld only in B, %lld unit mismatches\n",
		       c.n_all ? "\n" : "", (long long)same,
		       (long long)c.n[BENCH_STORE_DIFF_VERDICT],
		       (long long)c.n[BENCH_STORE_DIFF_SHIFT],
		       (long long)c.n[BENCH_STORE_DIFF_ONLY_A],
		       (long long)c.n[BENCH_STORE_DIFF_ONLY_B],
		       (long long)c.n[BENCH_STORE_DIFF_UNIT]);
	}
	*ret_n_changes = c.n_all;
	return 0;
}

static int cmd_compare(int argc, char **argv)
{
	const struct bench_cli_command *cmd = bench_cli_find("compare");
	struct bench_store *st;
	struct store_opts o;
	int64_t a, b, n_changes = 0;
	int r;

	r = parse_opts(cmd, argc, argv, 2, false, &o);
	if (r)
		return r;
	r = open_db(o.db, &st);
	if (r)
		return r;
	r = find_run(st, o.db, o.pos[0], &a);
	if (!r)
		r = find_run(st, o.db, o.pos[1], &b);
	if (r) {
		bench_store_close(st);
		return r;
	}
	if (o.json)
		putchar('{');
	r = bench_cli_compare_print(st, a, b, o.json, &n_changes);
	bench_store_close(st);
	if (o.json)
		fputs("}\n", stdout);
	if (r < 0) {
		bench_cli_error("%s: %s", o.db, bench_strerror(r));
		return BENCH_EXIT_ERROR;
	}
	/* Like diff(1): 0 = no change, 1 = changes found. */
	return n_changes ? BENCH_EXIT_FAIL : BENCH_EXIT_PASS;
}

/* verify --db */

int bench_cli_verify_db(int argc, char **argv)
{
	const struct bench_cli_command *cmd = bench_cli_find("verify");
	struct bench_store_verify_result res;
	const char *db = NULL;
	struct bench_store *st;
	bool json = false, f = true;
	int i, r;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			return bench_cli_usage_error(cmd, "unexpected argument '%s'", argv[i]);
	}
	if (!db)
		return bench_cli_usage_error(cmd, "--db FILE is required (dossier verification "
						  "is not in this build yet)");
	r = open_db(db, &st);
	if (r)
		return r;
	r = bench_store_verify(st, &res);
	bench_store_close(st);
	if (r < 0) {
		bench_cli_error("%s: cannot verify: %s", db, bench_strerror(r));
		return BENCH_EXIT_ERROR;
	}
	if (json) {
		putchar('{');
		jk_str("database", db, &f);
		json_key("ok", &f);
		fputs(res.ok ? "true" : "false", stdout);
		jk_int("audit_rows", res.n_audit, &f);
		jk_int("rows", res.n_rows, &f);
		jk_int("artifacts", res.n_artifacts, &f);
		jk_str("first_mismatch", res.ok ? NULL : res.what, &f);
		fputs("}\n", stdout);
	} else if (res.ok) {
		printf("%s: OK: audit chain of %lld rows, %lld records and %lld artifacts verified\n",
		       db, (long long)res.n_audit, (long long)res.n_rows,
		       (long long)res.n_artifacts);
	} else {
		printf("%s: FAILED: %s\n", db, res.what);
	}
	return res.ok ? BENCH_EXIT_PASS : BENCH_EXIT_FAIL;
}

int bench_cmd_runs(int argc, char **argv)
{
	return cmd_runs(argc, argv);
}

int bench_cmd_show(int argc, char **argv)
{
	return cmd_show(argc, argv);
}

int bench_cmd_compare(int argc, char **argv)
{
	return cmd_compare(argc, argv);
}
