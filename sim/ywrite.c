#include "sim/ywrite.h"

#include "sim/dist.h"

void ywrite_quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void ywrite_dist(FILE *f, const struct sim_dist *d)
{
    char buf[1024];
    sim_dist_format(d, buf, sizeof buf);
    ywrite_quoted(f, buf);
}

void ywrite_unit(FILE *f, double v, enum sim_unit u)
{
    char buf[64];
    sim_units_format(v, u, buf, sizeof buf);
    fputs(buf, f);
}
