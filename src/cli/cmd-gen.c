// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bcibench gen: generate a libsiggen stimulus to a file. BDF+ (.bdf, 24-bit)
 * or EDF+ (.edf, 16-bit) through src/edf with the ground truth as
 * annotations, or raw float32 little-endian interleaved (.f32) with a JSON
 * sidecar (FILE.json). --truth writes every event to CSV. Samples in uV.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/parse.h"
#include "edf/edf-writer.h"
#include "siggen.h"

#define MAX_SETS 64
#define MAX_OUT_SAMPLES (UINT64_C(1) << 34) /* channels x frames: 64 GiB of float */

enum out_kind {
	OUT_BDF,
	OUT_EDF,
	OUT_F32
};

struct gen_opts {
	const char *spec_path, *model, *out, *truth;
	unsigned channels, threads;
	double rate_hz, duration_s, range_uv;
	uint64_t seed;
	bool have_channels, have_rate, have_duration;
	const char *sets[MAX_SETS];
	unsigned n_sets;
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void list_models(void)
{
	size_t i, k;

	for (i = 0; i < siggen_model_count(); i++) {
		const struct siggen_param_info *p;

		printf("%s: %s\n", siggen_model_name(i), siggen_model_doc(i));
		for (k = 0; (p = siggen_model_param(i, k)); k++)
			printf("    %-20s %-6s default %-8g range %g..%g  %s\n", p->name, p->unit,
			       p->def, p->min, p->max, p->doc);
	}
}

static int parse_args(const struct bench_cli_command *cmd, int argc, char **argv,
		      struct gen_opts *o, bool *ret_list)
{
	int i;

	*o = (struct gen_opts){
		.channels = 8, .rate_hz = 1000, .duration_s = 10, .seed = 1, .threads = 1
	};
	*ret_list = false;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int64_t n;

		if (strcmp(a, "--list-models") == 0) {
			*ret_list = true;
			continue;
		}
		if (!v)
			return bench_cli_usage_error(cmd, "'%s' needs a value (or is unknown)", a);
		i++;
		if (strcmp(a, "--spec") == 0) {
			o->spec_path = v;
		} else if (strcmp(a, "--model") == 0) {
			o->model = v;
		} else if (strcmp(a, "--out") == 0) {
			o->out = v;
		} else if (strcmp(a, "--truth") == 0) {
			o->truth = v;
		} else if (strcmp(a, "--channels") == 0) {
			if (bench_parse_i64(v, &n) < 0 || n < 1 || n > SIGGEN_MAX_CHANNELS)
				return bench_cli_usage_error(cmd,
							     "--channels must be 1..%d, not '%s'",
							     SIGGEN_MAX_CHANNELS, v);
			o->channels = (unsigned)n;
			o->have_channels = true;
		} else if (strcmp(a, "--rate") == 0) {
			if (bench_parse_double(v, &o->rate_hz) < 0 || !(o->rate_hz > 0) ||
			    o->rate_hz > SIGGEN_MAX_RATE_HZ)
				return bench_cli_usage_error(
					cmd, "--rate must be in (0, %g] Hz, not '%s'",
					SIGGEN_MAX_RATE_HZ, v);
			o->have_rate = true;
		} else if (strcmp(a, "--duration") == 0) {
			if (bench_parse_double(v, &o->duration_s) < 0 || !(o->duration_s > 0))
				return bench_cli_usage_error(cmd,
							     "--duration must be > 0 s, not '%s'",
							     v);
			o->have_duration = true;
		} else if (strcmp(a, "--threads") == 0) {
			if (bench_parse_i64(v, &n) < 0 || n < 1 || n > SIGGEN_MAX_THREADS)
				return bench_cli_usage_error(cmd,
							     "--threads must be 1..%d, not '%s'",
							     SIGGEN_MAX_THREADS, v);
			o->threads = (unsigned)n;
		} else if (strcmp(a, "--seed") == 0) {
			if (bench_parse_u64(v, &o->seed) < 0)
				return bench_cli_usage_error(
					cmd, "--seed must be an unsigned integer, not '%s'", v);
		} else if (strcmp(a, "--range-uv") == 0) {
			if (bench_parse_double(v, &o->range_uv) < 0 || !(o->range_uv > 0) ||
			    o->range_uv > 1e7)
				return bench_cli_usage_error(
					cmd, "--range-uv must be in (0, 1e7], not '%s'", v);
		} else if (strcmp(a, "--set") == 0) {
			if (o->n_sets == MAX_SETS || !strchr(v, '='))
				return bench_cli_usage_error(cmd,
							     "--set wants NAME=VALUE, not '%s'", v);
			o->sets[o->n_sets++] = v;
		} else {
			return bench_cli_usage_error(cmd, "unknown option '%s'", a);
		}
	}
	if (*ret_list)
		return 0;
	if (!o->spec_path == !o->model)
		return bench_cli_usage_error(cmd,
					     "give exactly one of --spec FILE or --model NAME");
	if (o->spec_path && (o->have_channels || o->have_rate || o->have_duration))
		return bench_cli_usage_error(cmd, "--channels, --rate and --duration come from the "
						  "spec with --spec");
	if (!o->out)
		return bench_cli_usage_error(cmd, "--out FILE is required (.bdf, .edf or .f32)");
	if (!ends_with(o->out, ".bdf") && !ends_with(o->out, ".edf") && !ends_with(o->out, ".f32"))
		return bench_cli_usage_error(cmd, "--out must end in .bdf, .edf or .f32: '%s'",
					     o->out);
	return 0;
}

