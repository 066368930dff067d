// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `bcibench --version`: the bcibench version and build id, and the run-time
 * versions of every linked library (what a dossier's traceability annex needs).
 */
#include <cairo.h>
#include <curl/curl.h>
#include <edflib.h>
#include <fftw3.h>
#include <gpiod.h>
#include <iio.h>
#include <libxml/xmlversion.h>
#include <openssl/crypto.h>
#include <pango/pango.h>
#include <sqlite3.h>
#include <stdio.h>
#include <xmlsec/version.h>

#include "cli/cli.h"
#include "common/version.h"

int bench_cmd_version(int argc, char **argv)
{
	unsigned int iio_major = 0, iio_minor = 0;
	char iio_tag[8] = "";
	int edf = edflib_version();

	(void)argc;
	(void)argv;
	iio_library_get_version(&iio_major, &iio_minor, iio_tag);

	printf("bcibench %s (build %s)\n", BENCH_VERSION, BENCH_BUILD_ID);
	printf("  libiio   %u.%u (%.7s)\n", iio_major, iio_minor, iio_tag);
	printf("  libgpiod %s\n", gpiod_version_string());
	printf("  SQLite   %s\n", sqlite3_libversion());
	printf("  libxml2  %s\n", LIBXML_DOTTED_VERSION);
	printf("  libcurl  %s\n", curl_version_info(CURLVERSION_NOW)->version);
	printf("  xmlsec1  %s\n", XMLSEC_VERSION);
	printf("  OpenSSL  %s\n", OpenSSL_version(OPENSSL_VERSION));
	printf("  FFTW     %s\n", fftw_version);
	printf("  cairo    %s\n", cairo_version_string());
	printf("  pango    %s\n", pango_version_string());
	printf("  EDFlib   %d.%02d\n", edf / 100, edf % 100);
	return BENCH_EXIT_PASS;
}
