// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PDF renderer (see pdf.h). Pages are laid out once into cairo recording surfaces, so the
 * total page count is known when the pages are replayed onto the PDF surface together with
 * the running header and the "Page N of M" footer. Geometry in PDF points, A4 portrait.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "reports/pdf.h"
#include "reports/plot.h"

#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN_L 50.0
#define MARGIN_R 50.0
#define MARGIN_T 58.0
#define MARGIN_B 62.0
#define BODY_W (PAGE_W - MARGIN_L - MARGIN_R)
#define PAD 2.5
#define MONO "DejaVu Sans Mono"

struct cell {
	const char *text;
	double width;
	bool mono;
	bool bold;
	const double *rgb; /* text colour or NULL */
};

struct pdf {
	const struct bench_dossier *d;
	enum bench_report_lang lang;
	PangoContext *pctx;
	PangoLayout *layout;
	PangoFontDescription *font;
	cairo_surface_t **pages;
	size_t n_pages, cap_pages;
	cairo_t *cr;
	double y;
	unsigned figure;
	int err;
	/* header row of the table being drawn, repeated after a page break; NULL outside */
	struct cell hdr_cells[8];
	const struct cell *hdr;
	size_t n_hdr;
	double hdr_size;
};

static const char *L(struct pdf *p, enum bench_report_label key)
{
	return bench_report_label(p->lang, key);
}

static void verdict_rgb(enum bench_dossier_verdict v, double rgb[3])
{
	static const double c[][3] = {
		[BENCH_DOSSIER_PASS] = { 0.10, 0.55, 0.20 },
		[BENCH_DOSSIER_MARGINAL] = { 0.85, 0.55, 0.00 },
		[BENCH_DOSSIER_FAIL] = { 0.80, 0.10, 0.10 },
		[BENCH_DOSSIER_ERROR] = { 0.50, 0.10, 0.55 },
		[BENCH_DOSSIER_NOT_RUN] = { 0.45, 0.45, 0.45 },
	};
	unsigned i = (unsigned)v < BENCH_DOSSIER_VERDICT_COUNT ? (unsigned)v : 3;

	memcpy(rgb, c[i], sizeof(c[i]));
}

static int new_page(struct pdf *p)
{
	cairo_rectangle_t ext = { 0, 0, PAGE_W, PAGE_H };
	cairo_surface_t *s;

	if (p->err)
		return p->err;
	if (p->cr) {
		cairo_destroy(p->cr);
		p->cr = NULL;
	}
	if (p->n_pages == p->cap_pages) {
		size_t cap = p->cap_pages ? p->cap_pages * 2 : 64;
		cairo_surface_t **n = realloc(p->pages, cap * sizeof(*n));

		if (!n)
			return p->err = -ENOMEM;
		p->pages = n;
		p->cap_pages = cap;
	}
	s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &ext);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return p->err = -ENOMEM;
	}
	p->pages[p->n_pages++] = s;
	p->cr = cairo_create(s);
	p->y = MARGIN_T;
	return 0;
}

static void ensure(struct pdf *p, double h)
{
	if (p->y + h > PAGE_H - MARGIN_B && p->y > MARGIN_T + 1)
		new_page(p);
}

/* Lays out @s in width @w; returns its height in points (nothing drawn). */
static double layout_text(struct pdf *p, const char *s, double w, double size, bool bold,
			  const char *family)
{
	PangoFontDescription *desc = pango_font_description_copy(p->font);
	int h;

	pango_font_description_set_absolute_size(desc, size * PANGO_SCALE);
	pango_font_description_set_weight(desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	if (family)
		pango_font_description_set_family(desc, family);
	pango_layout_set_font_description(p->layout, desc);
	pango_font_description_free(desc);
	pango_layout_set_width(p->layout, w > 0 ? (int)(w * PANGO_SCALE) : -1);
	pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(p->layout, s ? s : "", -1);
	pango_layout_get_size(p->layout, NULL, &h);
	return (double)h / PANGO_SCALE;
}

static void show(struct pdf *p, double x, double y, const double rgb[3])
{
	if (rgb)
		cairo_set_source_rgb(p->cr, rgb[0], rgb[1], rgb[2]);
	else
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->layout);
}

