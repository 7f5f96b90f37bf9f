/* Fuzz `--set PATH=VALUE` (paths and values) on tests/data/e2e_small.yaml. */
#include <stdlib.h>

#include "models/scenario/scenario.h"
#include "sim/diag.h"
#include "tests/fuzz/fuzz.h"

/* Run from the top of the tree (tests/fuzz/run.sh does). */
static const char base[] = "tests/data/e2e_small.yaml";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *set = fuzz_string(data, size);
    struct scenario *sc = NULL;
    if (scenario_load(base, &set, 1, &sc) == 0)
        scenario_free(sc);
    diag_reset();
    free(set);
    return 0;
}
