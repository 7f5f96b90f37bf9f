/* Fuzz the distribution reader (sim/dist.h): text as in `service_time: ...`. */
#include <stdlib.h>

#include "sim/diag.h"
#include "sim/dist.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    struct sim_dist *d = NULL;
    if (sim_dist_parse(text, SIM_UNIT_SECONDS, NULL, "tests/data", &d) == 0)
        sim_dist_free(d);
    diag_reset();
    free(text);
    return 0;
}