/* A paragraph in the body width; moves the cursor. */
static void para(struct pdf *p, const char *s, double size, bool bold, const double rgb[3],
		 double gap_after)
{
	double h = layout_text(p, s, BODY_W, size, bold, NULL);

	p->hdr = NULL; /* any table before this paragraph has ended */
	ensure(p, h);
	if (p->err)
		return;
	layout_text(p, s, BODY_W, size, bold, NULL);
	show(p, MARGIN_L, p->y, rgb);
	p->y += h + gap_after;
}

static void heading(struct pdf *p, const char *s, double size)
{
	static const double blue[3] = { 0.05, 0.20, 0.45 };

	ensure(p, size * 3);
	p->y += size * 0.4;
	para(p, s, size, true, blue, size * 0.35);
}

/* One table row; returns its height. Header rows get a grey background. */
static void row(struct pdf *p, const struct cell *c, size_t n, double size, bool header)
{
	double h = 0, x = MARGIN_L;
	size_t i;

	for (i = 0; i < n; i++) {
		double ch = layout_text(p, c[i].text, c[i].width - 2 * PAD, size,
					header || c[i].bold, c[i].mono ? MONO : NULL);

		if (ch > h)
			h = ch;
	}
	h += 2 * PAD;
	if (!header && p->hdr && p->y + h > PAGE_H - MARGIN_B) {
		new_page(p);
		row(p, p->hdr, p->n_hdr, p->hdr_size, true); /* the table continues: header again */
	} else {
		ensure(p, h);
	}
	if (p->err)
		return;
	if (header) {
		/* copied: callers reuse their cell array for the data rows */
		if (c != p->hdr_cells && n <= BENCH_ARRAY_SIZE(p->hdr_cells)) {
			memcpy(p->hdr_cells, c, n * sizeof(*c));
			p->hdr = p->hdr_cells;
			p->n_hdr = n;
			p->hdr_size = size;
		}
		double tw = 0;

		for (i = 0; i < n; i++)
			tw += c[i].width;
		cairo_set_source_rgb(p->cr, 0.90, 0.92, 0.95);
		cairo_rectangle(p->cr, MARGIN_L, p->y, tw, h);
		cairo_fill(p->cr);
	}
	for (i = 0; i < n; i++) {
		layout_text(p, c[i].text, c[i].width - 2 * PAD, size, header || c[i].bold,
			    c[i].mono ? MONO : NULL);
		show(p, x + PAD, p->y + PAD, c[i].rgb);
		x += c[i].width;
	}
	cairo_set_source_rgb(p->cr, 0.75, 0.75, 0.75);
	cairo_set_line_width(p->cr, 0.4);
	cairo_move_to(p->cr, MARGIN_L, p->y + h);
	cairo_line_to(p->cr, x, p->y + h);
	cairo_stroke(p->cr);
	p->y += h;
}

/* Two-column key/value row. */
static void kv(struct pdf *p, const char *key, const char *value, bool mono)
{
	struct cell c[2] = {
		{ key, 150, false, true, NULL },
		{ value && value[0] ? value : "-", BODY_W - 150, mono, false, NULL },
	};

	p->hdr = NULL;
	row(p, c, 2, 8.5, false);
}

static void fmt_time(int64_t ns, char *b, size_t n)
{
	if (ns == 0 || bench_clock_format_utc(ns, b, (unsigned)n) < 0)
		snprintf(b, n, "-");
}

