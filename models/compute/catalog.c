#include "models/compute/catalog.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/text.h"

#define C5_NOTE "compute optimised, 2 GB per vCPU; speed 1.0 (reference, up to 3.6 GHz)"
#define M5_NOTE "general purpose, 4 GB per vCPU; speed 0.9 (3.1 GHz all-core, elbsim's estimate)"
#define R5_NOTE "memory optimised, 8 GB per vCPU; speed 0.9 (3.1 GHz all-core, elbsim's estimate)"
#define T3_NOTE "burstable; CPU credits not modelled (always full speed); speed 0.9"

/* Prices: the large size from AWS.md §8 (r5.large and the t3 row from the same public price
 * list), every other size the linear multiple, written out so the table reads as AWS's. */
const struct catalog_instance catalog_instances[] = {
    {"c5.large", 2, 4, 0.085, 1.0, C5_NOTE},
    {"c5.xlarge", 4, 8, 0.17, 1.0, C5_NOTE},
    {"c5.2xlarge", 8, 16, 0.34, 1.0, C5_NOTE},
    {"c5.4xlarge", 16, 32, 0.68, 1.0, C5_NOTE},
    {"c5.9xlarge", 36, 72, 1.53, 1.0, C5_NOTE},
    {"c5.12xlarge", 48, 96, 2.04, 1.0, C5_NOTE},
    {"c5.18xlarge", 72, 144, 3.06, 1.0, C5_NOTE},
    {"c5.24xlarge", 96, 192, 4.08, 1.0, C5_NOTE},

    {"m5.large", 2, 8, 0.096, 0.9, M5_NOTE},
    {"m5.xlarge", 4, 16, 0.192, 0.9, M5_NOTE},
    {"m5.2xlarge", 8, 32, 0.384, 0.9, M5_NOTE},
    {"m5.4xlarge", 16, 64, 0.768, 0.9, M5_NOTE},
    {"m5.8xlarge", 32, 128, 1.536, 0.9, M5_NOTE},
    {"m5.12xlarge", 48, 192, 2.304, 0.9, M5_NOTE},
    {"m5.16xlarge", 64, 256, 3.072, 0.9, M5_NOTE},
    {"m5.24xlarge", 96, 384, 4.608, 0.9, M5_NOTE},

    {"r5.large", 2, 16, 0.126, 0.9, R5_NOTE},
    {"r5.xlarge", 4, 32, 0.252, 0.9, R5_NOTE},
    {"r5.2xlarge", 8, 64, 0.504, 0.9, R5_NOTE},
    {"r5.4xlarge", 16, 128, 1.008, 0.9, R5_NOTE},
    {"r5.8xlarge", 32, 256, 2.016, 0.9, R5_NOTE},
    {"r5.12xlarge", 48, 384, 3.024, 0.9, R5_NOTE},
    {"r5.16xlarge", 64, 512, 4.032, 0.9, R5_NOTE},
    {"r5.24xlarge", 96, 768, 6.048, 0.9, R5_NOTE},

    {"t3.nano", 2, 0.5, 0.0052, 0.9, T3_NOTE},
    {"t3.micro", 2, 1, 0.0104, 0.9, T3_NOTE},
    {"t3.small", 2, 2, 0.0208, 0.9, T3_NOTE},
    {"t3.medium", 2, 4, 0.0416, 0.9, T3_NOTE},
    {"t3.large", 2, 8, 0.0832, 0.9, T3_NOTE},
    {"t3.xlarge", 4, 16, 0.1664, 0.9, T3_NOTE},
    {"t3.2xlarge", 8, 32, 0.3328, 0.9, T3_NOTE},

    {NULL, 0, 0, 0, 0, NULL},
};

const struct catalog_instance *catalog_find(const char *name)
{
    if (!name)
        return NULL;
    for (const struct catalog_instance *ci = catalog_instances; ci->name; ci++)
        if (!strcmp(ci->name, name))
            return ci;
    return NULL;
}

