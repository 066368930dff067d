// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `bcibench upload` against a local HTTP(S) server (upload-server.py on 127.0.0.1, started
 * here and always killed in teardown): success, 500 then success (retry), server down (the
 * outbox keeps the file, a later upload sends it), TLS with an untrusted certificate refused
 * unless --cacert names the test CA, and the bearer token sent but never stored.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"
#include "store/store.h"

extern char **environ;

static char dir[64], srvdir[128], db[128], src_root[512];
static pid_t server = -1;

static int run_cmd(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void stop_server(void)
{
	int st;

	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, &st, 0);
		server = -1;
	}
}

/* Starts the server; returns its port. @fail_first 500s first; @tls uses the test cert. */
static int start_server(int fail_first, bool tls)
{
	char script[600], ff[16], cert[600], key[600], line[32] = "";
	posix_spawn_file_actions_t fa;
	int pfd[2], port = 0;
	ssize_t n;
	size_t got = 0;

	snprintf(script, sizeof(script), "%s/tests/integration/upload-server.py", src_root);
	snprintf(ff, sizeof(ff), "%d", fail_first);
	snprintf(cert, sizeof(cert), "%s/fixtures/keys/test-tls-server.crt", src_root);
	snprintf(key, sizeof(key), "%s/fixtures/keys/test-tls-server.key", src_root);
	char *const argv_plain[] = { "/usr/bin/python3", script, "--dir", srvdir,
				     "--fail-first",	 ff,	 NULL };
	char *const argv_tls[] = { "/usr/bin/python3",
				   script,
				   "--dir",
				   srvdir,
				   "--fail-first",
				   ff,
				   "--tls",
				   cert,
				   key,
				   NULL };

	cr_assert_eq(pipe(pfd), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addclose(&fa, pfd[0]);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	cr_assert_eq(posix_spawn(&server, "/usr/bin/python3", &fa, NULL,
				 tls ? argv_tls : argv_plain, environ),
		     0);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	/* the server prints its port once it listens: no sleeping, no polling */
	while (got < sizeof(line) - 1 && (n = read(pfd[0], line + got, 1)) == 1) {
		if (line[got] == '\n')
			break;
		got++;
	}
	close(pfd[0]);
	line[got] = '\0';
	port = (int)strtol(line, NULL, 10);
	cr_assert_gt(port, 0, "upload server did not start");
	return port;
}

static void setup(void)
{
	const char *s = getenv("BCIBENCH_SOURCE_ROOT");

	snprintf(dir, sizeof(dir), "/tmp/bcibench-upload-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(srvdir, sizeof(srvdir), "%s/srv", dir);
	cr_assert_eq(mkdir(srvdir, 0755), 0);
	snprintf(db, sizeof(db), "%s/results.db", dir);
	snprintf(src_root, sizeof(src_root), "%s", s ? s : ".");
}

static void teardown(void)
{
	char *const argv[] = { "rm", "-rf", dir, NULL };

	stop_server();
	run_cmd(argv);
}

TestSuite(upload, .init = setup, .fini = teardown);

static const char *file_in(const char *d, const char *name)
{
	static char b[4][300];
	static int k;

	k = (k + 1) % 4;
	snprintf(b[k], sizeof(b[k]), "%s/%s", d, name);
	return b[k];
}

static void make_file(const char *name, const char *content)
{
	FILE *f = fopen(file_in(dir, name), "w");

	cr_assert_not_null(f);
	fputs(content, f);
	fclose(f);
}

static bool contains(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return true;
	return false;
}

static char *slurp(const char *path)
{
	struct bench_buf b = BENCH_BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		bench_buf_append(&b, chunk, n);
	fclose(f);
	bench_buf_append(&b, "", 0);
	return bench_buf_steal(&b, NULL);
}

static int cb(void *ctx, const struct bench_store_outbox_row *row)
{
	(void)row;
	(*(int *)ctx)++;
	return 0;
}

static int count_pending(void)
{
	struct bench_store *st;
	int n = 0;

	cr_assert_eq(bench_store_open(db, BENCH_STORE_OPEN_EXISTING, &st), 0);
	cr_assert_eq(bench_store_outbox_pending(st, cb, &n), 0);
	bench_store_close(st);
	return n;
}

static int upload(const char *url, const char *extra1, const char *extra2, const char *file)
{
	const char *bin = getenv("BCIBENCH");
	char *argv[16];
	int n = 0;

	cr_assert_not_null(bin);
	argv[n++] = (char *)bin;
	argv[n++] = "upload";
	argv[n++] = "--db";
	argv[n++] = db;
	argv[n++] = "--url";
	argv[n++] = (char *)url;
	argv[n++] = "--retries";
	argv[n++] = "2";
	argv[n++] = "--retry-delay-ms";
	argv[n++] = "5";
	if (extra1)
		argv[n++] = (char *)extra1;
	if (extra2)
		argv[n++] = (char *)extra2;
	if (file)
		argv[n++] = (char *)file;
	argv[n] = NULL;
	return run_cmd(argv);
}

static void same_content(const char *name, const char *content)
{
	char *got = slurp(file_in(srvdir, name));

	cr_assert_not_null(got, "server did not receive %s", name);
	cr_expect_str_eq(got, content);
	free(got);
}

Test(upload, success_acknowledges_and_empties_the_outbox)
{
	char url[64], *req;
	int port = start_server(0, false);

	make_file("dossier.xml", "<dossier/>\n");
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/upload", port);
	cr_expect_eq(upload(url, NULL, NULL, file_in(dir, "dossier.xml")), 0);
	same_content("dossier.xml", "<dossier/>\n");
	cr_expect_eq(count_pending(), 0);
	req = slurp(file_in(srvdir, "requests"));
	cr_expect_str_eq(req, "1\n");
	free(req);
}

Test(upload, server_error_is_retried_until_success)
{
	char url[64], *req;
	int port = start_server(2, false);

	make_file("report.pdf", "%PDF-1.5 test\n");
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/upload", port);
	cr_expect_eq(upload(url, NULL, NULL, file_in(dir, "report.pdf")), 0);
	same_content("report.pdf", "%PDF-1.5 test\n");
	req = slurp(file_in(srvdir, "requests"));
	cr_expect_str_eq(req, "3\n", "two 500s, then success on the third request");
	free(req);
	cr_expect_eq(count_pending(), 0);
}

Test(upload, outage_keeps_the_file_and_a_later_upload_sends_it)
{
	char url[64];
	int port = start_server(0, false);

	stop_server(); /* the port is now closed: connection refused */
	make_file("junit.xml", "<testsuites/>\n");
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/upload", port);
	cr_expect_eq(upload(url, NULL, NULL, file_in(dir, "junit.xml")), 2);
	cr_expect_eq(count_pending(), 1, "the outbox must keep the file");
	cr_expect_null(slurp(file_in(srvdir, "junit.xml")));

	port = start_server(0, false);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/upload", port);
	cr_expect_eq(upload(url, NULL, NULL, NULL), 0, "a later upload with no files flushes");
	same_content("junit.xml", "<testsuites/>\n");
	cr_expect_eq(count_pending(), 0);
}

Test(upload, untrusted_certificate_is_refused_unless_cacert_given)
{
	char url[64], ca[600];
	int port = start_server(0, true);

	snprintf(ca, sizeof(ca), "%s/fixtures/keys/test-tls-ca.crt", src_root);
	make_file("d.xml", "<signed/>\n");
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/upload", port);
	cr_expect_eq(upload(url, NULL, NULL, file_in(dir, "d.xml")), 2,
		     "verification must be on by default");
	cr_expect_null(slurp(file_in(srvdir, "d.xml")));
	cr_expect_eq(count_pending(), 1);
	cr_expect_eq(upload(url, "--cacert", ca, NULL), 0);
	same_content("d.xml", "<signed/>\n");
	cr_expect_eq(count_pending(), 0);
}

Test(upload, token_is_sent_but_never_stored)
{
	char url[64], *auth, *dbtext;
	int port = start_server(0, false);

	cr_assert_eq(setenv("BCIBENCH_TEST_TOKEN", "s3cr3t-t0ken-value", 1), 0);
	make_file("r.xml", "<r/>\n");
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/upload", port);
	cr_expect_eq(upload(url, "--token-env", "BCIBENCH_TEST_TOKEN", file_in(dir, "r.xml")), 0);
	auth = slurp(file_in(srvdir, "r.xml.auth"));
	cr_assert_not_null(auth);
	cr_expect_str_eq(auth, "Bearer s3cr3t-t0ken-value");
	free(auth);
	dbtext = slurp(db);
	cr_assert_not_null(dbtext);
	{
		struct stat st;

		cr_assert_eq(stat(db, &st), 0);
		cr_expect_not(contains(dbtext, (size_t)st.st_size, "s3cr3t"),
			      "token found in the database");
	}
	free(dbtext);
	{
		char *wal = slurp(file_in(dir, "results.db-wal"));

		if (wal) {
			struct stat st;

			cr_assert_eq(stat(file_in(dir, "results.db-wal"), &st), 0);
			cr_expect_not(contains(wal, (size_t)st.st_size, "s3cr3t"),
				      "token found in the WAL");
			free(wal);
		}
	}
}

Test(upload, unset_token_variable_is_a_usage_error)
{
	unsetenv("BCIBENCH_NO_SUCH_TOKEN");
	make_file("x.xml", "<x/>\n");
	cr_expect_eq(upload("http://127.0.0.1:9/upload", "--token-env", "BCIBENCH_NO_SUCH_TOKEN",
			    file_in(dir, "x.xml")),
		     64);
}