static void cover(struct pdf *p, const char *fingerprint)
{
	const struct bench_dossier *d = p->d;
	char t0[40], t1[40], t2[40], run[32];
	double rgb[3], h;

	new_page(p);
	p->y = 110;
	para(p, L(p, BENCH_L_DOC_TITLE), 24, true, NULL, 6);
	para(p, d->lab_name, 12, false, NULL, 24);

	kv(p, L(p, BENCH_L_REPORT_ID), d->report_id, false);
	snprintf(run, sizeof(run), "%" PRId64, d->run_id);
	kv(p, L(p, BENCH_L_RUN), run, false);
	p->y += 8;
	heading(p, L(p, BENCH_L_DUT), 12);
	kv(p, L(p, BENCH_L_MANUFACTURER), d->dut_manufacturer, false);
	kv(p, L(p, BENCH_L_MODEL), d->dut_model, false);
	kv(p, L(p, BENCH_L_SERIAL), d->dut_serial, false);
	kv(p, L(p, BENCH_L_HW_REV), d->dut_hw_rev, false);
	kv(p, L(p, BENCH_L_FW_REV), d->dut_fw_rev, false);
	p->y += 8;
	heading(p, L(p, BENCH_L_LAB), 12);
	kv(p, L(p, BENCH_L_LAB), d->lab_name, false);
	kv(p, L(p, BENCH_L_ADDRESS), d->lab_address, false);
	kv(p, L(p, BENCH_L_STATION), d->station_id, false);
	kv(p, L(p, BENCH_L_OPERATOR), d->operator_name, false);
	fmt_time(d->start_ns, t0, sizeof(t0));
	fmt_time(d->end_ns, t1, sizeof(t1));
	fmt_time(d->issued_ns, t2, sizeof(t2));
	kv(p, L(p, BENCH_L_START), t0, false);
	kv(p, L(p, BENCH_L_END), t1, false);
	kv(p, L(p, BENCH_L_ISSUED), t2, false);
	kv(p, L(p, BENCH_L_SIGNATURE), fingerprint ? fingerprint : L(p, BENCH_L_UNSIGNED),
	   fingerprint != NULL);
	p->y += 20;

	/* the overall verdict, in a coloured box */
	para(p, L(p, BENCH_L_OVERALL), 12, true, NULL, 4);
	verdict_rgb(d->verdict, rgb);
	h = layout_text(p, bench_report_verdict_label(p->lang, d->verdict), BODY_W - 20, 22, true,
			NULL);
	if (p->err)
		return;
	cairo_set_source_rgb(p->cr, rgb[0], rgb[1], rgb[2]);
	cairo_rectangle(p->cr, MARGIN_L, p->y, BODY_W, h + 16);
	cairo_fill(p->cr);
	{
		static const double white[3] = { 1, 1, 1 };

		show(p, MARGIN_L + 10, p->y + 8, white);
	}
	p->y += h + 30;
	para(p, L(p, BENCH_L_TEST_ONLY_NOTE), 8, false, NULL, 0);
}

