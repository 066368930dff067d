// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The docs/protocols.md section of a protocol, rendered from the parsed file so the
 * documentation cannot drift from the XML (tests/unit/test-protocol-docs.c regenerates
 * the page and compares).
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "common/buf.h"
#include "protocol/internal.h"
#include "protocol/protocol.h"

static const char *const step_names[BENCH_PROTOCOL_STEP_KIND_COUNT] = {
	"set-line", "wait-line", "pulse", "delay", "power-cycle",
};

static int render_steps(struct bench_buf *o, const char *what, const struct bench_protocol_steps *s)
{
	size_t i;
	int r = 0;

	if (s->n == 0)
		return 0;
	r |= bench_buf_appendf(o, "- %s:", what);
	for (i = 0; i < s->n; i++) {
		const struct bench_protocol_step *st = &s->v[i];

		r |= bench_buf_appendf(o, "%s %s", i ? ";" : "", step_names[st->kind]);
		switch (st->kind) {
		case BENCH_PROTOCOL_STEP_SET_LINE:
			r |= bench_buf_appendf(o, " %s %s", st->role, st->level_on ? "on" : "off");
			break;
		case BENCH_PROTOCOL_STEP_WAIT_LINE:
			r |= bench_buf_appendf(o, " %s %s (timeout %lld ms)", st->role,
					       st->level_on ? "on" : "off",
					       (long long)(st->timeout_ns / 1000000));
			break;
		case BENCH_PROTOCOL_STEP_PULSE:
			r |= bench_buf_appendf(o, " %s %lld ms", st->role,
					       (long long)(st->width_ns / 1000000));
			break;
		case BENCH_PROTOCOL_STEP_DELAY:
			r |= bench_buf_appendf(o, " %lld ms", (long long)(st->width_ns / 1000000));
			break;
		case BENCH_PROTOCOL_STEP_POWER_CYCLE:
			r |= bench_buf_appendf(o, " (off %lld ms, ready timeout %lld ms",
					       (long long)(st->off_ns / 1000000),
					       (long long)(st->timeout_ns / 1000000));
			if (st->reset_ns)
				r |= bench_buf_appendf(o, ", reset %lld ms",
						       (long long)(st->reset_ns / 1000000));
			r |= bench_buf_append_str(o, ")");
			break;
		default:
			break;
		}
	}
	r |= bench_buf_append_str(o, "\n");
	return r ? -ENOMEM : 0;
}

static int render_zone(struct bench_buf *o, const struct bench_protocol_criterion *cr)
{
	const struct bench_protocol_limit *l = &cr->limit;
	/* Dimensionless values ("1") are printed without a unit. */
	const char *sp = l->unit == BENCH_UNIT_NONE ? "" : " ";
	const char *u = l->unit == BENCH_UNIT_NONE ? "" : bench_unit_name(l->unit);

	switch (l->cmp) {
	case BENCH_PROTOCOL_CMP_LE:
		return bench_buf_appendf(o, "<= %g%s%s", l->value, sp, u);
	case BENCH_PROTOCOL_CMP_LT:
		return bench_buf_appendf(o, "< %g%s%s", l->value, sp, u);
	case BENCH_PROTOCOL_CMP_GE:
		return bench_buf_appendf(o, ">= %g%s%s", l->value, sp, u);
	case BENCH_PROTOCOL_CMP_GT:
		return bench_buf_appendf(o, "> %g%s%s", l->value, sp, u);
	case BENCH_PROTOCOL_CMP_RANGE:
		return bench_buf_appendf(o, "%g .. %g%s%s", l->low, l->high, sp, u);
	case BENCH_PROTOCOL_CMP_WITHIN:
		return bench_buf_appendf(o, "%g .. %g%s%s (%s tolerance)", cr->low, cr->high, sp, u,
					 proto_tol_name(l->tol_type));
	default:
		return -EINVAL;
	}
}