static int build_spec(const struct bench_cli_command *cmd, const struct gen_opts *o,
		      struct siggen_spec **ret)
{
	struct siggen_spec *spec;
	char err[1024];
	unsigned i;
	int rc;

	if (o->spec_path) {
		rc = siggen_spec_parse_file(o->spec_path, &spec, err, sizeof(err));
		if (rc < 0) {
			bench_cli_error("%s", err[0] ? err : strerror(-rc));
			return rc == -ENOMEM ? BENCH_EXIT_ERROR : BENCH_EXIT_USAGE;
		}
	} else {
		rc = siggen_spec_from_model(o->model, o->channels, o->rate_hz, o->duration_s,
					    &spec);
		if (rc == -ENOENT)
			return bench_cli_usage_error(cmd, "unknown model '%s' (see --list-models)",
						     o->model);
		if (rc < 0)
			return bench_cli_usage_error(cmd,
						     "cannot make %u channels x %g Hz x %g s: %s",
						     o->channels, o->rate_hz, o->duration_s,
						     strerror(-rc));
	}
	for (i = 0; i < o->n_sets; i++) {
		char name[128];
		const char *eq = strchr(o->sets[i], '=');
		size_t len = (size_t)(eq - o->sets[i]);
		double v;

		if (len == 0 || len >= sizeof(name) || bench_parse_double(eq + 1, &v) < 0) {
			siggen_spec_free(spec);
			return bench_cli_usage_error(cmd, "--set %s: want NAME=NUMBER", o->sets[i]);
		}
		memcpy(name, o->sets[i], len);
		name[len] = '\0';
		rc = siggen_spec_set_param(spec, name, v);
		if (rc < 0) {
			siggen_spec_free(spec);
			return bench_cli_usage_error(cmd, "--set %s: %s", o->sets[i],
						     rc == -ENOENT ?
							     "no source has this parameter" :
						     rc == -ERANGE ?
							     "value outside the parameter's range" :
							     "bad value");
		}
	}
	if ((double)siggen_spec_channels(spec) * (double)siggen_spec_frames(spec) >
	    (double)MAX_OUT_SAMPLES) {
		siggen_spec_free(spec);
		return bench_cli_usage_error(cmd, "absurd size: more than %" PRIu64 " samples",
					     MAX_OUT_SAMPLES);
	}
	*ret = spec;
	return BENCH_EXIT_PASS;
}

static int write_truth_csv(FILE *f, const struct siggen_event *ev, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fprintf(f, "%s,%d,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%d,%u,%.4f,%.6g\n",
			    siggen_event_type_name(ev[i].type), ev[i].channel, ev[i].start,
			    ev[i].end, ev[i].peak, ev[i].label, ev[i].source,
			    (double)ev[i].amplitude_uv, (double)ev[i].value) < 0)
			return -EIO;
	return 0;
}

