/* Fuzz the forecast history CSV reader (both layouts). */
#include <stdlib.h>
#include <unistd.h>

#include "models/forecast/forecast.h"
#include "sim/diag.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *path = fuzz_file(data, size, ".csv");
    if (!path)
        return 0;
    struct forecast_history h;
    if (forecast_history_read(path, "run.run.requests", FORECAST_AGG_SUM, &h) == 0)
        forecast_history_fini(&h);
    diag_reset();
    unlink(path);
    free(path);
    return 0;
}
