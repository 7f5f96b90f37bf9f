#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/xalloc.h"

char *fuzz_string(const uint8_t *data, size_t size)
{
    char *s = xmalloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

char *fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    size_t n = strlen(dir) + strlen(suffix) + 32;
    char *path = xmalloc(n);
    snprintf(path, n, "%s/elbsim-fuzz-%ld%s", dir, (long)getpid(), suffix);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f)) {
        free(path);
        return NULL;
    }
    return path;
}
