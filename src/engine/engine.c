// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The run loop. A plan is walked unit by unit: a unit is one suite entry (a protocol with
 * its conditions, whose trials may be interleaved when randomised) or a suite group of
 * entries retested together. Each attempt of a unit runs the setup steps, every trial
 * (before-trial steps, stimulus and capture through the I/O, metrics, verdicts, one
 * store transaction), then the teardown steps; the retest rule decides whether another
 * attempt follows (peers.md 11.5: every attempt recorded, the rule stated). A trial
 * already in the record (resume) is not run again: its stored verdict is used.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"
#include "edf/edf-writer.h"
#include "engine/engine.h"
#include "engine/plots.h"
#include "engine/pool.h"
#include "engine/rescore.h"

#define MAX_ATTEMPTS 20

void bench_engine_capture_clear(struct bench_engine_capture *cap)
{
	size_t i;

	if (!cap)
		return;
	for (i = 0; i < cap->n_traces; i++) {
		free(cap->traces[i].uv);
		free(cap->traces[i].events);
		free(cap->traces[i].ts_ns);
	}
	free(cap->truth);
	memset(cap, 0, sizeof(*cap));
}

struct done_trial {
	int test_seq;
	int seq;
	int attempt;
	enum bench_verdict verdict;
};

struct run {
	const struct bench_engine_options *o;
	const struct bench_plan *plan;
	struct bench_store *st;
	int64_t run_id;
	int64_t *test_ids;
	int64_t *proto_rows;
	/* verdict of each test per attempt (SKIPPED until a trial of it ran) */
	enum bench_verdict (*attempt_v)[MAX_ATTEMPTS];
	unsigned *attempts;
	struct done_trial *done;
	size_t n_done;
	size_t total_trials; /* trial attempts expected for the progress bar (first attempts) */
	size_t trials_done;
	int suite_setup_err; /* the suite's setup failed: entries with steps="suite" are ERROR */
	bool cancelled;
	struct bench_engine_result *res;
};

static int on_done_trial(void *ctx, const struct bench_store_trial_row *row)
{
	struct run *rn = ctx;
	struct done_trial *d;
	enum bench_verdict v;

	d = realloc(rn->done, (rn->n_done + 1) * sizeof(*d));
	if (!d)
		return -ENOMEM;
	rn->done = d;
	if (bench_verdict_parse(row->status, &v) < 0)
		v = BENCH_VERDICT_ERROR;
	d[rn->n_done].test_seq = row->test_seq;
	d[rn->n_done].seq = row->seq;
	d[rn->n_done].attempt = row->attempt;
	d[rn->n_done].verdict = v;
	rn->n_done++;
	return 0;
}

static const struct done_trial *find_done(const struct run *rn, size_t test, unsigned seq,
					  unsigned attempt)
{
	size_t i;

	for (i = 0; i < rn->n_done; i++)
		if (rn->done[i].test_seq == (int)test && rn->done[i].seq == (int)seq &&
		    rn->done[i].attempt == (int)attempt)
			return &rn->done[i];
	return NULL;
}

static int read_file(const char *path, struct bench_buf *out)
{
	char chunk[16384];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		r = bench_buf_append(out, chunk, (size_t)n);
		if (r < 0)
			break;
	}
	if (n < 0)
		r = -errno;
	close(fd);
	return r;
}

static void test_name(const struct bench_protocol *p, char *buf, size_t size)
{
	if (p->condition_id)
		snprintf(buf, size, "%s[%s]", p->id, p->condition_id);
	else
		snprintf(buf, size, "%s", p->id);
}

