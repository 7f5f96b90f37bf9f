/*
 * Shared helpers of the libFuzzer harnesses (tests/fuzz/fuzz_*.c, docs/robustness.md):
 * the input as a NUL-terminated string, and the input written to a temporary file for the
 * readers that take a path.  Built only by `make fuzz` / `make fuzz-smoke` with
 * clang -fsanitize=fuzzer,address,undefined.
 */
#ifndef ELBSIM_TESTS_FUZZ_H
#define ELBSIM_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data as a string (caller frees); an inner NUL ends it, as in a file read by the reader. */
char *fuzz_string(const uint8_t *data, size_t size);

/* data written to a fresh file in $TMPDIR (caller unlinks and frees the name); NULL if
 * the file cannot be written. */
char *fuzz_file(const uint8_t *data, size_t size, const char *suffix);

#endif
