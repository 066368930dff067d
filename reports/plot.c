// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Cairo plots for the PDF dossier (see plot.h). All geometry is in PDF points. Axis ranges
 * come from the finite data with 5 % padding; ticks are 1/2/5 x 10^n (linear) or decades
 * (log). Text goes through pango so it stays searchable text in the PDF.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "reports/plot.h"

struct axis {
	double lo, hi;
	bool log;
};

struct rect {
	double x, y, w, h;
};

static const double palette[][3] = {
	{ 0.12, 0.47, 0.71 }, { 0.90, 0.45, 0.05 }, { 0.17, 0.63, 0.17 },
	{ 0.84, 0.15, 0.16 }, { 0.58, 0.40, 0.74 }, { 0.55, 0.34, 0.29 },
};

#define PALETTE_N (sizeof(palette) / sizeof(palette[0]))

static void set_color(cairo_t *cr, size_t i)
{
	const double *c = palette[i % PALETTE_N];

	cairo_set_source_rgb(cr, c[0], c[1], c[2]);
}

/* Draws @s at (@x, @y) aligned by @ax, @ay in 0..1 (0 = left/top), @size_pt high. */
static void text(cairo_t *cr, PangoLayout *layout, const char *s, double size_pt, double x,
		 double y, double ax, double ay)
{
	/* copy: setting a new description frees the layout's current one */
	const PangoFontDescription *cur = pango_layout_get_font_description(layout);
	PangoFontDescription *base = cur ? pango_font_description_copy(cur) : NULL;
	PangoFontDescription *desc = base ? pango_font_description_copy(base) :
					    pango_font_description_from_string("Sans");
	int w, h;

	pango_font_description_set_absolute_size(desc, size_pt * PANGO_SCALE);
	pango_layout_set_font_description(layout, desc);
	pango_layout_set_width(layout, -1);
	pango_layout_set_text(layout, s, -1);
	pango_layout_get_size(layout, &w, &h);
	cairo_move_to(cr, x - ax * w / PANGO_SCALE, y - ay * h / PANGO_SCALE);
	pango_cairo_show_layout(cr, layout);
	if (base) {
		pango_layout_set_font_description(layout, base);
		pango_font_description_free(base);
	}
	pango_font_description_free(desc);
}