/* Identity rows and the run header (or the resumed run). */
static int begin_run(struct run *rn)
{
	const struct bench_engine_options *o = rn->o;
	const struct bench_plan *plan = rn->plan;
	struct bench_store_operator op = { 0 };
	struct bench_store_dut dut = { 0 };
	struct bench_store_run_info info = { 0 };
	struct bench_buf content = BENCH_BUF_INIT;
	int64_t op_id = 0, dut_id = 0, fx_id = 0;
	size_t i;
	int r;

	for (i = 0; i < plan->n_tests; i++) {
		const struct bench_protocol *p = plan->tests[i].protocol;
		struct bench_store_protocol sp = { 0 };

		bench_buf_clear(&content);
		r = read_file(p->path, &content);
		if (r < 0)
			goto out;
		sp.protocol_id = p->id;
		sp.version = p->version;
		sp.title = p->title;
		sp.standard = p->n_standards ? p->standards[0].name : NULL;
		sp.edition = p->n_standards ? p->standards[0].edition : NULL;
		sp.clause = p->n_standards ? p->standards[0].clause : NULL;
		sp.xml = (const char *)content.data;
		sp.xml_len = content.len;
		r = bench_store_add_protocol(rn->st, &sp, &rn->proto_rows[i]);
		if (r < 0)
			goto out;
	}
	if (o->resume_run_id) {
		rn->run_id = o->resume_run_id;
		r = bench_store_run_resume(rn->st, rn->run_id, "bcibench run --resume");
		if (r < 0)
			goto out;
		r = bench_store_trials_completed(rn->st, rn->run_id, on_done_trial, rn);
		goto out;
	}
	op.login = o->operator_login ? o->operator_login : getenv("USER");
	if (!op.login || !*op.login)
		op.login = "unknown";
	r = bench_store_add_operator(rn->st, &op, &op_id);
	if (r < 0)
		goto out;
	dut.serial = o->dut_serial;
	dut.model = o->dut_model ? o->dut_model : "unknown";
	dut.manufacturer = o->dut_manufacturer;
	r = bench_store_add_dut(rn->st, &dut, &dut_id);
	if (r < 0)
		goto out;
	if (o->fixture_path) {
		bench_buf_clear(&content);
		r = read_file(o->fixture_path, &content);
		if (r == 0)
			r = bench_store_add_fixture(rn->st, o->fixture_path,
						    (const char *)content.data, content.len,
						    &fx_id);
		if (r < 0)
			goto out;
	}
	info.run_type = o->run_type;
	info.operator_id = op_id;
	info.dut_id = dut_id;
	info.fixture_id = fx_id;
	info.suite = plan->suite ? plan->suite->id : NULL;
	info.seed = plan->run_seed;
	info.slot = -1;
	info.calibration_ids = o->calibration_ids;
	info.n_calibrations = o->n_calibration_ids;
	r = bench_store_run_begin(rn->st, &info, &rn->run_id, rn->res->uuid);
out:
	bench_buf_free(&content);
	return r;
}

static bool triggers_retest(enum bench_verdict v, enum bench_protocol_retest_on on)
{
	bool fail = v == BENCH_VERDICT_FAIL || v == BENCH_VERDICT_MARGINAL;
	bool err = v == BENCH_VERDICT_ERROR;

	switch (on) {
	case BENCH_PROTOCOL_RETEST_ON_FAIL:
		return fail;
	case BENCH_PROTOCOL_RETEST_ON_ERROR:
		return err;
	default:
		return fail || err;
	}
}

static enum bench_retest_policy policy_of(enum bench_protocol_final f)
{
	return f == BENCH_PROTOCOL_FINAL_ALL ? BENCH_RETEST_ALL :
	       f == BENCH_PROTOCOL_FINAL_ANY ? BENCH_RETEST_ANY :
					       BENCH_RETEST_LAST;
}

/* Measures and judges every criterion (and unjudged metric) of one trial (engine.h). */
enum bench_verdict bench_engine_score_trial(const struct bench_protocol *p,
					    const struct bench_engine_capture *cap,
					    struct bench_store_measurement *ms, size_t *ret_n,
					    char (*names)[BENCH_ENGINE_NAME_LEN],
					    char (*clauses)[BENCH_ENGINE_CLAUSE_LEN],
					    struct bench_buf *note)
{
	enum bench_verdict worst = BENCH_VERDICT_SKIPPED;
	size_t i, j, n = 0;

