#include "analysis/exp_warmup.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"
#include "sim/text.h"
#include "sim/xalloc.h"

double exp_warmup_mser5(const char *dir)
{
    char *path = text_join_path(dir, "timeseries.csv");
    FILE *f = fopen(path, "r");
    free(path);
    if (!f)
        return 0;
    /* Names of workloads and their series; times of the intervals. */
    char **names = NULL;
    double **vals = NULL;
    int nw = 0, nt = 0, cap_t = 0;
    double *times = NULL;
    char line[4096];
    if (!fgets(line, sizeof line, f)) /* header */
        goto out;
    while (fgets(line, sizeof line, f)) {
        /* time_s,scope,name,metric,value; a quoted name (with a comma) is skipped. */
        char *fld[5];
        int k = 0;
        for (char *c = line, *st = line; k < 5; c++)
            if (*c == ',' || *c == '\n' || !*c) {
                bool end = !*c || *c == '\n';
                *c = '\0';
                fld[k++] = st;
                st = c + 1;
                if (end)
                    break;
            }
        if (k < 5)
            continue;
        double t = strtod(fld[0], NULL);
        if (nt == 0 || t != times[nt - 1]) {
            if (nt == cap_t) {
                cap_t = cap_t ? 2 * cap_t : 256;
                times = xrealloc(times, (size_t)cap_t * sizeof *times);
                for (int w = 0; w < nw; w++)
                    vals[w] = xrealloc(vals[w], (size_t)cap_t * sizeof **vals);
            }
            times[nt] = t;
            for (int w = 0; w < nw; w++)
                vals[w][nt] = (double)NAN;
            nt++;
        }
        if (strcmp(fld[1], "workload") || strcmp(fld[3], "latency_mean_s") || !*fld[4])
            continue;
        int w = 0;
        while (w < nw && strcmp(names[w], fld[2]))
            w++;
        if (w == nw) {
            names = xrealloc(names, (size_t)(nw + 1) * sizeof *names);
            vals = xrealloc(vals, (size_t)(nw + 1) * sizeof *vals);
            names[nw] = xstrdup(fld[2]);
            vals[nw] = xmalloc((size_t)cap_t * sizeof **vals);
            for (int i = 0; i < nt; i++)
                vals[nw][i] = (double)NAN;
            nw++;
        }
        vals[w][nt - 1] = strtod(fld[4], NULL);
    }
out:
    fclose(f);
    int trunc = 0;
    for (int w = 0; w < nw; w++) {
        double *x = vals[w], first = (double)NAN;
        for (int i = 0; i < nt && isnan(first); i++)
            first = x[i];
        if (isnan(first))
            continue;
        double last = first;
        for (int i = 0; i < nt; i++)
            x[i] = isnan(x[i]) ? last : (last = x[i]);
        int d = stats_mser5(x, nt);
        if (d > trunc)
            trunc = d;
    }
    double warm = trunc > 0 ? times[trunc - 1] : 0;
    for (int w = 0; w < nw; w++) {
        free(names[w]);
        free(vals[w]);
    }
    free(names);
    free(vals);
    free(times);
    return warm;
}
