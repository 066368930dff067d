/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Plots drawn with cairo as vector graphics (axes, ticks, labels as real text through pango),
 * from the series of a struct bench_dossier_plot: time overlays, PSD and Bode on a log
 * frequency axis, histograms, confusion matrices, spike rasters, charge per pulse.
 * Coordinates are PDF points (1/72 inch); long series are thinned to at most one point per
 * 0.25 pt of width.
 */
#ifndef BENCH_REPORTS_PLOT_H
#define BENCH_REPORTS_PLOT_H

#include <cairo.h>
#include <pango/pangocairo.h>

#include "reports/dossier.h"

/**
 * bench_report_plot_draw() - draw @p into the rectangle (@x, @y, @w, @h) of @cr.
 * @cr:     cairo context (state is saved and restored).
 * @layout: pango layout used for tick labels and legends (font family set by the caller).
 * @p:      the plot; an empty or malformed plot draws a framed "no data" box.
 *
 * Never fails: drawing errors end up in the cairo status of @cr.
 */
void bench_report_plot_draw(cairo_t *cr, PangoLayout *layout, const struct bench_dossier_plot *p,
			    double x, double y, double w, double h);

#endif /* BENCH_REPORTS_PLOT_H */