	for (i = 0; i < p->n_criteria; i++) {
		const struct bench_protocol_criterion *cr = &p->criteria[i];
		struct bench_store_measurement *m;
		struct bench_quantity q;
		struct bench_limit lim;
		enum bench_verdict v;
		char why[160];
		int r;

		if (p->metrics[cr->metric_index].pooled)
			continue; /* judged over the trials (pool.h) */
		m = &ms[n++];
		bench_engine_limit_from_criterion(p, cr, &lim);
		snprintf(names[n - 1], 96, "%s", cr->metric_id);
		for (j = 0; j < i; j++)
			if (strcmp(p->criteria[j].metric_id, cr->metric_id) == 0)
				snprintf(names[n - 1], 96, "%s (%s)", cr->metric_id,
					 cr->limit_ref ? cr->limit_ref : cr->claim_id);
		memset(m, 0, sizeof(*m));
		m->name = names[n - 1];
		m->unit = bench_unit_name(p->metrics[cr->metric_index].unit);
		m->limit_low = lim.cmp == BENCH_CMP_LE || lim.cmp == BENCH_CMP_LT ? NAN : lim.low;
		m->limit_high = lim.cmp == BENCH_CMP_GE || lim.cmp == BENCH_CMP_GT ? NAN : lim.high;
		m->comparator = bench_cmp_name(lim.cmp);
		m->marginal_low = lim.marginal > 0 && isfinite(m->limit_low) ?
					  m->limit_low + lim.marginal :
					  NAN;
		m->marginal_high = lim.marginal > 0 && isfinite(m->limit_high) ?
					   m->limit_high - lim.marginal :
					   NAN;
		m->decision_rule = bench_decision_rule_name(lim.rule);
		if (cr->limit.evidence == BENCH_PROTOCOL_EVIDENCE_CLAIM) {
			m->evidence = NULL;
			snprintf(clauses[n - 1], 160, "DUT claim %s (%s)", cr->claim_id,
				 cr->limit.set_id);
		} else {
			m->evidence = bench_protocol_evidence_name(cr->limit.evidence);
			snprintf(clauses[n - 1], 160, "%s %s %s", cr->limit.standard,
				 cr->limit.edition, cr->limit.clause);
		}
		m->clause = clauses[n - 1];
		r = bench_engine_measure(p, cr->metric_index, cr, cap, &q, why, sizeof(why));
		if (r < 0) {
			m->value = m->u = m->u_expanded = NAN;
			m->k = p->k;
			v = BENCH_VERDICT_ERROR;
			bench_buf_appendf(note, "%s: %s; ", names[n - 1], why);
		} else {
			m->value = q.value;
			m->u = q.u_c;
			m->u_expanded = q.u_expanded;
			m->k = q.k;
			v = bench_limit_judge(&lim, &q);
		}
		m->verdict = bench_verdict_name(v);
		worst = bench_verdict_worst(worst, v);
	}
	/* Metrics without a criterion are recorded, not judged. */
	for (i = 0; i < p->n_metrics; i++) {
		struct bench_store_measurement *m;
		struct bench_quantity q;
		char why[160];
		bool judged = false;

		for (j = 0; j < p->n_criteria; j++)
			judged |= p->criteria[j].metric_index == i;
		if (judged || p->metrics[i].pooled)
			continue;
		m = &ms[n++];
		memset(m, 0, sizeof(*m));
		snprintf(names[n - 1], 96, "%s", p->metrics[i].id);
		m->name = names[n - 1];
		m->unit = bench_unit_name(p->metrics[i].unit);
		m->limit_low = m->limit_high = m->marginal_low = m->marginal_high = NAN;
		m->comparator = "LOG";
		m->decision_rule = bench_protocol_rule_name(p->rule);
		m->verdict = bench_verdict_name(BENCH_VERDICT_SKIPPED);
		if (bench_engine_measure(p, i, NULL, cap, &q, why, sizeof(why)) < 0) {
			m->value = m->u = m->u_expanded = NAN;
			m->k = p->k;
			bench_buf_appendf(note, "%s (not judged): %s; ", names[n - 1], why);
		} else {
			m->value = q.value;
			m->u = q.u_c;
			m->u_expanded = q.u_expanded;
			m->k = q.k;
		}
	}
	*ret_n = n;
	return worst;
}

