#!/usr/bin/env bash
# make mutate: plant small deliberate bugs, one at a time, in a scratch copy of the tree
# (git archive of HEAD), and check that the tests catch each.  A bug is caught when the
# unit tests (without the queueing-theory suite) fail; failing that, the validation suite
# (queueing theory against the binary); failing that, the end-to-end scripts.  The golden
# outputs are deliberately not used: they change with any behaviour, right or wrong, so
# they would catch everything and name nothing.
# Each mutation is an exact text replacement; one whose text is no longer in its file fails
# the script (the list must follow the code).  Prints a table; exit 0 only if every bug was
# caught.  Takes about a minute per mutation on two cores (docs/robustness.md).
# Usage: tests/mutate.sh [NAME...]   (default: all)
set -u
cd "$(dirname "$0")/.."
JOBS=$(nproc 2>/dev/null || echo 2)
SCRATCH=$(mktemp -d /tmp/elbsim-mutate-XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT

# name | file | text | replacement  (\n in text and replacement is a newline, \| a |)
MUTATIONS=(
"engine-same-time-lifo|sim/queue.c|return ((unsigned __int128)ta << 64 \\| ka) < ((unsigned __int128)tb << 64 \\| kb);|return ((unsigned __int128)ta << 64 \\| ~ka) < ((unsigned __int128)tb << 64 \\| ~kb);"
"far-bucket-settles-late|sim/queue.c|    while (q->far_count && (!q->size \|\| far_bucket(q, q->heap[0].tkey) > q->far_done)) {|    while (q->far_count && (!q->size \|\| far_bucket(q, q->heap[0].tkey) > q->far_done + 1)) {"
"side-entry-always-first|sim/queue.c|    return q->side_live &&\n           (q->size == 0 \|\| before(|    return q->side_live &&\n           (q->size != 0 \|\| before("
"far-bucket-takes-current-number|sim/queue.c|    if (a <= q->far_done \|\| a == FAR_NONE)|    if (a < q->far_done \|\| a == FAR_NONE)"
"diurnal-gap-past-segment-kept|models/traffic/arrivals/arrivals_diurnal.c|                t = fmax(t, end);|                t = fmax(c, end);"
"fcfs-becomes-lifo|models/compute/target.c|        rq->next = NULL;\n        if (t->qtail)\n            t->qtail->next = rq;\n        else\n            t->qhead = rq;\n        t->qtail = rq;|        rq->next = t->qhead;\n        t->qhead = rq;\n        if (!t->qtail)\n            t->qtail = rq;"
"round-robin-skips-one|models/elb/routing/routing_rr.c|    return v->eligible[rr->cursor++];|    rr->cursor += 2;\n    return v->eligible[(rr->cursor - 2) % v->n];"
"lor-second-least|models/elb/routing/routing_lor.c|    return l->head[l->min];|    return l->head[l->min + 1] != NIL ? l->head[l->min + 1] : l->head[l->min];"
"power-of-d-most-loaded|models/elb/routing/routing_p2d.c|        if (p->count[m] < best_count) {|        if (best == UINT32_MAX \|\| p->count[m] > best_count) {"
"random-half-the-targets|models/elb/routing/routing_random.c|    return v->eligible[gsl_rng_uniform_int(rng, v->n)];|    return v->eligible[gsl_rng_uniform_int(rng, (v->n + 1) / 2)];"
"weighted-random-ignores-weights|models/elb/routing/routing_wrand.c|    double u = sim_rng_uniform(rng) * cum[w->n - 1];|    double u = sim_rng_uniform(rng) * cum[w->n - 1];\n    if (u >= 0)\n        return w->elig[gsl_rng_uniform_int(rng, w->n)];"
"target-tracking-rounds-down|models/scaling/policy/scaling_target.c|    double c = ceil(x);|    double c = floor(x);"
"step-percent-rounds-to-nearest|models/scaling/policy/scaling_step.c|    int change = (int)trunc(raw);|    int change = (int)round(raw);"
"simple-cooldown-a-minute-short|models/scaling/policy/scaling_simple.c|    if (now_s < g->cooldown_until_s) {|    if (now_s < g->cooldown_until_s - 60) {"
"scheduled-ignores-min|models/scaling/policy/scaling_scheduled.c|    int mn = p->new_min >= 0 ? p->new_min : g->min;|    int mn = g->min;"
"exp-mean-5pct-high|sim/dist.h|        return sim_rng_exponential(r, d->u.exp.mean);|        return sim_rng_exponential(r, 1.05 * d->u.exp.mean);"
"ziggurat-wedge-always-kept|sim/rng.c|    if (f[layer] + sim_rng_uniform(r) * (f[layer - 1] - f[layer]) < exp(-x))|    if (f[layer] + sim_rng_uniform(r) * (f[layer - 1] - f[layer]) < 2 * exp(-x))"
"lognormal-sigma-10pct-low|sim/dist.h|        return gsl_ran_lognormal(r, d->u.lognormal.mu, d->u.lognormal.sigma);|        return gsl_ran_lognormal(r, d->u.lognormal.mu, 0.9 * d->u.lognormal.sigma);"
"slow-start-squared-ramp|models/elb/target_group.c|            acc += (f < 0 ? 0 : f > 1 ? 1 : f) / all;|            acc += (f < 0 ? 0 : f > 1 ? 1 : f * f) / all;"
"healthy-threshold-plus-one|models/elb/target_group.c|m->passes >= g->hc.healthy)|m->passes >= g->hc.healthy + 1)"
"unhealthy-threshold-plus-one|models/elb/target_group.c|m->fails >= g->hc.unhealthy)|m->fails > g->hc.unhealthy)"
"gwlb-return-other-appliance|models/elb/lb.c|    struct node *a = g->members[back].node;|    struct node *a = g->members[(back + 1) % g->nmembers].node;"
"gwlb-symmetry-not-counted|models/elb/lb.c|    if (rq->pass_by->id != rq->pass_fwd[rq->cur_hop])\n        lb->asymmetric++;|    (void)0;"
"gwlb-return-ignores-rebalance|models/elb/lb.c|    uint32_t back = e ? e->member : fwd;|    uint32_t back = e ? fwd : fwd;"
"hpa-scale-down-without-window|models/kube/hpa.c|        if (r->t_s > down_cut && r->n > down)|        if (r->t_s > now_s && r->n > down)"
)

want=("$@")
selected() {
    [ ${#want[@]} -eq 0 ] && return 0
    local w
    for w in "${want[@]}"; do [ "$w" = "$1" ] && return 0; done
    return 1
}

echo "mutate: scratch copy of HEAD in $SCRATCH"
git archive HEAD | tar -x -C "$SCRATCH" || exit 1
build() { make -C "$SCRATCH" -j"$JOBS" -s build/elbsim build/unit_tests >"$SCRATCH/build.log" 2>&1; }
build || { echo "mutate: the unmutated tree does not build"; tail -20 "$SCRATCH/build.log"; exit 1; }

# Which test catches it: echo the first of unit, validation, e2e that fails, or nothing.
catcher() {
    local s=$SCRATCH
    (cd "$s" && ELBSIM=$s/build/elbsim timeout 900 build/unit_tests --skip validation \
        >"$s/unit.log" 2>&1) || { echo unit; return; }
    (cd "$s" && ELBSIM=$s/build/elbsim timeout 900 build/unit_tests validation \
        >"$s/validation.log" 2>&1) || { echo validation; return; }
    (cd "$s" && timeout 900 bash tests/e2e.sh build/elbsim >"$s/e2e.log" 2>&1) ||
        { echo e2e; return; }
}

rows=()
missed=0
for m in "${MUTATIONS[@]}"; do
    IFS='|' read -r name file text repl <<<"${m//\\|/$'\x1f'}"
    text=${text//$'\x1f'/|}
    repl=${repl//$'\x1f'/|}
    selected "$name" || continue
    f=$SCRATCH/$file
    cp "$f" "$f.orig"
    if ! FROM=$(printf '%b' "$text") TO=$(printf '%b' "$repl") \
        perl -0pi -e '$n = s/\Q$ENV{FROM}\E/$ENV{TO}/g; END { exit($n ? 0 : 3) }' "$f"; then
        rows+=("$(printf '%-34s %-44s %s' "$name" "$file" "NOT APPLIED: text not found")")
        missed=$((missed + 1))
        mv "$f.orig" "$f"
        continue
    fi
    start=$(date +%s)
    if ! build; then
        rows+=("$(printf '%-34s %-44s %s' "$name" "$file" "DOES NOT BUILD")")
        missed=$((missed + 1))
    else
        by=$(catcher)
        secs=$(($(date +%s) - start))
        if [ -n "$by" ]; then
            rows+=("$(printf '%-34s %-44s caught by %s (%d s)' "$name" "$file" "$by" "$secs")")
        else
            rows+=("$(printf '%-34s %-44s MISSED (%d s)' "$name" "$file" "$secs")")
            missed=$((missed + 1))
        fi
    fi
    echo "  ${rows[-1]}"
    mv "$f.orig" "$f"
    touch "$f"
done
build >/dev/null 2>&1

echo
printf '%-34s %-44s %s\n' "mutation" "file" "result"
printf '%s\n' "${rows[@]}"
echo
echo "mutate: ${#rows[@]} mutations, $missed not caught"
[ $missed -eq 0 ]
