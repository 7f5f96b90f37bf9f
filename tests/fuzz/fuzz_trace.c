/* Fuzz the trace CSV and rate-profile CSV readers: the input is the file behind
 * trace(FILE) and diurnal(file=FILE). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "models/traffic/arrivals.h"
#include "sim/diag.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *path = fuzz_file(data, size, ".csv");
    if (!path)
        return 0;
    static const char *const forms[] = {"trace(%s)", "diurnal(file=%s)"};
    for (int i = 0; i < 2; i++) {
        char text[4200];
        snprintf(text, sizeof text, forms[i], path);
        struct arrivals *a = NULL;
        if (arrivals_parse(text, NULL, NULL, &a) == 0)
            arrivals_free(a);
        diag_reset();
    }
    unlink(path);
    free(path);
    return 0;
}