static void summary(struct pdf *p)
{
	const struct bench_dossier *d = p->d;
	size_t counts[BENCH_DOSSIER_VERDICT_COUNT], i, v;
	struct bench_buf b = BENCH_BUF_INIT;

	new_page(p);
	heading(p, L(p, BENCH_L_SUMMARY), 16);
	{
		struct cell h[] = {
			{ L(p, BENCH_L_TEST), 45, false, false, NULL },
			{ L(p, BENCH_L_TITLE), BODY_W - 45 - 150 - 85, false, false, NULL },
			{ L(p, BENCH_L_CLAUSE), 150, false, false, NULL },
			{ L(p, BENCH_L_VERDICT), 85, false, false, NULL },
		};

		row(p, h, 4, 8, true);
		for (i = 0; i < d->n_tests && !p->err; i++) {
			const struct bench_dossier_test *t = &d->tests[i];
			const struct bench_dossier_protocol *pr =
				bench_dossier_find_protocol(d, t->protocol_id);
			const char *title = p->lang == BENCH_REPORT_LANG_ZH_CN && t->title_zh ?
						    t->title_zh :
						    t->title;
			struct bench_buf cl = BENCH_BUF_INIT;
			double rgb[3];

			verdict_rgb(t->verdict, rgb);
			if (pr)
				bench_buf_appendf(&cl, "%s %s", pr->standard ? pr->standard : "",
						  pr->clause ? pr->clause : "");
			h[0].text = t->id;
			h[1].text = title;
			h[2].text = bench_buf_str(&cl);
			h[3].text = bench_report_verdict_label(p->lang, t->verdict);
			h[3].rgb = rgb;
			h[3].bold = true;
			row(p, h, 4, 8, false);
			h[3].rgb = NULL;
			h[3].bold = false;
			bench_buf_free(&cl);
		}
	}
	p->y += 8;
	bench_dossier_count(d, counts);
	bench_buf_appendf(&b, "%s: %zu", L(p, BENCH_L_COUNTS), d->n_tests);
	for (v = 0; v < BENCH_DOSSIER_VERDICT_COUNT; v++)
		if (counts[v])
			bench_buf_appendf(&b, "   %s: %zu",
					  bench_report_verdict_label(p->lang,
								     (enum bench_dossier_verdict)v),
					  counts[v]);
	para(p, bench_buf_str(&b), 9, true, NULL, 6);
	bench_buf_free(&b);
	heading(p, L(p, BENCH_L_CONFORMITY), 12);
	para(p, d->decision_rule, 9, false, NULL, 4);
}

static void fmt_num(char *b, size_t n, double v)
{
	if (isnan(v))
		snprintf(b, n, "-");
	else
		snprintf(b, n, "%.6g", v);
}

