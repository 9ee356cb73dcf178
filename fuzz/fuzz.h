#ifndef CREDAUDIT_FUZZ_H
#define CREDAUDIT_FUZZ_H

/*
 * The shared part of the fuzz targets in fuzz/. Each fuzz_<parser>.c
 * defines LLVMFuzzerTestOneInput(), which libFuzzer calls with one input.
 * The same file linked with replay.c instead of libFuzzer runs the inputs
 * of a directory once, which is how `make check` replays the corpus and
 * the regression inputs with the normal compiler.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Abort with the file, line and the broken property when `cond` is false.
 * libFuzzer reports the abort as a crash and saves the input.
 */
#define fuzz_require(cond, property)                                     \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "%s:%d: property failed: %s (%s)\n", \
				__FILE__, __LINE__, property, #cond);   \
			abort();                                        \
		}                                                       \
	} while (0)

#endif
