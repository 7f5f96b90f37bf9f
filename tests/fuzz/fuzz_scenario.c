/* Fuzz the whole scenario reader (YAML tree, every section, cross-checks). */
#include <stdlib.h>

#include "models/scenario/scenario.h"
#include "sim/diag.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    struct scenario *sc = NULL;
    if (scenario_load_string(text, "fuzz.yaml", NULL, 0, &sc) == 0)
        scenario_free(sc);
    diag_reset();
    free(text);
    return 0;
}