static void test_section(struct pdf *p, const struct bench_dossier_test *t)
{
	const struct bench_dossier_protocol *pr = bench_dossier_find_protocol(p->d, t->protocol_id);
	struct bench_buf b = BENCH_BUF_INIT;
	double rgb[3];
	size_t i;

	ensure(p, 200);
	bench_buf_appendf(&b, "%s  %s", t->id ? t->id : "", t->title ? t->title : "");
	heading(p, bench_buf_str(&b), 13);
	if (p->lang == BENCH_REPORT_LANG_ZH_CN && t->title_zh)
		para(p, t->title_zh, 11, true, NULL, 4);
	verdict_rgb(t->verdict, rgb);
	bench_buf_clear(&b);
	bench_buf_appendf(&b, "%s: %s", L(p, BENCH_L_VERDICT),
			  bench_report_verdict_label(p->lang, t->verdict));
	para(p, bench_buf_str(&b), 10, true, rgb, 4);

	if (pr) {
		bench_buf_clear(&b);
		bench_buf_appendf(&b, "%s %s (%s)", pr->id, pr->version ? pr->version : "",
				  pr->sha256_hex ? pr->sha256_hex : "");
		kv(p, L(p, BENCH_L_PROTOCOL), bench_buf_str(&b), false);
		kv(p, L(p, BENCH_L_STANDARD), pr->standard, false);
		kv(p, L(p, BENCH_L_CLAUSE), pr->clause, false);
		kv(p, L(p, BENCH_L_METHOD), pr->method, false);
		bench_buf_clear(&b);
		for (i = 0; i < pr->n_stimulus; i++)
			bench_buf_appendf(&b, "%s%s = %s%s%s", i ? "; " : "", pr->stimulus[i].name,
					  pr->stimulus[i].value ? pr->stimulus[i].value : "",
					  pr->stimulus[i].unit ? " " : "",
					  pr->stimulus[i].unit ? pr->stimulus[i].unit : "");
		bench_buf_appendf(&b, "%s%s = %" PRIu64, pr->n_stimulus ? "; " : "",
				  L(p, BENCH_L_SEED), pr->seed);
		kv(p, L(p, BENCH_L_STIMULUS), bench_buf_str(&b), false);
	}
	bench_buf_clear(&b);
	bench_buf_appendf(&b, "%u", t->attempts);
	kv(p, L(p, BENCH_L_ATTEMPTS), bench_buf_str(&b), false);

	if (t->n_meas) {
		struct cell c[] = {
			{ L(p, BENCH_L_QUANTITY), 105, false, false, NULL },
			{ L(p, BENCH_L_VALUE), 70, false, false, NULL },
			{ L(p, BENCH_L_UNCERTAINTY), 75, false, false, NULL },
			{ L(p, BENCH_L_LIMIT), 80, false, false, NULL },
			{ L(p, BENCH_L_RULE), 65, false, false, NULL },
			{ L(p, BENCH_L_EVIDENCE), 45, false, false, NULL },
			{ L(p, BENCH_L_VERDICT), BODY_W - 440, false, false, NULL },
		};

		p->y += 6;
		para(p, L(p, BENCH_L_MEASUREMENTS), 10, true, NULL, 2);
		row(p, c, 7, 7.5, true);
		for (i = 0; i < t->n_meas && !p->err; i++) {
			const struct bench_dossier_measurement *m = &t->meas[i];
			char val[64], unc[64], lim[96], num[32];
			double mrgb[3];

			fmt_num(num, sizeof(num), m->value);
			snprintf(val, sizeof(val), "%s %s", num, m->unit ? m->unit : "");
			if (isnan(m->u_expanded))
				snprintf(unc, sizeof(unc), "-");
			else
				snprintf(unc, sizeof(unc), "%.3g %s (k=%.3g)", m->u_expanded,
					 m->unit ? m->unit : "", m->k);
			bench_dossier_format_limit(m, lim, sizeof(lim));
			verdict_rgb(m->verdict, mrgb);
			c[0].text = m->name;
			c[1].text = val;
			c[2].text = unc;
			c[3].text = lim;
			c[4].text = L(p, m->rule == BENCH_DOSSIER_RULE_GUARDED ?
						 BENCH_L_RULE_GUARDED :
						 BENCH_L_RULE_SIMPLE);
			if (m->cmp == BENCH_DOSSIER_CMP_NONE)
				snprintf(lim, sizeof(lim), "%s", L(p, BENCH_L_NO_LIMIT));
			c[5].text = m->evidence ? m->evidence : "-";
			c[6].text = bench_report_verdict_label(p->lang, m->verdict);
			c[6].rgb = mrgb;
			c[6].bold = true;
			row(p, c, 7, 7.5, false);
		}
	}

	for (i = 0; i < t->n_plots && !p->err; i++) {
		const struct bench_dossier_plot *pl = &t->plots[i];
		double h = pl->kind == BENCH_DOSSIER_PLOT_BODE	    ? 230 :
			   pl->kind == BENCH_DOSSIER_PLOT_CONFUSION ? 200 :
								      170;

		struct bench_dossier_plot shown = *pl;
		struct bench_dossier_series ser[8];
		size_t k;

		ensure(p, h + 30);
		if (p->err)
			break;
		/* axis labels and series names in the report's language */
		shown.x_label = (char *)bench_report_plot_text(p->lang, pl->x_label);
		shown.y_label = (char *)bench_report_plot_text(p->lang, pl->y_label);
		if (pl->n_series <= 8) {
			for (k = 0; k < pl->n_series; k++) {
				ser[k] = pl->series[k];
				ser[k].name = (char *)bench_report_plot_text(p->lang,
									     pl->series[k].name);
			}
			shown.series = ser;
		}
		p->y += 6;
		pango_layout_set_font_description(p->layout, p->font);
		bench_report_plot_draw(p->cr, p->layout, &shown, MARGIN_L, p->y, BODY_W, h);
		p->y += h;
		bench_buf_clear(&b);
		bench_buf_appendf(&b, "%s %u: %s - %s", L(p, BENCH_L_FIGURE), ++p->figure,
				  bench_report_plot_label(p->lang, pl->kind),
				  p->lang == BENCH_REPORT_LANG_ZH_CN && t->title_zh ? t->title_zh :
				  pl->title					    ? pl->title :
										      "");
		para(p, bench_buf_str(&b), 8, false, NULL, 6);
	}
	p->y += 10;
	bench_buf_free(&b);
}

