#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "sim/xalloc.h"
#include "tests/unit.h"

const char *unit_elbsim(void)
{
    const char *p = getenv("ELBSIM");
    return p && *p ? p : "build/elbsim";
}

int unit_run_capture(const char *cmdline, char **out)
{
    size_t len = strlen(cmdline) + 16;
    char *full = xmalloc(len);
    snprintf(full, len, "%s 2>&1", cmdline);
    FILE *p = popen(full, "r");
    free(full);
    if (!p)
        return -1;
    size_t cap = 4096, n = 0;
    char *buf = xmalloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (cap - n < 2) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
    }
    buf[n] = '\0';
    int st = pclose(p);
    *out = buf;
    if (st == -1 || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}