static int write_sidecar(const char *out, struct siggen *g, uint64_t seed)
{
	char path[4096];
	unsigned c;
	FILE *f;
	int bad;

	snprintf(path, sizeof(path), "%s.json", out);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f,
		"{\n  \"format\": \"float32le\",\n  \"layout\": \"interleaved\",\n"
		"  \"unit\": \"uV\",\n  \"channels\": %u,\n  \"rate_hz\": %.17g,\n"
		"  \"frames\": %" PRIu64 ",\n  \"seed\": %" PRIu64 ",\n  \"channel_names\": [",
		siggen_channels(g), siggen_rate_hz(g), siggen_total_frames(g), seed);
	for (c = 0; c < siggen_channels(g); c++)
		fprintf(f, "%s\"%s\"", c ? ", " : "", siggen_channel_name(g, c));
	fputs("]\n}\n", f);
	bad = ferror(f);
	if (fclose(f) != 0 || bad)
		return -EIO;
	return 0;
}

static bool many_events(const struct siggen_spec *spec)
{
	unsigned i;

	for (i = 0; i < siggen_spec_sources(spec); i++) {
		const char *m = siggen_spec_source_model(spec, i);

		if (!strcmp(m, "spikes") || !strcmp(m, "stim") || !strcmp(m, "impulse") ||
		    !strcmp(m, "stim_artifact"))
			return true;
	}
	return false;
}