static void annex(struct pdf *p)
{
	const struct bench_dossier *d = p->d;
	struct bench_buf b = BENCH_BUF_INIT;
	size_t i;

	new_page(p);
	heading(p, L(p, BENCH_L_ANNEX), 16);
	heading(p, L(p, BENCH_L_FIXTURE), 11);
	bench_buf_appendf(&b, "%s %s", d->fixture_id ? d->fixture_id : "",
			  d->fixture_name ? d->fixture_name : "");
	kv(p, L(p, BENCH_L_FIXTURE), bench_buf_str(&b), false);
	kv(p, "SHA-256", d->fixture_sha256_hex, true);

	heading(p, L(p, BENCH_L_INSTRUMENTS), 11);
	{
		struct cell c[] = {
			{ "ID", 45, false, false, NULL },
			{ L(p, BENCH_L_MODEL), 150, false, false, NULL },
			{ L(p, BENCH_L_SERIAL), 70, false, false, NULL },
			{ L(p, BENCH_L_CAL_CERT), 90, false, false, NULL },
			{ L(p, BENCH_L_CAL_DUE), 65, false, false, NULL },
			{ L(p, BENCH_L_CAL_STATUS), BODY_W - 420, false, false, NULL },
		};

		row(p, c, 6, 7.5, true);
		for (i = 0; i < d->n_instruments && !p->err; i++) {
			const struct bench_dossier_instrument *in = &d->instruments[i];

			bench_buf_clear(&b);
			bench_buf_appendf(&b, "%s%s%s", in->description ? in->description : "",
					  in->description && in->model ? ": " : "",
					  in->model ? in->model : "");
			c[0].text = in->id;
			c[1].text = bench_buf_str(&b);
			c[2].text = in->serial ? in->serial : "-";
			c[3].text = in->cal_cert ? in->cal_cert : "-";
			c[4].text = in->cal_due ? in->cal_due : "-";
			c[5].text = bench_report_cal_label(p->lang, in->cal_status);
			row(p, c, 6, 7.5, false);
		}
	}

	heading(p, L(p, BENCH_L_SOFTWARE), 11);
	kv(p, L(p, BENCH_L_SOFTWARE), d->software_name, false);
	kv(p, L(p, BENCH_L_VERSION), d->software_version, false);
	kv(p, L(p, BENCH_L_BUILD), d->software_build_id, false);

	heading(p, L(p, BENCH_L_HASHES), 11);
	{
		struct cell c[] = {
			{ L(p, BENCH_L_PROTOCOL), 130, false, false, NULL },
			{ L(p, BENCH_L_VERSION), 45, false, false, NULL },
			{ "SHA-256", BODY_W - 175, true, false, NULL },
		};

		row(p, c, 3, 7.5, true);
		for (i = 0; i < d->n_protocols && !p->err; i++) {
			c[0].text = d->protocols[i].id;
			c[1].text = d->protocols[i].version;
			c[2].text = d->protocols[i].sha256_hex;
			row(p, c, 3, 7, false);
		}
	}

	heading(p, L(p, BENCH_L_ARTIFACTS), 11);
	{
		struct cell c[] = {
			{ "ID", 35, false, false, NULL },
			{ L(p, BENCH_L_PATH), 120, false, false, NULL },
			{ L(p, BENCH_L_SIZE), 50, false, false, NULL },
			{ "SHA-256", BODY_W - 205, true, false, NULL },
		};

		row(p, c, 4, 7.5, true);
		for (i = 0; i < d->n_artifacts && !p->err; i++) {
			char size[24];

			snprintf(size, sizeof(size), "%" PRIu64, d->artifacts[i].size_bytes);
			c[0].text = d->artifacts[i].id;
			c[1].text = d->artifacts[i].path;
			c[2].text = size;
			c[3].text = d->artifacts[i].sha256_hex;
			row(p, c, 4, 7, false);
		}
	}

	heading(p, L(p, BENCH_L_EVENTS), 11);
	if (d->n_events == 0)
		para(p, L(p, BENCH_L_NO_EVENTS), 8.5, false, NULL, 4);
	else {
		struct cell c[] = {
			{ L(p, BENCH_L_TIME), 120, false, false, NULL },
			{ L(p, BENCH_L_KIND), 60, false, false, NULL },
			{ L(p, BENCH_L_TEST), 45, false, false, NULL },
			{ L(p, BENCH_L_MESSAGE), BODY_W - 225, false, false, NULL },
		};

		row(p, c, 4, 7.5, true);
		for (i = 0; i < d->n_events && !p->err; i++) {
			char t[40];

			fmt_time(d->events[i].time_ns, t, sizeof(t));
			c[0].text = t;
			c[1].text = d->events[i].kind;
			c[2].text = d->events[i].test_id ? d->events[i].test_id : "-";
			c[3].text = d->events[i].message ? d->events[i].message : "";
			row(p, c, 4, 7.5, false);
		}
	}
	p->y += 16;
	bench_buf_clear(&b);
	bench_buf_appendf(&b, "- %s %s -", L(p, BENCH_L_END_OF_REPORT),
			  d->report_id ? d->report_id : "");
	para(p, bench_buf_str(&b), 9, true, NULL, 0);
	bench_buf_free(&b);
}

