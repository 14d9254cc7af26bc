/*
 * libFuzzer harnesses (make fuzz) and their replay in make check. Each harness
 * defines LLVMFuzzerTestOneInput and fuzz_seeds: glob patterns, relative to the
 * source tree, of the files that seed its corpus; fuzz/corpus/<harness>/ holds
 * the inputs that once crashed it, replayed by make check as regression tests.
 */
#ifndef AICOST_FUZZ_H
#define AICOST_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Once, before the first input, when a harness has it (libFuzzer calls it too). */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

extern const char *const fuzz_seeds[];

struct db;
/* A store in memory, seeded from pricing/ once: what the CSV importers write to. */
struct db *fuzz_store(void);
/* DATA written to a private temporary file (the importers read paths); its path. */
const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix);
/* Runs IMPORT on DATA as a file, inside a transaction that is then rolled back, so
 * that every input meets the same seeded store. */
void fuzz_import(const uint8_t *data, size_t size,
		 int (*import)(struct db *db, const char *path, const uint8_t *data, size_t size));

#endif
