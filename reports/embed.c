// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Build helper: turns a file (an XSD) into a C array so the library validates against the
 * schema it was built with, wherever it is installed. Usage: embed IN OUT.c SYMBOL.
 * Writes `const unsigned char SYMBOL[]` (NUL-terminated) and `const unsigned SYMBOL_len`.
 */
#include <stdio.h>

int main(int argc, char **argv)
{
	FILE *in, *out;
	unsigned long n = 0;
	int c;

	if (argc != 4)
		return 64;
	in = fopen(argv[1], "rb");
	if (!in)
		return 2;
	out = fopen(argv[2], "w");
	if (!out) {
		fclose(in);
		return 2;
	}
	fprintf(out, "/* generated from %s by reports/embed.c */\n", argv[1]);
	fprintf(out, "extern const unsigned char %s[];\n", argv[3]);
	fprintf(out, "extern const unsigned %s_len;\n", argv[3]);
	fprintf(out, "const unsigned char %s[] = {\n", argv[3]);
	while ((c = fgetc(in)) != EOF) {
		fprintf(out, "0x%02x,%s", (unsigned)c, (++n % 16) ? "" : "\n");
	}
	fprintf(out, "0x00\n};\nconst unsigned %s_len = %luu;\n", argv[3], n);
	fclose(in);
	return fclose(out) == 0 ? 0 : 2;
}