/* Replays the recorded pages onto the PDF with header and "Page N of M" footer. */
static int emit(struct pdf *p, const char *path)
{
	const struct bench_dossier *d = p->d;
	cairo_surface_t *pdf;
	cairo_status_t st;
	cairo_t *cr;
	char date[40];
	size_t i;

	pdf = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
	if (cairo_surface_status(pdf) != CAIRO_STATUS_SUCCESS) {
		bench_log(BENCH_LOG_ERROR, "reports", "%s: %s", path,
			  cairo_status_to_string(cairo_surface_status(pdf)));
		cairo_surface_destroy(pdf);
		return -EIO;
	}
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE,
				       d->report_id ? d->report_id : "dossier");
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "bcibench");
	if (d->lab_name)
		cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_AUTHOR, d->lab_name);
	if (d->issued_ns && bench_clock_format_utc(d->issued_ns, date, sizeof(date)) == 0) {
		/* cairo wants ISO 8601 without fractional seconds */
		char *dot = strchr(date, '.');

		if (dot)
			memcpy(dot, "Z", 2);
		cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATE_DATE, date);
	}
	cr = cairo_create(pdf);
	for (i = 0; i < p->n_pages; i++) {
		struct bench_buf b = BENCH_BUF_INIT;

		cairo_set_source_surface(cr, p->pages[i], 0, 0);
		cairo_paint(cr);

		/* running header */
		layout_text(p, L(p, BENCH_L_DOC_TITLE), -1, 7.5, false, NULL);
		cairo_move_to(cr, MARGIN_L, 30);
		cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
		pango_cairo_show_layout(cr, p->layout);
		cairo_set_line_width(cr, 0.5);
		cairo_move_to(cr, MARGIN_L, 44);
		cairo_line_to(cr, PAGE_W - MARGIN_R, 44);
		cairo_stroke(cr);

		/* footer: report id left, page N of M right */
		cairo_move_to(cr, MARGIN_L, PAGE_H - 42);
		cairo_line_to(cr, PAGE_W - MARGIN_R, PAGE_H - 42);
		cairo_stroke(cr);
		bench_buf_appendf(&b, "%s: %s", L(p, BENCH_L_REPORT_ID),
				  d->report_id ? d->report_id : "");
		layout_text(p, bench_buf_str(&b), -1, 7.5, false, NULL);
		cairo_move_to(cr, MARGIN_L, PAGE_H - 38);
		pango_cairo_show_layout(cr, p->layout);
		bench_buf_clear(&b);
		if (p->lang == BENCH_REPORT_LANG_ZH_CN)
			bench_buf_appendf(&b, "第 %zu 页，共 %zu 页", i + 1, p->n_pages);
		else
			bench_buf_appendf(&b, "Page %zu of %zu", i + 1, p->n_pages);
		{
			int w;
			double tw;

			layout_text(p, bench_buf_str(&b), -1, 7.5, false, NULL);
			pango_layout_get_size(p->layout, &w, NULL);
			tw = (double)w / PANGO_SCALE;
			cairo_move_to(cr, PAGE_W - MARGIN_R - tw, PAGE_H - 38);
			pango_cairo_show_layout(cr, p->layout);
		}
		bench_buf_free(&b);
		cairo_show_page(cr);
	}
	st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(pdf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(pdf);
	cairo_surface_destroy(pdf);
	if (st != CAIRO_STATUS_SUCCESS) {
		bench_log(BENCH_LOG_ERROR, "reports", "%s: %s", path, cairo_status_to_string(st));
		return st == CAIRO_STATUS_NO_MEMORY ? -ENOMEM : -EIO;
	}
	return 0;
}

