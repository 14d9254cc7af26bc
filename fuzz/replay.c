/*
 * Replays a harness's seeds and past crashes without libFuzzer: the regression
 * test make check runs (TAP, one line per input). --list prints the inputs only
 * (fuzz/run seeds the corpus with them).
 */
#include "fuzz.h"
#include "util.h"

#include <glob.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	bool list = argc > 1 && strcmp(argv[1], "--list") == 0;
	int n = 0, failed = 0;

	if (!list && LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (size_t p = 0; fuzz_seeds[p]; p++) {
		glob_t g;

		if (glob(fuzz_seeds[p], 0, NULL, &g) != 0)
			continue;
		for (size_t i = 0; i < g.gl_pathc; i++) {
			size_t len;
			char *data;

			if (list) {
				printf("%s\n", g.gl_pathv[i]);
				continue;
			}
			data = read_file(g.gl_pathv[i], &len);
			n++;
			if (!data) {
				printf("not ok %d - %s: %s\n", n, g.gl_pathv[i], error_get());
				failed++;
				continue;
			}
			/* A crash ends the process: the runner counts that as a failure. */
			LLVMFuzzerTestOneInput((const uint8_t *)data, len);
			printf("ok %d - %s %s\n", n, argv[0], g.gl_pathv[i]);
			free(data);
		}
		globfree(&g);
	}
	if (!list)
		printf("1..%d\n", n);
	error_free();
	return failed ? 1 : 0;
}
