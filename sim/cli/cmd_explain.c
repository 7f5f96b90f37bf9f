/*
 * `elbsim explain DIR [--request ID]` — the decision trace of a run (DIR/trace.csv, written
 * by `elbsim run --trace`) in plain words; analysis/explain does the work.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/explain.h"
#include "sim/cli/commands.h"
#include "sim/diag.h"

static void usage(FILE *f)
{
    fputs("usage: elbsim explain DIR [--request ID]\n"
          "\n"
          "Narrate the decision trace of DIR, a folder written by `elbsim run --trace SEL`:\n"
          "for each traced request (or only request ID), the load balancer node DNS gave it,\n"
          "the listener rule it matched, what the routing algorithm saw and chose (round\n"
          "robin's cursor, least outstanding requests' counts, power of d's samples,\n"
          "weighted random's weights, the NLB/GWLB flow table and hash), the target's queue,\n"
          "the wait and the service, retries, timeouts and the status the client got.\n"
          "  --request ID   only this request (its id in DIR/trace.csv and requests.csv)\n"
          "\n"
          "exit status: 0 ok, 1 DIR or DIR/trace.csv cannot be read, 2 bad input (not a\n"
          "trace, or ID not traced)\n",
          f);
}

static int parse_id(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || errno || s[0] == '-' || v == 0)
        return diag_error(NULL, "explain: --request takes a request id (a whole number >= 1), "
                          "got '%s'", s);
    *out = v;
    return 0;
}

int cmd_explain(int argc, char **argv)
{
    const char *dir = NULL;
    uint64_t id = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return EXIT_OK;
        }
        if (!strcmp(a, "--request") && i + 1 < argc) {
            if (parse_id(argv[++i], &id))
                return EXIT_BAD_INPUT;
        } else if (!strncmp(a, "--request=", 10)) {
            if (parse_id(a + 10, &id))
                return EXIT_BAD_INPUT;
        } else if (a[0] == '-' && a[1]) {
            diag_error(NULL, "explain: unknown or incomplete option '%s'", a);
            usage(stderr);
            return EXIT_BAD_INPUT;
        } else if (dir) {
            diag_error(NULL, "explain: expected one folder, got '%s' and '%s'", dir, a);
            return EXIT_BAD_INPUT;
        } else {
            dir = a;
        }
    }
    if (!dir) {
        usage(stderr);
        return EXIT_BAD_INPUT;
    }
    int rc = explain_narrate(stdout, dir, id);
    if (rc == EXPLAIN_ERR_IO)
        return EXIT_ENV;
    if (rc)
        return EXIT_BAD_INPUT;
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_ENV;
}
