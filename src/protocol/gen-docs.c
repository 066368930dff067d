// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * protocol-docs: writes docs/protocols.md from the protocol library (every
 * protocols/<family>/<id>.xml, families and files in name order) to stdout.
 * Usage: protocol-docs [LIBRARY_DIR]. Exit 0, or 1 if a protocol does not load.
 * `ninja -C build protocol-docs-update` rewrites docs/protocols.md; the unit test
 * test-protocol-docs fails when the committed page differs from the output.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "protocol/protocol.h"

static int xml_or_dir(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int main(int argc, char **argv)
{
	const char *root = argc > 1 ? argv[1] : bench_protocol_library_dir();
	struct bench_protocol_lib *lib = NULL;
	struct bench_buf out = BENCH_BUF_INIT, err = BENCH_BUF_INIT, path = BENCH_BUF_INIT;
	struct dirent **fams = NULL;
	int n_fams, i, j, status = 0;

	if (bench_protocol_lib_new(NULL, &lib) < 0)
		return 1;
	bench_buf_append_str(
		&out,
		"# Protocols\n\n"
		"The standard protocol library, one section per protocol, generated from\n"
		"`protocols/<family>/<id>.xml` by `src/protocol/gen-docs.c` (`ninja -C build\n"
		"protocol-docs-update`); a unit test fails when this page and the XML\n"
		"disagree. Limits come from `protocols/limits/<set>.xml`; the evidence tag\n"
		"is that of `test-catalogue.md`: S stated in a public source, S* secondary\n"
		"source, E estimate (check against the purchased standard before it goes\n"
		"into a dossier), claim a DUT datasheet claim from `fixtures/duts/`.\n\n");
	n_fams = scandir(root, &fams, xml_or_dir, alphasort);
	if (n_fams < 0) {
		fprintf(stderr, "protocol-docs: cannot read %s\n", root);
		bench_protocol_lib_free(lib);
		return 1;
	}
	for (i = 0; i < n_fams; i++) {
		struct dirent **files = NULL;
		int n_files;

		if (strcmp(fams[i]->d_name, "limits") == 0 ||
		    strcmp(fams[i]->d_name, "suites") == 0)
			goto next_family;
		bench_buf_clear(&path);
		bench_buf_appendf(&path, "%s/%s", root, fams[i]->d_name);
		n_files = scandir(bench_buf_str(&path), &files, xml_or_dir, alphasort);
		for (j = 0; j < n_files; j++) {
			struct bench_protocol *p = NULL;
			size_t len = strlen(files[j]->d_name);

			if (len > 4 && strcmp(files[j]->d_name + len - 4, ".xml") == 0) {
				bench_buf_clear(&path);
				bench_buf_appendf(&path, "%s/%s/%s", root, fams[i]->d_name,
						  files[j]->d_name);
				if (bench_protocol_load(lib, bench_buf_str(&path), NULL, 0, &err,
							&p) < 0)
					status = 1;
				else
					bench_protocol_render_markdown(p, &out);
				bench_protocol_free(p);
			}
			free(files[j]);
		}
		free(files);
	next_family:
		free(fams[i]);
	}
	free(fams);
	if (status)
		fputs(bench_buf_str(&err), stderr);
	else
		fputs(bench_buf_str(&out), stdout);
	bench_buf_free(&out);
	bench_buf_free(&err);
	bench_buf_free(&path);
	bench_protocol_lib_free(lib);
	return status;
}
