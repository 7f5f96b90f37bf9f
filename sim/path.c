/* path — see path.h.  realpath is XSI. */
#define _XOPEN_SOURCE 700
#include "sim/path.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

char *sim_path_join(const char *dir, const char *file)
{
    if (file[0] == '/' || !dir || !dir[0])
        return xstrdup(file);
    size_t nd = strlen(dir), nf = strlen(file);
    bool slash = dir[nd - 1] == '/';
    char *s = xmalloc(nd + nf + 2);
    memcpy(s, dir, nd);
    if (!slash)
        s[nd++] = '/';
    memcpy(s + nd, file, nf + 1);
    return s;
}

char *sim_path_absolute(const char *dir, const char *file)
{
    char *joined = sim_path_join(dir, file);
    char *abs = realpath(joined, NULL);
    if (!abs)
        return joined;
    free(joined);
    char *own = xstrdup(abs); /* xalloc's heap, whatever realpath used */
    free(abs);
    return own;
}