static double map(const struct axis *a, double v)
{
	if (a->log)
		return (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
	return (v - a->lo) / (a->hi - a->lo);
}

static bool usable(const struct axis *a, double v)
{
	return isfinite(v) && (!a->log || v > 0);
}

/* Widens [lo, hi] to a non-empty, padded range (log axes pad by a fraction of a decade). */
static void finish_axis(struct axis *a, bool pad, bool from_zero)
{
	double span;

	if (!(a->lo <= a->hi)) {
		a->lo = a->log ? 1 : 0;
		a->hi = a->log ? 10 : 1;
	}
	if (from_zero && !a->log) {
		if (a->lo > 0)
			a->lo = 0;
		if (a->hi < 0)
			a->hi = 0;
	}
	if (a->log) {
		a->lo = pow(10, floor(log10(a->lo)));
		a->hi = pow(10, ceil(log10(a->hi)));
		if (a->hi <= a->lo)
			a->hi = a->lo * 10;
		return;
	}
	span = a->hi - a->lo;
	if (span <= 0) {
		span = fabs(a->hi) > 0 ? fabs(a->hi) * 0.1 : 1;
		a->lo -= span;
		a->hi += span;
		return;
	}
	if (pad) {
		if (!(from_zero && a->lo == 0))
			a->lo -= span * 0.05;
		a->hi += span * 0.05;
	}
}

static double nice_step(double span, int target)
{
	double raw = span / target, mag = pow(10, floor(log10(raw))), f = raw / mag;

	if (f < 1.5)
		return mag;
	if (f < 3.5)
		return 2 * mag;
	if (f < 7.5)
		return 5 * mag;
	return 10 * mag;
}

static void fmt_tick(char *b, size_t n, double v, double step)
{
	if (fabs(v) < step * 1e-6)
		v = 0;
	if (fabs(v) >= 1e5 || (fabs(v) > 0 && fabs(v) < 1e-3))
		snprintf(b, n, "%.2g", v);
	else
		snprintf(b, n, "%.6g", v);
}

static void frame(cairo_t *cr, PangoLayout *layout, const struct rect *r, const struct axis *xa,
		  const struct axis *ya, const char *xlabel, const char *ylabel, bool xticks)
{
	char b[32];
	double v, step, px, py;

	cairo_set_line_width(cr, 0.3);
	/* x grid and ticks */
	if (xa->log) {
		for (v = xa->lo; v <= xa->hi * 1.0001; v *= 10) {
			px = r->x + map(xa, v) * r->w;
			cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
			cairo_move_to(cr, px, r->y);
			cairo_line_to(cr, px, r->y + r->h);
			cairo_stroke(cr);
			if (xticks) {
				snprintf(b, sizeof(b), "%g", v);
				cairo_set_source_rgb(cr, 0, 0, 0);
				text(cr, layout, b, 6, px, r->y + r->h + 2, 0.5, 0);
			}
		}
	} else {
		step = nice_step(xa->hi - xa->lo, 6);
		for (v = ceil(xa->lo / step) * step; v <= xa->hi + step * 1e-9; v += step) {
			px = r->x + map(xa, v) * r->w;
			cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
			cairo_move_to(cr, px, r->y);
			cairo_line_to(cr, px, r->y + r->h);
			cairo_stroke(cr);
			if (xticks) {
				fmt_tick(b, sizeof(b), v, step);
				cairo_set_source_rgb(cr, 0, 0, 0);
				text(cr, layout, b, 6, px, r->y + r->h + 2, 0.5, 0);
			}
		}
	}
	/* y grid and ticks (always linear here) */
	step = nice_step(ya->hi - ya->lo, 5);
	for (v = ceil(ya->lo / step) * step; v <= ya->hi + step * 1e-9; v += step) {
		py = r->y + r->h - map(ya, v) * r->h;
		cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
		cairo_move_to(cr, r->x, py);
		cairo_line_to(cr, r->x + r->w, py);
		cairo_stroke(cr);
		fmt_tick(b, sizeof(b), v, step);
		cairo_set_source_rgb(cr, 0, 0, 0);
		text(cr, layout, b, 6, r->x - 3, py, 1, 0.5);
	}
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 0.6);
	cairo_rectangle(cr, r->x, r->y, r->w, r->h);
	cairo_stroke(cr);
	if (xlabel && xticks)
		text(cr, layout, xlabel, 6.5, r->x + r->w / 2, r->y + r->h + 11, 0.5, 0);
	if (ylabel) {
		cairo_save(cr);
		cairo_translate(cr, r->x - 36, r->y + r->h / 2);
		cairo_rotate(cr, -M_PI / 2);
		text(cr, layout, ylabel, 6.5, 0, 0, 0.5, 0);
		cairo_restore(cr);
	}
}

static void range_of(const struct bench_dossier_series *s, size_t n_series, struct axis *xa,
		     struct axis *ya)
{
	size_t i, j;

	xa->lo = ya->lo = DBL_MAX;
	xa->hi = ya->hi = -DBL_MAX;
	for (i = 0; i < n_series; i++) {
		for (j = 0; j < s[i].n; j++) {
			double x = s[i].x ? s[i].x[j] : (double)j, y = s[i].y[j];

			if (!usable(xa, x) || !usable(ya, y))
				continue;
			xa->lo = fmin(xa->lo, x);
			xa->hi = fmax(xa->hi, x);
			ya->lo = fmin(ya->lo, y);
			ya->hi = fmax(ya->hi, y);
		}
	}
}

/* Thinned polyline of one series, clipped to @r. */
static void line(cairo_t *cr, const struct rect *r, const struct axis *xa, const struct axis *ya,
		 const struct bench_dossier_series *s)
{
	size_t j, stride = 1, max_pts = (size_t)(r->w * 4) + 1;
	bool pen = false;

	if (s->n > max_pts)
		stride = s->n / max_pts;
	for (j = 0; j < s->n; j += stride) {
		double x = s->x ? s->x[j] : (double)j, y = s->y[j];

		if (!usable(xa, x) || !usable(ya, y)) {
			pen = false;
			continue;
		}
		x = r->x + map(xa, x) * r->w;
		y = r->y + r->h - map(ya, y) * r->h;
		if (pen)
			cairo_line_to(cr, x, y);
		else
			cairo_move_to(cr, x, y);
		pen = true;
	}
	cairo_stroke(cr);
}

