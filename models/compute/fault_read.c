/* Reading, writing back and freeing a `faults:` entry (models/compute/fault_cfg.h). */
#include "models/compute/fault_cfg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/cfg_read.h"
#include "sim/xalloc.h"
#include "sim/yread.h"
#include "sim/ytree.h"
#include "sim/ywrite.h"

static const char *const fault_keys[] = {"at", "target", "zone", "kind", "duration", NULL};

/* kind text: crash, hang, outage, slow(factor=F), errors(rate=R). */
static void read_fault_kind(struct cfg_read *r, const struct ytree *v, struct sc_fault *f)
{
    const char *t = v->text;
    int used = 0;
    char buf[64];
    f->factor = 1;
    if (!strcmp(t, "crash"))
        f->kind = TARGET_FAULT_CRASH;
    else if (!strcmp(t, "hang"))
        f->kind = TARGET_FAULT_HANG;
    else if (!strcmp(t, "outage")) {
        f->kind = TARGET_FAULT_CRASH;
        f->outage = true;
    } else if (!strncmp(t, "slow", 4)) {
        f->kind = TARGET_FAULT_SLOW;
        f->factor = 4;
        if (t[4] && (sscanf(t, "slow ( factor = %lf ) %n", &f->factor, &used) < 1 || t[used] ||
                     !(f->factor > 0) || !isfinite(f->factor)))
            yread_error(&r->y, &v->loc,
                        "cannot read fault kind '%s'; expected slow(factor=F) with F > 0", t);
    } else if (!strncmp(t, "errors", 6)) {
        f->kind = TARGET_FAULT_ERRORS;
        f->rate = 1;
        if (t[6] && (sscanf(t, "errors ( rate = %lf ) %n", &f->rate, &used) < 1 || t[used] ||
                     !(f->rate >= 0 && f->rate <= 1)))
            yread_error(&r->y, &v->loc,
                        "cannot read fault kind '%s'; expected errors(rate=R) with R "
                        "from 0 to 1",
                        t);
    } else {
        yread_error(&r->y, &v->loc,
                    "unknown fault kind '%s'; expected one of: crash, hang, "
                    "slow(factor=F), errors(rate=R), outage",
                    t);
        return;
    }
    if (f->kind == TARGET_FAULT_SLOW)
        snprintf(buf, sizeof buf, "slow(factor=%.10g)", f->factor);
    else if (f->kind == TARGET_FAULT_ERRORS)
        snprintf(buf, sizeof buf, "errors(rate=%.10g)", f->rate);
    else
        snprintf(buf, sizeof buf, "%s", f->outage ? "outage" : t);
    f->kind_text = xstrdup(buf);
}

int fault_cfg_read(struct cfg_read *r, const struct ytree *m, struct sc_fault *f)
{
    f->zone = -1;
    if (m->kind != YTREE_MAP)
        return yread_error(&r->y, &m->loc,
                           "each fault must be a mapping, e.g. { at: 5m, target: web/2, "
                           "kind: crash }");
    if (yread_keys(&r->y, m, "a fault", fault_keys))
        return -1;
    if (yread_require(&r->y, m, "at", "a fault") || yread_require(&r->y, m, "kind", "a fault"))
        return -1;
    int errors = r->y.errors;
    yread_zero_or_more(&r->y, m, "at", SIM_UNIT_SECONDS, &f->at_s);
    yread_positive(&r->y, m, "duration", SIM_UNIT_SECONDS, &f->duration_s);
    const struct ytree *k = yread_scalar(&r->y, ytree_get(m, "kind"), "kind");
    if (!k)
        return -1;
    read_fault_kind(r, k, f);
    const struct ytree *tv = ytree_get(m, "target"), *zv = ytree_get(m, "zone");
    if (f->outage) {
        if (tv || !zv) {
            yread_error(&r->y, tv ? ytree_key_loc(m, "target") : &m->loc,
                        "an outage takes a zone (zone: b), not a target");
        } else if (yread_scalar(&r->y, zv, "zone")) {
            f->zone_name = xstrdup(zv->text);
            f->loc = zv->loc;
            f->loc.file = r->file;
        }
    } else if (zv || !tv) {
        yread_error(&r->y, zv ? ytree_key_loc(m, "zone") : &m->loc,
                    "a %s fault takes a target (target: GROUP/N); a zone takes kind: outage",
                    k->text);
    } else if (yread_scalar(&r->y, tv, "target")) {
        f->target = xstrdup(tv->text);
        f->loc = tv->loc;
        f->loc.file = r->file;
    }
    return r->y.errors > errors ? -1 : 0;
}

void fault_cfg_write(const struct sc_fault *ft, FILE *f)
{
    fputs("  - { at: ", f);
    ywrite_unit(f, ft->at_s, SIM_UNIT_SECONDS);
    fputs(ft->outage ? ", zone: " : ", target: ", f);
    ywrite_quoted(f, ft->outage ? ft->zone_name : ft->target);
    fputs(", kind: ", f);
    ywrite_quoted(f, ft->kind_text);
    if (ft->duration_s > 0) {
        fputs(", duration: ", f);
        ywrite_unit(f, ft->duration_s, SIM_UNIT_SECONDS);
    }
    fputs(" }\n", f);
}

void fault_cfg_fini(struct sc_fault *ft)
{
    free(ft->kind_text);
    free(ft->target);
    free(ft->zone_name);
}