int bench_protocol_render_markdown(const struct bench_protocol *p, struct bench_buf *o)
{
	size_t i, j;
	int r = 0;

	r |= bench_buf_appendf(o, "## %s: %s\n\n", p->id, p->title);
	if (p->title_zh)
		r |= bench_buf_appendf(o, "- title (zh-CN): %s\n", p->title_zh);
	r |= bench_buf_appendf(o, "- version %s", p->version);
	if (p->catalogue)
		r |= bench_buf_appendf(o, "; test-catalogue.md %s", p->catalogue);
	r |= bench_buf_append_str(o, "\n- standard:");
	for (i = 0; i < p->n_standards; i++)
		r |= bench_buf_appendf(o, "%s %s:%s cl. %s", i ? ";" : "", p->standards[i].name,
				       p->standards[i].edition, p->standards[i].clause);
	r |= bench_buf_append_str(o, "\n- applies to:");
	for (i = 0; i < p->n_dut_classes; i++)
		r |= bench_buf_appendf(o, "%s %s", i ? "," : "", p->dut_classes[i]);
	r |= bench_buf_appendf(o, "\n- capture: %g s per trial", p->capture_s);
	if (p->settle_s > 0)
		r |= bench_buf_appendf(o, " (first %g s discarded)", p->settle_s);
	r |= bench_buf_append_str(o, " from");
	for (i = 0; i < p->n_inputs; i++)
		r |= bench_buf_appendf(o, "%s %s (%s)", i ? "," : "", p->inputs[i].role,
				       p->inputs[i].channels);
	if (p->measure_gaps)
		r |= bench_buf_append_str(o, "; DUT timestamp gaps are measured, not ERROR");
	r |= bench_buf_appendf(o, "\n- trials: %u per condition, %s order", p->trials,
			       p->randomised ? "randomised" : "fixed");
	if (p->n_conditions) {
		r |= bench_buf_append_str(o, "; conditions:");
		for (i = 0; i < p->n_conditions; i++)
			r |= bench_buf_appendf(o, "%s %s", i ? "," : "", p->conditions[i].id);
	}
	r |= bench_buf_append_str(o, "\n");
	r |= render_steps(o, "setup", &p->setup);
	r |= render_steps(o, "before each trial", &p->before_trial);
	r |= render_steps(o, "teardown", &p->teardown);
	r |= bench_buf_appendf(o, "- decision rule: %s", bench_protocol_rule_name(p->rule));
	if (p->rule == BENCH_PROTOCOL_RULE_GUARDED)
		r |= bench_buf_appendf(o, " (guard band U = k u, k = %g)", p->k);
	r |= bench_buf_append_str(o, "\n");
	if (p->has_retest)
		r |= bench_buf_appendf(o, "- retest: up to %u attempts, final verdict '%s'\n",
				       p->retest.attempts,
				       bench_protocol_final_name(p->retest.final));
	if (p->description)
		r |= bench_buf_appendf(o, "\n%s\n", p->description);
	r |= bench_buf_append_str(o, "\n| metric | function | unit | parameters |\n"
				     "|---|---|---|---|\n");
	for (i = 0; i < p->n_metrics; i++) {
		const struct bench_protocol_metric *m = &p->metrics[i];

		if (m->pooled)
			r |= bench_buf_appendf(o, "| %s | %s of %s over the trials | %s |", m->id,
					       m->name, m->of, bench_unit_name(m->unit));
		else
			r |= bench_buf_appendf(o, "| %s | %s | %s |", m->id, m->name,
					       bench_unit_name(m->unit));
		for (j = 0; j < m->n_params; j++)
			r |= bench_buf_appendf(o, "%s %s=%s%s%s", j ? "," : "", m->params[j].name,
					       m->params[j].value, m->params[j].has_unit ? " " : "",
					       m->params[j].has_unit ?
						       bench_unit_name(m->params[j].unit) :
						       "");
		r |= bench_buf_append_str(o, " |\n");
	}
	r |= bench_buf_append_str(o,
				  "\n| criterion | limit | accept | evidence | clause | source |\n"
				  "|---|---|---|---|---|---|\n");
	for (i = 0; i < p->n_criteria; i++) {
		const struct bench_protocol_criterion *cr = &p->criteria[i];

		r |= bench_buf_appendf(o, "| %s | %s | ", cr->metric_id,
				       cr->limit_ref ? cr->limit_ref : cr->claim_id);
		if (cr->resolved) {
			r |= render_zone(o, cr) < 0;
			if (cr->has_marginal)
				r |= bench_buf_appendf(o, ", marginal band %g", cr->marginal_width);
			r |= bench_buf_appendf(o, " | %s | %s | %s |\n",
					       bench_protocol_evidence_name(cr->limit.evidence),
					       cr->limit.clause ? cr->limit.clause : "-",
					       cr->limit.source ? cr->limit.source : "-");
		} else {
			r |= bench_buf_appendf(o,
					       "the DUT profile's claim '%s' | claim | - | "
					       "datasheet |\n",
					       cr->claim_id);
		}
	}
	r |= bench_buf_append_str(o, "\n");
	return r ? -ENOMEM : 0;
}