/* Colour of series @i: the palette in order; a raster draws its truth (series 0) in colour 5. */
static size_t series_color(bool raster, size_t i)
{
	return raster ? (i == 0 ? 5 : i - 1) : i;
}

static void legend(cairo_t *cr, PangoLayout *layout, const struct rect *r,
		   const struct bench_dossier_series *s, size_t n, bool raster)
{
	size_t i;
	double y = r->y + 4;

	/* a light box so the legend stays readable over the data */
	cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
	cairo_rectangle(cr, r->x + r->w - 74, r->y + 2, 72, (double)n * 8 + 4);
	cairo_fill_preserve(cr);
	cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
	cairo_set_line_width(cr, 0.3);
	cairo_stroke(cr);
	for (i = 0; i < n; i++) {
		set_color(cr, series_color(raster, i));
		cairo_set_line_width(cr, 1.2);
		cairo_move_to(cr, r->x + r->w - 70, y + 4);
		cairo_line_to(cr, r->x + r->w - 58, y + 4);
		cairo_stroke(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		text(cr, layout, s[i].name ? s[i].name : "", 6, r->x + r->w - 55, y, 0, 0);
		y += 8;
	}
}

static void draw_xy(cairo_t *cr, PangoLayout *layout, const struct bench_dossier_plot *p,
		    const struct rect *r, bool logx, bool from_zero)
{
	struct axis xa = { 0, 0, logx }, ya = { 0, 0, false };
	size_t i, j;

	range_of(p->series, p->n_series, &xa, &ya);
	finish_axis(&xa, false, false);
	finish_axis(&ya, true, from_zero);
	frame(cr, layout, r, &xa, &ya, p->x_label, p->y_label, true);
	cairo_save(cr);
	cairo_rectangle(cr, r->x, r->y, r->w, r->h);
	cairo_clip(cr);
	for (i = 0; i < p->n_series; i++) {
		const struct bench_dossier_series *s = &p->series[i];

		set_color(cr, i);
		if (p->kind == BENCH_DOSSIER_PLOT_HISTOGRAM) {
			double bw = s->n > 1 && s->x ? fabs(s->x[1] - s->x[0]) : 1;

			for (j = 0; j < s->n; j++) {
				double x = s->x ? s->x[j] : (double)j;
				double x0 = r->x + map(&xa, x - bw / 2) * r->w;
				double x1 = r->x + map(&xa, x + bw / 2) * r->w;
				double y0 = r->y + r->h - map(&ya, 0) * r->h;
				double y1 = r->y + r->h - map(&ya, s->y[j]) * r->h;

				if (!isfinite(s->y[j]))
					continue;
				cairo_rectangle(cr, x0, y1, x1 - x0, y0 - y1);
			}
			cairo_fill_preserve(cr);
			cairo_set_source_rgb(cr, 1, 1, 1);
			cairo_set_line_width(cr, 0.3);
			cairo_stroke(cr);
		} else if (p->kind == BENCH_DOSSIER_PLOT_CHARGE) {
			double y0 = r->y + r->h - map(&ya, 0) * r->h;

			cairo_set_line_width(cr, 0.6);
			for (j = 0; j < s->n; j++) {
				double x = s->x ? s->x[j] : (double)j;
				double px = r->x + map(&xa, x) * r->w;
				double py = r->y + r->h - map(&ya, s->y[j]) * r->h;

				if (!isfinite(s->y[j]))
					continue;
				cairo_move_to(cr, px, y0);
				cairo_line_to(cr, px, py);
				cairo_stroke(cr);
				cairo_arc(cr, px, py, 1.0, 0, 2 * M_PI);
				cairo_fill(cr);
			}
			cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
			cairo_move_to(cr, r->x, y0);
			cairo_line_to(cr, r->x + r->w, y0);
			cairo_stroke(cr);
		} else {
			cairo_set_line_width(cr, 0.8);
			line(cr, r, &xa, &ya, s);
		}
	}
	cairo_restore(cr);
	if (p->n_series > 1)
		legend(cr, layout, r, p->series, p->n_series, false);
}

static void draw_bode(cairo_t *cr, PangoLayout *layout, const struct bench_dossier_plot *p,
		      const struct rect *r)
{
	struct rect top = { r->x, r->y, r->w, r->h * 0.5 - 4 };
	struct rect bot = { r->x, r->y + r->h * 0.5 + 4, r->w, r->h * 0.5 - 4 };
	struct axis xa = { 0, 0, true }, ya = { 0, 0, false }, yb = { 0, 0, false },
		    dummy = { 0, 0, true };
	size_t k;

	range_of(p->series, p->n_series, &xa, &ya);
	finish_axis(&xa, false, false);
	for (k = 0; k < 2 && k < p->n_series; k++) {
		struct axis *y = k == 0 ? &ya : &yb;
		const struct rect *rr = k == 0 ? &top : &bot;

		dummy.log = true;
		y->log = false;
		range_of(&p->series[k], 1, &dummy, y);
		finish_axis(y, true, false);
		/* the phase panel is labelled by its series' name when it names a unit */
		frame(cr, layout, rr, &xa, y, p->x_label,
		      k == 0						  ? p->y_label :
		      p->series[1].name && strchr(p->series[1].name, '/') ? p->series[1].name :
									    "phase / deg",
		      k == 1);
		cairo_save(cr);
		cairo_rectangle(cr, rr->x, rr->y, rr->w, rr->h);
		cairo_clip(cr);
		set_color(cr, k);
		cairo_set_line_width(cr, 0.9);
		line(cr, rr, &xa, y, &p->series[k]);
		cairo_restore(cr);
	}
}

static void draw_raster(cairo_t *cr, PangoLayout *layout, const struct bench_dossier_plot *p,
			const struct rect *r)
{
	struct axis xa = { 0, 0, false }, ya = { 0, 0, false };
	size_t i, j;
	double row;

	range_of(p->series, p->n_series, &xa, &ya);
	finish_axis(&xa, false, false);
	ya.lo = floor(ya.lo) - 0.5;
	ya.hi = ceil(ya.hi) + 0.5;
	if (!(ya.hi > ya.lo)) {
		ya.lo = -0.5;
		ya.hi = 0.5;
	}
	frame(cr, layout, r, &xa, &ya, p->x_label, p->y_label, true);
	row = r->h / (ya.hi - ya.lo);
	cairo_save(cr);
	cairo_rectangle(cr, r->x, r->y, r->w, r->h);
	cairo_clip(cr);
	for (i = 0; i < p->n_series; i++) {
		const struct bench_dossier_series *s = &p->series[i];
		/* series 0 (truth) in the upper half of the row, the others in the lower half */
		double off = i == 0 ? -0.45 : 0.0;

		set_color(cr, series_color(true, i));
		cairo_set_line_width(cr, 0.5);
		for (j = 0; j < s->n; j++) {
			double x = s->x ? s->x[j] : (double)j;
			double px = r->x + map(&xa, x) * r->w;
			double py = r->y + r->h - map(&ya, s->y[j]) * r->h;

			if (!isfinite(x) || !isfinite(s->y[j]))
				continue;
			cairo_move_to(cr, px, py + off * row);
			cairo_line_to(cr, px, py + (off + 0.45) * row);
		}
		cairo_stroke(cr);
	}
	cairo_restore(cr);
	if (p->n_series > 1)
		legend(cr, layout, r, p->series, p->n_series, true);
}

static void draw_confusion(cairo_t *cr, PangoLayout *layout, const struct bench_dossier_plot *p,
			   const struct rect *r)
{
	const struct bench_dossier_series *s = p->n_series ? &p->series[0] : NULL;
	unsigned k = p->classes, i, j;
	double side, cell, x0, y0;
	char b[32];

	if (!s || k == 0 || s->n != (size_t)k * k)
		return;
	side = fmin(r->w, r->h);
	cell = side / k;
	x0 = r->x + (r->w - side) / 2;
	y0 = r->y;
	for (i = 0; i < k; i++) {
		double row_sum = 0;

		for (j = 0; j < k; j++)
			row_sum += isfinite(s->y[i * k + j]) ? s->y[i * k + j] : 0;
		for (j = 0; j < k; j++) {
			double v = s->y[i * k + j],
			       f = row_sum > 0 && isfinite(v) ? v / row_sum : 0;

			cairo_set_source_rgb(cr, 1 - 0.85 * f, 1 - 0.55 * f, 1 - 0.25 * f);
			cairo_rectangle(cr, x0 + j * cell, y0 + i * cell, cell, cell);
			cairo_fill_preserve(cr);
			cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
			cairo_set_line_width(cr, 0.3);
			cairo_stroke(cr);
			/* counts in the cells while they are legible; the colour tells the rest */
			if (cell < 9 || (v == 0 && cell < 14))
				continue;
			snprintf(b, sizeof(b), "%.0f", v);
			if (f > 0.6)
				cairo_set_source_rgb(cr, 1, 1, 1);
			else
				cairo_set_source_rgb(cr, 0, 0, 0);
			text(cr, layout, b, fmin(8, cell * 0.35), x0 + (j + 0.5) * cell,
			     y0 + (i + 0.5) * cell, 0.5, 0.5);
		}
		/* class numbers: all of them, or every fifth on a large matrix */
		if (k > 12 && i % 5 != 0)
			continue;
		cairo_set_source_rgb(cr, 0, 0, 0);
		snprintf(b, sizeof(b), "%u", i);
		text(cr, layout, b, 6, x0 - 3, y0 + (i + 0.5) * cell, 1, 0.5);
		text(cr, layout, b, 6, x0 + (i + 0.5) * cell, y0 + side + 2, 0.5, 0);
	}
	cairo_set_source_rgb(cr, 0, 0, 0);
	if (p->x_label)
		text(cr, layout, p->x_label, 6.5, x0 + side / 2, y0 + side + 11, 0.5, 0);
	if (p->y_label) {
		cairo_save(cr);
		cairo_translate(cr, x0 - 16, y0 + side / 2);
		cairo_rotate(cr, -M_PI / 2);
		text(cr, layout, p->y_label, 6.5, 0, 0, 0.5, 1);
		cairo_restore(cr);
	}
}

static bool plot_ok(const struct bench_dossier_plot *p)
{
	size_t i, total = 0;

	for (i = 0; i < p->n_series; i++)
		total += p->series[i].n;
	return total > 0;
}

void bench_report_plot_draw(cairo_t *cr, PangoLayout *layout, const struct bench_dossier_plot *p,
			    double x, double y, double w, double h)
{
	struct rect r = { x + 46, y + 4, w - 54, h - 30 };

	cairo_save(cr);
	if (!plot_ok(p)) {
		cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
		cairo_set_line_width(cr, 0.5);
		cairo_rectangle(cr, r.x, r.y, r.w, r.h);
		cairo_stroke(cr);
		text(cr, layout, "no data", 8, r.x + r.w / 2, r.y + r.h / 2, 0.5, 0.5);
		cairo_restore(cr);
		return;
	}
	switch (p->kind) {
	case BENCH_DOSSIER_PLOT_PSD:
		draw_xy(cr, layout, p, &r, true, false);
		break;
	case BENCH_DOSSIER_PLOT_BODE:
		draw_bode(cr, layout, p, &r);
		break;
	case BENCH_DOSSIER_PLOT_HISTOGRAM:
	case BENCH_DOSSIER_PLOT_CHARGE:
		draw_xy(cr, layout, p, &r, false, true);
		break;
	case BENCH_DOSSIER_PLOT_RASTER:
		draw_raster(cr, layout, p, &r);
		break;
	case BENCH_DOSSIER_PLOT_CONFUSION:
		draw_confusion(cr, layout, p, &r);
		break;
	default:
		draw_xy(cr, layout, p, &r, false, false);
		break;
	}
	cairo_restore(cr);
}