/* One row of the Fargate Linux size table (AWS.md §8): memory from min to max GB in steps
 * of step GB.  0.25 vCPU is the one row that is not an even ladder (0.5, 1, 2 GB). */
struct fargate_row {
    double vcpu;
    double min_gb, max_gb, step_gb;
};

static const struct fargate_row fargate_rows[] = {
    {0.25, 0.5, 2, 0},  /* special: 0.5, 1, 2 */
    {0.5, 1, 4, 1},
    {1, 2, 8, 1},
    {2, 4, 16, 1},
    {4, 8, 30, 1},
    {8, 16, 60, 4},
    {16, 32, 120, 8},
};

static const double fargate_quarter_gb[] = {0.5, 1, 2};

#define NROWS (sizeof fargate_rows / sizeof fargate_rows[0])
#define FARGATE_EPS 1e-6

static bool near(double a, double b)
{
    return fabs(a - b) <= FARGATE_EPS * fmax(1.0, fabs(b));
}

static const struct fargate_row *fargate_row_for(double vcpu)
{
    for (size_t i = 0; i < NROWS; i++)
        if (near(vcpu, fargate_rows[i].vcpu))
            return &fargate_rows[i];
    return NULL;
}

bool catalog_fargate_is_valid(double vcpu, double memory_gb)
{
    const struct fargate_row *row = fargate_row_for(vcpu);
    if (!row || !isfinite(memory_gb))
        return false;
    if (row->step_gb == 0) {
        for (size_t i = 0; i < sizeof fargate_quarter_gb / sizeof fargate_quarter_gb[0]; i++)
            if (near(memory_gb, fargate_quarter_gb[i]))
                return true;
        return false;
    }
    if (memory_gb < row->min_gb - FARGATE_EPS || memory_gb > row->max_gb + FARGATE_EPS)
        return false;
    double k = (memory_gb - row->min_gb) / row->step_gb;
    return near(k, round(k));
}

double catalog_fargate_price_per_hour(double vcpu, double memory_gb)
{
    return 0.04048 * vcpu + 0.004445 * memory_gb;
}


void catalog_fargate_valid_memory(double vcpu, char *buf, size_t n)
{
    if (n == 0)
        return;
    buf[0] = '\0';
    size_t used = 0;
    const struct fargate_row *row = fargate_row_for(vcpu);
    if (!row) {
        text_appendf(buf, n, &used, "none: cpu must be one of");
        for (size_t i = 0; i < NROWS; i++)
            text_appendf(buf, n, &used, i ? ", %g" : " %g", fargate_rows[i].vcpu);
        return;
    }
    if (row->step_gb == 0) {
        for (size_t i = 0; i < sizeof fargate_quarter_gb / sizeof fargate_quarter_gb[0]; i++)
            text_appendf(buf, n, &used, i ? ", %g" : "%g", fargate_quarter_gb[i]);
        text_appendf(buf, n, &used, " GB");
        return;
    }
    int count = (int)lround((row->max_gb - row->min_gb) / row->step_gb) + 1;
    if (count <= 8) {
        /* Short ladders are listed in full: "1, 2, 3, 4 GB". */
        for (int i = 0; i < count; i++)
            text_appendf(buf, n, &used, i ? ", %g" : "%g", row->min_gb + i * row->step_gb);
        text_appendf(buf, n, &used, " GB");
        return;
    }
    text_appendf(buf, n, &used, "%g to %g GB in %g GB steps", row->min_gb, row->max_gb,
                 row->step_gb);
}

double catalog_ran_s(double from_s, double to_s, double now_s)
{
    if (isnan(from_s))
        return 0;
    double end = isnan(to_s) || to_s > now_s ? now_s : to_s;
    return end > from_s ? end - from_s : 0;
}

double catalog_billed_seconds(double run_s, double minimum_s)
{
    if (!(run_s > 0))
        return 0;
    /* Per started second: a run of 61.2 s bills 62 s. */
    return fmax(ceil(run_s), minimum_s);
}