static int generate(const struct gen_opts *o, const struct siggen_spec *spec, struct siggen *g)
{
	enum out_kind kind = ends_with(o->out, ".bdf") ? OUT_BDF :
			     ends_with(o->out, ".edf") ? OUT_EDF :
							 OUT_F32;
	unsigned ch = siggen_channels(g), c;
	size_t block = 4096, n_ev;
	struct bench_edf_writer *w = NULL;
	FILE *raw = NULL, *csv = NULL;
	uint64_t lost = 0, n_events = 0;
	float *buf = NULL;
	int rc = 0, exit_code = BENCH_EXIT_ERROR;

	while (block > 64 && (size_t)ch * block > (1u << 20))
		block /= 2;
	buf = malloc((size_t)ch * block * sizeof(float));
	if (!buf) {
		bench_cli_error("out of memory");
		return BENCH_EXIT_ERROR;
	}
	if (kind == OUT_F32) {
		raw = fopen(o->out, "wb");
		if (!raw) {
			bench_cli_error("%s: %s", o->out, strerror(errno));
			goto out;
		}
	} else {
		struct bench_edf_writer_opts wo = {
			.annotations_per_record = many_events(spec) ? 64 : 8,
			.equipment = "bcibench gen (libsiggen)",
		};
		double range = o->range_uv > 0 ? o->range_uv : siggen_suggested_range_uv(g);
		const char **labels = calloc(ch, sizeof(*labels));
		double *lo = calloc(ch, sizeof(double)), *hi = calloc(ch, sizeof(double));

		if (ch > BENCH_EDF_MAX_CHANNELS) {
			bench_cli_error("%s holds at most %d channels, not %u; use .f32",
					kind == OUT_BDF ? "BDF+" : "EDF+", BENCH_EDF_MAX_CHANNELS,
					ch);
			free(labels);
			free(lo);
			free(hi);
			exit_code = BENCH_EXIT_USAGE;
			goto out;
		}
		rc = labels && lo && hi ? 0 : -ENOMEM;
		for (c = 0; rc == 0 && c < ch; c++) {
			labels[c] = siggen_channel_name(g, c);
			lo[c] = -range;
			hi[c] = range;
		}
		if (rc == 0)
			rc = bench_edf_writer_open(o->out,
						   kind == OUT_BDF ? BENCH_EDF_FORMAT_BDFPLUS :
								     BENCH_EDF_FORMAT_EDFPLUS,
						   ch, siggen_rate_hz(g), labels, lo, hi, &wo, &w);
		free(labels);
		free(lo);
		free(hi);
		if (rc < 0) {
			bench_cli_error("%s: cannot write %s: %s", o->out,
					kind == OUT_BDF ? "BDF+" : "EDF+", strerror(-rc));
			if (rc == -EINVAL)
				exit_code = BENCH_EXIT_USAGE; /* e.g. a rate with no whole record */
			goto out;
		}
	}
	if (o->truth) {
		csv = fopen(o->truth, "w");
		if (!csv) {
			bench_cli_error("%s: %s", o->truth, strerror(errno));
			goto out;
		}
		fputs("type,channel,start,end,peak,label,source,amplitude_uv,value\n", csv);
	}
	for (;;) {
		int64_t got = siggen_read(g, buf, block,
					  raw ? SIGGEN_LAYOUT_INTERLEAVED : SIGGEN_LAYOUT_PLANAR);
		const struct siggen_event *ev;
		size_t i;

		if (got < 0) {
			bench_cli_error("generator: %s", strerror((int)-got));
			goto out;
		}
		if (got == 0)
			break;
		if (raw) {
			if (fwrite(buf, sizeof(float) * ch, (size_t)got, raw) != (size_t)got) {
				bench_cli_error("%s: write failed", o->out);
				goto out;
			}
		} else {
			rc = bench_edf_writer_write(w, buf, (size_t)got, BENCH_EDF_LAYOUT_PLANAR);
			if (rc < 0) {
				bench_cli_error("%s: write failed: %s", o->out, strerror(-rc));
				goto out;
			}
		}
		ev = siggen_truth(g, &n_ev);
		if (csv && write_truth_csv(csv, ev, n_ev) < 0) {
			bench_cli_error("%s: write failed", o->truth);
			goto out;
		}
		for (i = 0; w && i < n_ev; i++) {
			char text[64];

			siggen_event_format(&ev[i], text, sizeof(text));
			rc = bench_edf_writer_annotate_samples(w, ev[i].start,
							       (int64_t)(ev[i].end - ev[i].start),
							       text);
			if (rc < 0) {
				bench_cli_error("annotations: %s", strerror(-rc));
				goto out;
			}
		}
		n_events += n_ev;
		siggen_truth_drop(g, n_ev);
	}
	if (raw && write_sidecar(o->out, g, o->seed) < 0) {
		bench_cli_error("%s.json: cannot write the sidecar", o->out);
		goto out;
	}
	exit_code = BENCH_EXIT_PASS;
out:
	if (w) {
		uint64_t clipped = bench_edf_writer_clipped(w);

		rc = bench_edf_writer_close(w, &lost);
		if (rc == -ENOSPC)
			fprintf(stderr,
				"bcibench gen: warning: %" PRIu64 " of %" PRIu64
				" events did not fit in the EDF annotations (--truth has them all)\n",
				lost, n_events);
		else if (rc < 0 && exit_code == BENCH_EXIT_PASS) {
			bench_cli_error("%s: %s", o->out, strerror(-rc));
			exit_code = BENCH_EXIT_ERROR;
		}
		if (clipped)
			fprintf(stderr,
				"bcibench gen: warning: %" PRIu64 " samples clipped to the "
				"physical range (use --range-uv)\n",
				clipped);
	}
	if (raw && fclose(raw) != 0 && exit_code == BENCH_EXIT_PASS) {
		bench_cli_error("%s: write failed", o->out);
		exit_code = BENCH_EXIT_ERROR;
	}
	if (csv && fclose(csv) != 0 && exit_code == BENCH_EXIT_PASS) {
		bench_cli_error("%s: write failed", o->truth);
		exit_code = BENCH_EXIT_ERROR;
	}
	free(buf);
	return exit_code;
}

int bench_cmd_gen(int argc, char **argv)
{
	const struct bench_cli_command *cmd = bench_cli_find("gen");
	struct siggen_spec *spec = NULL;
	struct siggen *g = NULL;
	struct gen_opts o;
	bool list;
	int rc;

	rc = parse_args(cmd, argc, argv, &o, &list);
	if (rc != BENCH_EXIT_PASS)
		return rc;
	if (list) {
		list_models();
		return BENCH_EXIT_PASS;
	}
	rc = build_spec(cmd, &o, &spec);
	if (rc != BENCH_EXIT_PASS)
		return rc;
	rc = siggen_open2(spec, o.seed, &(struct siggen_opts){ .threads = o.threads }, &g);
	if (rc < 0) {
		siggen_spec_free(spec);
		bench_cli_error("cannot start the generator: %s", strerror(-rc));
		return bench_cli_exit_from_errno(rc);
	}
	rc = generate(&o, spec, g);
	siggen_spec_free(spec);
	siggen_close(g);
	return rc;
}