int bench_report_write_pdf(const struct bench_dossier *d, const char *path,
			   const struct bench_report_pdf_opts *opts, unsigned *ret_pages)
{
	struct pdf p;
	struct bench_buf tmp = BENCH_BUF_INIT;
	PangoFontMap *fm;
	size_t i;
	int r;

	memset(&p, 0, sizeof(p));
	p.d = d;
	p.lang = opts ? opts->lang : BENCH_REPORT_LANG_EN;
	fm = pango_cairo_font_map_get_default(); /* not owned */
	p.pctx = pango_font_map_create_context(fm);
	if (!p.pctx)
		return -ENOMEM;
	{
		PangoLanguage *lang = pango_language_from_string(bench_report_lang_tag(p.lang));
		cairo_font_options_t *fo = cairo_font_options_create();

		pango_context_set_language(p.pctx, lang);
		/* no hinting: metrics must not depend on the surface the page is replayed to */
		cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
		cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
		pango_cairo_context_set_font_options(p.pctx, fo);
		cairo_font_options_destroy(fo);
	}
	p.layout = pango_layout_new(p.pctx);
	p.font = pango_font_description_from_string(bench_report_font_family(p.lang));
	pango_font_description_set_absolute_size(p.font, 9 * PANGO_SCALE);
	pango_layout_set_font_description(p.layout, p.font);

	cover(&p, opts ? opts->signature_fingerprint : NULL);
	summary(&p);
	if (!p.err)
		new_page(&p);
	for (i = 0; i < d->n_tests && !p.err; i++)
		test_section(&p, &d->tests[i]);
	if (!p.err)
		annex(&p);
	if (p.cr)
		cairo_destroy(p.cr);
	p.cr = NULL;

	r = p.err;
	if (r == 0)
		r = bench_buf_appendf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	if (r == 0)
		r = emit(&p, bench_buf_str(&tmp));
	if (r == 0 && rename(bench_buf_str(&tmp), path) < 0) {
		r = -errno;
		bench_log(BENCH_LOG_ERROR, "reports", "%s: %s", path, strerror(errno));
	}
	if (r < 0 && tmp.len)
		unlink(bench_buf_str(&tmp));
	if (r == 0 && ret_pages)
		*ret_pages = (unsigned)p.n_pages;

	for (i = 0; i < p.n_pages; i++)
		cairo_surface_destroy(p.pages[i]);
	free(p.pages);
	pango_font_description_free(p.font);
	g_object_unref(p.layout);
	g_object_unref(p.pctx);
	bench_buf_free(&tmp);
	return r;
}
