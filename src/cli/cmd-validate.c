// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bcibench validate FILE...: validate input files by their root element. Protocols,
 * suites, limits and DUT profiles are checked completely by src/protocol (schema,
 * references, units). Fixtures and stimuli go to src/fixture and libsiggen; a kind whose
 * module has no validator in this build is reported as such (exit 2).
 * Exit: 0 all valid, 64 some file invalid, 2 some file could not be checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/error.h"
#include "fixture/fixture.h"
#include "protocol/protocol.h"
#include "siggen.h"

/*
 * VALIDATOR-DISPATCH: root elements owned by other modules. When a module lands, replace
 * its NULL with its validation function (int fn(const char *path, struct bench_buf *err),
 * errors as "FILE:LINE: message" lines, -EINVAL for an invalid file).
 */
struct other_validator {
	const char *root;
	const char *module;
	int (*validate)(const char *path, struct bench_buf *reterr);
};

static int validate_fixture(const char *path, struct bench_buf *reterr)
{
	struct bench_fixture *fx = NULL;
	struct bench_fixture_error ferr;
	int r;

	r = bench_fixture_load(path, 0, bench_fixture_today_days(), &fx, &ferr);
	bench_fixture_free(fx);
	if (r < 0)
		bench_buf_appendf(reterr, "%s\n", ferr.text);
	return r;
}

static int validate_stimulus(const char *path, struct bench_buf *reterr)
{
	struct siggen_spec *spec = NULL;
	char msg[1024];
	int r;

	msg[0] = '\0';
	r = siggen_spec_parse_file(path, &spec, msg, sizeof(msg));
	siggen_spec_free(spec);
	if (r < 0 && msg[0])
		bench_buf_appendf(reterr, "%s\n", msg);
	return r == -ERANGE ? -EINVAL : r;
}

static const struct other_validator other_validators[] = {
	{ "fixture", "src/fixture", validate_fixture },	 /* schemas/fixture.xsd */
	{ "stimulus", "signal-gen", validate_stimulus }, /* schemas/stimulus.xsd */
	/* VALIDATOR-DISPATCH: src/sim has no public rig-file validator yet. */
	{ "sim-rig", "src/sim", NULL },
};

static const struct bench_cli_command *self(void)
{
	return bench_cli_find("validate");
}

static int validate_one(struct bench_protocol_lib *lib, const char *path)
{
	struct bench_buf err = BENCH_BUF_INIT;
	char *root = NULL;
	size_t i;
	int r, rc = BENCH_EXIT_PASS;

	r = bench_protocol_root_name(path, &err, &root);
	if (r < 0)
		goto report;
	if (bench_protocol_file_kind(root) != BENCH_PROTOCOL_FILE_OTHER) {
		r = bench_protocol_validate_file(lib, path, &err);
		goto report;
	}
	for (i = 0; i < BENCH_ARRAY_SIZE(other_validators); i++) {
		if (strcmp(root, other_validators[i].root) != 0)
			continue;
		if (!other_validators[i].validate) {
			bench_cli_error("%s: <%s> files: validator not in this build (%s)", path,
					root, other_validators[i].module);
			rc = BENCH_EXIT_ERROR;
			goto out;
		}
		r = other_validators[i].validate(path, &err);
		goto report;
	}
	bench_cli_error("%s:1: unknown root element <%s> (expected protocol, suite, limits, "
			"dut-profile, fixture or stimulus)",
			path, root);
	rc = BENCH_EXIT_USAGE;
	goto out;
report:
	if (r < 0) {
		fputs(bench_buf_str(&err), stderr);
		if (err.len == 0)
			bench_cli_error("%s: %s", path, bench_strerror(r));
		rc = r == -EINVAL || r == -ENOENT ? BENCH_EXIT_USAGE : BENCH_EXIT_ERROR;
	} else {
		printf("%s: valid %s\n", path, root);
	}
out:
	free(root);
	bench_buf_free(&err);
	return rc;
}

int bench_cmd_validate(int argc, char **argv)
{
	struct bench_protocol_lib *lib = NULL;
	struct bench_buf err = BENCH_BUF_INIT;
	const char *limits_dir = NULL, *profile = NULL;
	int i, r, rc = BENCH_EXIT_PASS, worst_usage = 0, worst_error = 0, n_files = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--limits-dir") == 0 && i + 1 < argc) {
			limits_dir = argv[++i];
		} else if (strcmp(argv[i], "--dut-profile") == 0 && i + 1 < argc) {
			profile = argv[++i];
		} else {
			return bench_cli_usage_error(self(), "unknown or incomplete option '%s'",
						     argv[i]);
		}
	}
	if (i >= argc)
		return bench_cli_usage_error(self(), "no FILE given");
	r = bench_protocol_lib_new(limits_dir, &lib);
	if (r < 0) {
		bench_cli_error("%s", bench_strerror(r));
		return BENCH_EXIT_ERROR;
	}
	if (profile) {
		r = bench_protocol_lib_set_profile(lib, profile, &err);
		if (r < 0) {
			fputs(bench_buf_str(&err), stderr);
			bench_buf_free(&err);
			bench_protocol_lib_free(lib);
			return bench_cli_exit_from_errno(r);
		}
	}
	for (; i < argc; i++) {
		n_files++;
		r = validate_one(lib, argv[i]);
		worst_usage |= r == BENCH_EXIT_USAGE;
		worst_error |= r == BENCH_EXIT_ERROR;
	}
	if (worst_usage)
		rc = BENCH_EXIT_USAGE;
	else if (worst_error)
		rc = BENCH_EXIT_ERROR;
	bench_buf_free(&err);
	bench_protocol_lib_free(lib);
	(void)n_files;
	return rc;
}