/* mkdir -p for the run folder. Return: 0 or -errno. */
static int make_dirs(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	return mkdir(path, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

/*
 * Writes each captured trace of a trial as BDF+ (24-bit) into the run folder and fills
 * @arts (paths relative to the folder); the store hashes them in the trial's commit.
 * Return: number of artifacts, or -errno (the trial is then recorded without them).
 */
static int write_captures(struct run *rn, const struct bench_plan_trial *t, unsigned attempt,
			  const struct bench_engine_capture *cap, struct bench_store_artifact *arts,
			  char (*rel)[96])
{
	struct bench_buf dir = BENCH_BUF_INIT, path = BENCH_BUF_INIT;
	size_t k, n = 0;
	int r;

	r = bench_store_run_dir(rn->st, rn->run_id, &dir);
	if (r == 0)
		r = make_dirs((char *)dir.data);
	for (k = 0; r == 0 && k < cap->n_traces && k < 4; k++) {
		const struct bench_engine_trace *tr = &cap->traces[k];
		struct bench_edf_writer *w = NULL;
		double lo[64], hi[64];
		char labels[64][BENCH_EDF_LABEL_LEN + 1];
		const char *lp[64];
		float *buf;
		size_t c, i, nch = tr->n_channels < 64 ? tr->n_channels : 64;

		if (!tr->n_frames || !nch)
			continue;
		for (c = 0; c < nch; c++) {
			lo[c] = -1;
			hi[c] = 1;
			for (i = 0; i < tr->n_frames; i++) {
				double x = tr->uv[c * tr->n_frames + i];

				lo[c] = isfinite(x) && x < lo[c] ? x : lo[c];
				hi[c] = isfinite(x) && x > hi[c] ? x : hi[c];
			}
			lo[c] -= 1;
			hi[c] += 1;
			/* EDF labels hold 16 characters: a short role and the channel number. */
			snprintf(labels[c], sizeof(labels[c]), "%.10s %u", tr->role,
				 (unsigned)(c % 1000));
			lp[c] = labels[c];
		}
		snprintf(rel[n], 96, "test%zu-trial%u-attempt%u-%s.bdf", t->test, t->index, attempt,
			 tr->role);
		bench_buf_clear(&path);
		bench_buf_appendf(&path, "%s/%s", bench_buf_str(&dir), rel[n]);
		buf = malloc(nch * tr->n_frames * sizeof(float));
		if (!buf) {
			r = -ENOMEM;
			break;
		}
		for (i = 0; i < nch * tr->n_frames; i++)
			buf[i] = (float)tr->uv[i];
		r = bench_edf_writer_open(bench_buf_str(&path), BENCH_EDF_FORMAT_BDFPLUS,
					  (unsigned)nch, tr->rate_hz, lp, lo, hi, NULL, &w);
		if (r == 0)
			r = bench_edf_writer_write(w, buf, tr->n_frames, BENCH_EDF_LAYOUT_PLANAR);
		if (w) {
			int rc = bench_edf_writer_close(w, NULL);

			r = r < 0 ? r : rc;
		}
		free(buf);
		if (r < 0)
			break;
		arts[n].kind = "capture";
		arts[n].path = rel[n];
		arts[n].media_type = "application/x-bdf";
		n++;
	}
	bench_buf_free(&dir);
	bench_buf_free(&path);
	return r < 0 ? r : (int)n;
}

/* Writes the trial's capture record (rescore.h) into the run folder as artifact @a. */
static int save_record(struct run *rn, const struct bench_plan_trial *t, unsigned attempt,
		       const struct bench_protocol *p, const struct bench_engine_capture *cap,
		       struct bench_store_artifact *a, char *rel)
{
	struct bench_buf path = BENCH_BUF_INIT;
	int r;

	snprintf(rel, 96, "test%zu-trial%u-attempt%u.bcap", t->test, t->index, attempt);
	r = bench_store_run_dir(rn->st, rn->run_id, &path);
	if (r == 0)
		r = bench_buf_appendf(&path, "/%s", rel);
	if (r == 0)
		r = bench_engine_record_save(bench_buf_str(&path), p, cap);
	bench_buf_free(&path);
	if (r < 0)
		return r;
	a->kind = BENCH_ENGINE_RECORD_KIND;
	a->path = rel;
	a->media_type = BENCH_ENGINE_RECORD_MEDIA;
	return 0;
}

/* Runs (or takes from the record) one trial attempt. Return: its verdict. */
static enum bench_verdict do_trial(struct run *rn, const struct bench_plan_trial *t,
				   unsigned attempt, int setup_err)
{
	const struct bench_plan_test *pt = &rn->plan->tests[t->test];
	const struct bench_protocol *p = pt->protocol;
	const struct bench_engine_io *io = rn->o->io;
	const struct done_trial *d = find_done(rn, t->test, t->index, attempt);
	struct bench_engine_capture cap;
	struct bench_store_measurement *ms = NULL;
	struct bench_store_trial tr = { 0 };
	struct bench_buf note = BENCH_BUF_INIT;
	char(*names)[96] = NULL;
	char(*clauses)[160] = NULL;
	struct bench_store_artifact arts[5 + BENCH_ENGINE_MAX_PLOTS];
	struct bench_engine_plots plots = { 0 };
	char rel[5][96];
	enum bench_verdict v;
	size_t n_ms = 0;
	char name[160];
	int64_t t_commit;
	int r;

	test_name(p, name, sizeof(name));
	if (d) {
		rn->res->trials_resumed++;
		v = d->verdict;
		goto progress;
	}
	memset(&cap, 0, sizeof(cap));
	memset(arts, 0, sizeof(arts));
	tr.start_wall_ns = bench_clock_wall_ns();
	r = setup_err;
	if (r == 0 && p->before_trial.n)
		r = io->steps(io->ctx, &p->before_trial, "before-trial");
	if (r == 0)
		r = io->trial(io->ctx, p, t->seed, &cap);
	ms = calloc(p->n_criteria + p->n_metrics + 1, sizeof(*ms));
	names = calloc(p->n_criteria + p->n_metrics + 1, sizeof(*names));
	clauses = calloc(p->n_criteria + p->n_metrics + 1, sizeof(*clauses));
	if (!ms || !names || !clauses) {
		v = BENCH_VERDICT_ERROR;
		bench_buf_append_str(&note, "out of memory");
	} else if (r == -EINTR || r == -ECANCELED) {
		v = BENCH_VERDICT_ABORTED;
		rn->cancelled = true;
		bench_buf_append_str(&note, "stopped by a signal or the operator");
	} else if (r < 0) {
		v = BENCH_VERDICT_ERROR;
		bench_buf_appendf(&note, "%s: %s%s%s", setup_err ? "setup failed" : "trial failed",
				  strerror(-r), cap.note[0] ? ": " : "", cap.note);
	} else {
		int64_t t0 = bench_clock_now_ns(), t1;

		v = bench_engine_score_trial(p, &cap, ms, &n_ms, names, clauses, &note);
		t1 = bench_clock_now_ns();
		rn->res->score_s += (double)(t1 - t0) * 1e-9; /* efficiency breakdown */
		if (cap.note[0])
			bench_buf_appendf(&note, "%s", cap.note);
		r = write_captures(rn, t, attempt, &cap, arts, rel);
		if (r < 0)
			bench_buf_appendf(&note, "capture not saved: %s", strerror(-r));
		else
			tr.n_artifacts = (size_t)r;
		/* The lossless record `bcibench rescore` recomputes from (rescore.h). */
		r = save_record(rn, t, attempt, p, &cap, &arts[tr.n_artifacts],
				rel[tr.n_artifacts]);
		if (r < 0)
			bench_buf_appendf(&note, "capture record not saved: %s", strerror(-r));
		else
			tr.n_artifacts++;
		t0 = bench_clock_now_ns();
		rn->res->files_s += (double)(t0 - t1) * 1e-9;
		/* plot data for the dossier (plots.h) */
		bench_engine_plots_make(p, t->index, t->seed, &cap, &plots);
		tr.n_artifacts += bench_engine_plots_artifacts(&plots, arts + tr.n_artifacts,
							       BENCH_ENGINE_MAX_PLOTS);
		rn->res->plots_s += (double)(bench_clock_now_ns() - t0) * 1e-9;
	}
	tr.artifacts = arts;
	tr.seq = (int)t->index;
	tr.attempt = (int)attempt;
	tr.seed = t->seed;
	tr.status = bench_verdict_name(v);
	tr.note = note.len ? bench_buf_str(&note) : NULL;
	tr.measurements = ms;
	tr.n_measurements = n_ms;
	/* An aborted trial measured nothing: it is not committed, so resume runs it again. */
	t_commit = bench_clock_now_ns();
	r = v == BENCH_VERDICT_ABORTED ?
		    0 :
		    bench_store_trial_commit(rn->st, rn->test_ids[t->test], &tr, NULL);
	rn->res->commit_s += (double)(bench_clock_now_ns() - t_commit) * 1e-9;
	if (r < 0) {
		/* Could not record: ERROR, never PASS (peers.md 11.1). */
		bench_log(BENCH_LOG_ERROR, "engine", "%s trial %u attempt %u not recorded: %s",
			  name, t->index, attempt, strerror(-r));
		v = BENCH_VERDICT_ERROR;
	}
	rn->res->trials_run++;
	bench_engine_capture_clear(&cap);
	bench_engine_plots_clear(&plots);
	free(ms);
	free(names);
	free(clauses);
	bench_buf_free(&note);
progress:
	rn->trials_done++;
	if (rn->o->progress.trial_done)
		rn->o->progress.trial_done(rn->o->progress.ctx, rn->trials_done, rn->total_trials,
					   name, v);
	return v;
}

/* The power cycle done before a retest when the policy asks for it. */
static const struct bench_protocol_step retest_power_cycle = {
	.kind = BENCH_PROTOCOL_STEP_POWER_CYCLE,
	.off_ns = 500 * BENCH_NS_PER_MS,
	.timeout_ns = 5000 * BENCH_NS_PER_MS,
	.reset_ns = 10 * BENCH_NS_PER_MS,
};

/* The pooled row of test @i for @attempt (pool.h): from the record on resume, else computed. */
static enum bench_verdict pool_test(struct run *rn, size_t i, unsigned attempt)
{
	enum bench_verdict v = BENCH_VERDICT_ERROR;
	size_t k;

	for (k = 0; k < rn->n_done; k++)
		if (rn->done[k].test_seq == (int)i && rn->done[k].seq == BENCH_STORE_TRIAL_POOLED &&
		    rn->done[k].attempt == (int)attempt)
			return rn->done[k].verdict;
	if (bench_engine_pool_attempt(rn->st, rn->test_ids[i], rn->plan->tests[i].protocol, attempt,
				      &v) < 0)
		v = BENCH_VERDICT_ERROR;
	return v;
}

/* One attempt of the entries [e0, e1) of a unit. */
static void run_attempt(struct run *rn, size_t e0, size_t e1, unsigned attempt,
			const struct bench_protocol_retest *rt)
{
	const struct bench_plan *plan = rn->plan;
	const struct bench_engine_io *io = rn->o->io;
	size_t e, i, k;

	for (e = e0; e < e1 && !rn->cancelled; e++) {
		const struct bench_protocol *p0 = NULL;
		bool suite_steps = false;
		int setup_err = 0;

		for (i = 0; i < plan->n_tests; i++)
			if (plan->tests[i].entry == e) {
				p0 = plan->tests[i].protocol;
				suite_steps = plan->tests[i].suite_steps;
				if (rn->o->progress.test_start) {
					char name[160];

					test_name(plan->tests[i].protocol, name, sizeof(name));
					rn->o->progress.test_start(rn->o->progress.ctx, i,
								   plan->n_tests, name, attempt);
				}
			}
		if (!p0)
			continue;
		/* Every trial of this entry is already recorded (resume): no I/O at all. */
		for (k = 0; k < plan->n_trials; k++) {
			const struct bench_plan_trial *t = &plan->trials[k];

			if (plan->tests[t->test].entry == e &&
			    !find_done(rn, t->test, t->index, attempt))
				break;
		}
		if (k < plan->n_trials) {
			if (attempt > 1 && rt->before == BENCH_PROTOCOL_BEFORE_POWER_CYCLE) {
				struct bench_protocol_steps pc = {
					1, (struct bench_protocol_step *)&retest_power_cycle
				};

				setup_err = io->steps(io->ctx, &pc, "retest power cycle");
			} else if (suite_steps) {
				setup_err =
					rn->suite_setup_err; /* the suite's setup stands for it */
			}
			if (!setup_err && p0->setup.n &&
			    (attempt == 1 || rt->before != BENCH_PROTOCOL_BEFORE_NOTHING))
				setup_err = io->steps(io->ctx, &p0->setup, "setup");
		}
		for (k = 0; k < plan->n_trials && attempt > 1; k++)
			rn->total_trials += plan->tests[plan->trials[k].test].entry == e;
		for (k = 0; k < plan->n_trials && !rn->cancelled; k++) {
			const struct bench_plan_trial *t = &plan->trials[k];
			enum bench_verdict v;

			if (plan->tests[t->test].entry != e)
				continue;
			v = do_trial(rn, t, attempt, setup_err);
			rn->attempt_v[t->test][attempt - 1] =
				bench_verdict_worst(rn->attempt_v[t->test][attempt - 1], v);
			rn->attempts[t->test] = attempt;
		}
		/* Metrics pooled over this attempt's trials, judged into its verdict. */
		for (i = 0; i < plan->n_tests && !rn->cancelled; i++)
			if (plan->tests[i].entry == e &&
			    bench_protocol_has_pooled(plan->tests[i].protocol))
				rn->attempt_v[i][attempt - 1] = bench_verdict_worst(
					rn->attempt_v[i][attempt - 1], pool_test(rn, i, attempt));
		if (p0->teardown.n && io->steps(io->ctx, &p0->teardown, "teardown") < 0)
			bench_log(BENCH_LOG_WARNING, "engine", "%s: teardown failed", p0->id);
	}
}

static void run_unit(struct run *rn, size_t e0, size_t e1, int group)
{
	const struct bench_plan *plan = rn->plan;
	const struct bench_protocol *first = NULL;
	struct bench_protocol_retest rt;
	unsigned attempt;
	size_t i;

	for (i = 0; i < plan->n_tests && !first; i++)
		if (plan->tests[i].entry == e0)
			first = plan->tests[i].protocol;
	if (!first)
		return;
	rt = first->retest;
	if (group >= 0 && plan->suite && plan->suite->groups[group].has_retest)
		rt = plan->suite->groups[group].retest;
	if (rt.attempts == 0 || rt.attempts > MAX_ATTEMPTS)
		rt.attempts = 1;
	for (attempt = 1; attempt <= rt.attempts && !rn->cancelled; attempt++) {
		enum bench_verdict unit_v = BENCH_VERDICT_SKIPPED;

		run_attempt(rn, e0, e1, attempt, &rt);
		for (i = 0; i < plan->n_tests; i++)
			if (plan->tests[i].entry >= e0 && plan->tests[i].entry < e1)
				unit_v = bench_verdict_worst(unit_v, rn->attempt_v[i][attempt - 1]);
		if (rt.final != BENCH_PROTOCOL_FINAL_ALL && !triggers_retest(unit_v, rt.retest_on))
			break;
	}
	for (i = 0; i < plan->n_tests; i++) {
		enum bench_verdict v;
		char name[160], detail[128];

		if (plan->tests[i].entry < e0 || plan->tests[i].entry >= e1)
			continue;
		v = bench_verdict_combine_attempts(rn->attempt_v[i],
						   rn->attempts[i] ? rn->attempts[i] : 1,
						   policy_of(rt.final));
		if (rn->cancelled && v != BENCH_VERDICT_PASS)
			v = bench_verdict_worst(v, BENCH_VERDICT_ABORTED);
		if (bench_store_test_end(rn->st, rn->test_ids[i], bench_verdict_name(v)) < 0)
			v = BENCH_VERDICT_ERROR;
		rn->res->n_verdicts[v]++;
		rn->res->verdict = bench_verdict_worst(rn->res->verdict, v);
		if (rn->o->progress.test_end) {
			test_name(plan->tests[i].protocol, name, sizeof(name));
			snprintf(detail, sizeof(detail), "%u attempt%s, final rule '%s'",
				 rn->attempts[i], rn->attempts[i] == 1 ? "" : "s",
				 bench_protocol_final_name(rt.final));
			rn->o->progress.test_end(rn->o->progress.ctx, i, name, v, rn->attempts[i],
						 detail);
		}
	}
}

int bench_engine_run(const struct bench_engine_options *o, struct bench_engine_result *ret)
{
	struct run rn;
	const struct bench_plan *plan;
	struct bench_engine_result res;
	enum bench_store_run_status status;
	size_t i, e;
	int r;

	if (!o || !o->plan || !o->store || !o->io || !o->io->trial || !o->io->steps ||
	    !o->io->safe_state || !o->dut_serial || !ret)
		return -EINVAL;
	plan = o->plan;
	memset(&rn, 0, sizeof(rn));
	memset(&res, 0, sizeof(res));
	res.verdict = BENCH_VERDICT_SKIPPED;
	res.n_tests = plan->n_tests;
	rn.o = o;
	rn.plan = plan;
	rn.st = o->store;
	rn.res = &res;
	rn.total_trials = plan->n_trials;
	rn.test_ids = calloc(plan->n_tests + 1, sizeof(*rn.test_ids));
	rn.proto_rows = calloc(plan->n_tests + 1, sizeof(*rn.proto_rows));
	rn.attempt_v = calloc(plan->n_tests + 1, sizeof(*rn.attempt_v));
	rn.attempts = calloc(plan->n_tests + 1, sizeof(*rn.attempts));
	if (!rn.test_ids || !rn.proto_rows || !rn.attempt_v || !rn.attempts) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < plan->n_tests; i++)
		for (e = 0; e < MAX_ATTEMPTS; e++)
			rn.attempt_v[i][e] = BENCH_VERDICT_SKIPPED;
	r = begin_run(&rn);
	if (r < 0)
		goto out;
	res.run_id = rn.run_id;
	/* The limits files and DUT profile, so `bcibench rescore` needs neither (rescore.h). */
	if (!o->resume_run_id) {
		r = bench_engine_record_inputs(rn.st, rn.run_id, plan);
		if (r < 0)
			goto out_status;
	}
	for (i = 0; i < plan->n_tests; i++) {
		char name[160];

		test_name(plan->tests[i].protocol, name, sizeof(name));
		if (o->resume_run_id &&
		    bench_store_test_find(rn.st, rn.run_id, (int)i, &rn.test_ids[i]) == 0)
			continue;
		r = bench_store_test_begin(rn.st, rn.run_id, rn.proto_rows[i], (int)i, name,
					   &rn.test_ids[i]);
		if (r < 0)
			goto out_status;
	}
	if (plan->suite && plan->suite->setup.n)
		r = o->io->steps(o->io->ctx, &plan->suite->setup, "suite setup");
	if (r < 0)
		bench_log(BENCH_LOG_WARNING, "engine", "suite setup failed: %s", strerror(-r));
	rn.suite_setup_err = r;
	r = 0;
	/* Units: an entry, or consecutive entries of one suite group. */
	for (e = 0; e < plan->n_entries && !rn.cancelled;) {
		int group = -1;
		size_t e1 = e + 1;

		for (i = 0; i < plan->n_tests; i++)
			if (plan->tests[i].entry == e)
				group = plan->tests[i].group;
		while (group >= 0 && e1 < plan->n_entries) {
			int g1 = -2;

			for (i = 0; i < plan->n_tests; i++)
				if (plan->tests[i].entry == e1)
					g1 = plan->tests[i].group;
			if (g1 != group)
				break;
			e1++;
		}
		run_unit(&rn, e, e1, group);
		e = e1;
	}
	if (plan->suite && plan->suite->teardown.n)
		o->io->steps(o->io->ctx, &plan->suite->teardown, "suite teardown");
out_status:
	if (o->io->safe_state(o->io->ctx, rn.cancelled ? "aborted" : "end of run") < 0)
		res.verdict = bench_verdict_worst(res.verdict, BENCH_VERDICT_ERROR);
	if (r < 0)
		res.verdict = BENCH_VERDICT_ERROR;
	if (rn.cancelled)
		res.verdict = BENCH_VERDICT_ABORTED;
	status = res.verdict == BENCH_VERDICT_PASS || res.verdict == BENCH_VERDICT_SKIPPED ?
			 BENCH_STORE_RUN_PASSED :
		 res.verdict == BENCH_VERDICT_FAIL || res.verdict == BENCH_VERDICT_MARGINAL ?
			 BENCH_STORE_RUN_FAILED :
		 res.verdict == BENCH_VERDICT_ABORTED ? BENCH_STORE_RUN_ABORTED :
							BENCH_STORE_RUN_ERROR;
	if (rn.run_id && bench_store_run_set_status(rn.st, rn.run_id, status,
						    bench_verdict_name(res.verdict)) < 0)
		res.verdict = BENCH_VERDICT_ERROR;
	if (r == 0 && rn.cancelled)
		r = -ECANCELED;
	*ret = res;
out:
	free(rn.test_ids);
	free(rn.proto_rows);
	free(rn.attempt_v);
	free(rn.attempts);
	free(rn.done);
	return r;
}
