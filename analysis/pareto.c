#include "analysis/pareto.h"

#include <math.h>
#include <stdlib.h>

#include "sim/xalloc.h"

struct pt {
    double x, y;
    int i;
};

/* By x, then y, then index: a total order, so qsort's instability cannot show. */
static int by_xy(const void *pa, const void *pb)
{
    const struct pt *a = pa, *b = pb;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    if (a->y != b->y)
        return a->y < b->y ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

int pareto_front(const double *x, const double *y, int n, bool *on_front)
{
    struct pt *p = xmalloc((size_t)(n > 0 ? n : 1) * sizeof *p);
    int k = 0;
    for (int i = 0; i < n; i++) {
        on_front[i] = false;
        if (!isnan(x[i]) && !isnan(y[i]))
            p[k++] = (struct pt){x[i], y[i], i};
    }
    qsort(p, (size_t)k, sizeof *p, by_xy);
    /* Walk groups of equal x.  best = the least y among points of smaller x; a group's
     * points with its least y are on the front iff that y is below best. */
    double best = (double)INFINITY;
    int count = 0;
    for (int g = 0; g < k;) {
        int e = g;
        while (e < k && p[e].x == p[g].x)
            e++;
        double ymin = p[g].y; /* sorted by y within the group */
        if (ymin < best) {
            for (int j = g; j < e && p[j].y == ymin; j++) {
                on_front[p[j].i] = true;
                count++;
            }
            best = ymin;
        }
        g = e;
    }
    free(p);
    return count;
}
