#include "sim/diag.h"

#include <string.h>

static FILE *diag_out;
static unsigned diag_errors;     /* both kinds */
static unsigned diag_env_errors; /* environment failures among them */

FILE *diag_set_stream(FILE *f)
{
    FILE *old = diag_out ? diag_out : stderr;
    diag_out = f;
    return old;
}

static FILE *out(void)
{
    return diag_out ? diag_out : stderr;
}

unsigned diag_error_count(void)
{
    return diag_errors;
}

unsigned diag_env_error_count(void)
{
    return diag_env_errors;
}

void diag_reset(void)
{
    diag_errors = 0;
    diag_env_errors = 0;
}

static void print_where(const struct loc *loc)
{
    if (loc && loc->file) {
        fprintf(out(), "%s:", loc->file);
        if (loc->line > 0) {
            fprintf(out(), "%d:", loc->line);
            if (loc->col > 0)
                fprintf(out(), "%d:", loc->col);
        }
        fputc(' ', out());
    } else {
        fputs("elbsim: ", out());
    }
}

int diag_verror(const struct loc *loc, const char *fmt, va_list ap)
{
    print_where(loc);
    fputs("error: ", out());
    vfprintf(out(), fmt, ap);
    fputc('\n', out());
    fflush(out());
    diag_errors++;
    return -1;
}

int diag_error(const struct loc *loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_verror(loc, fmt, ap);
    va_end(ap);
    return -1;
}

/* The message at base + offset, then text echoed on one line with [offset, offset+len)
 * underlined. */
static void verror_text(const struct loc *base, const char *text, size_t offset, size_t len,
                        const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static void verror_text(const struct loc *base, const char *text, size_t offset, size_t len,
                        const char *fmt, va_list ap)
{
    struct loc at = {NULL, 0, 0};
    if (base) {
        at = *base;
        if (at.col > 0)
            at.col += (int)offset;
    }
    diag_verror(&at, fmt, ap);

    size_t n = strlen(text);
    if (offset > n)
        offset = n;
    if (len == 0)
        len = 1;
    fputs("    ", out());
    for (size_t i = 0; i < n; i++)
        fputc(text[i] == '\n' || text[i] == '\t' ? ' ' : text[i], out());
    fputs("\n    ", out());
    for (size_t i = 0; i < offset; i++)
        fputc(' ', out());
    fputc('^', out());
    for (size_t i = 1; i < len && offset + i <= n; i++)
        fputc('~', out());
    fputc('\n', out());
    fflush(out());
}

int diag_error_text(const struct loc *base, const char *text, size_t offset, size_t len,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror_text(base, text, offset, len, fmt, ap);
    va_end(ap);
    return -1;
}

int diag_env_error(const struct loc *loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_verror(loc, fmt, ap);
    va_end(ap);
    diag_env_errors++;
    return -1;
}

int diag_env_error_text(const struct loc *base, const char *text, size_t offset, size_t len,
                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror_text(base, text, offset, len, fmt, ap);
    va_end(ap);
    diag_env_errors++;
    return -1;
}

void diag_warning(const struct loc *loc, const char *fmt, ...)
{
    va_list ap;
    print_where(loc);
    fputs("warning: ", out());
    va_start(ap, fmt);
    vfprintf(out(), fmt, ap);
    va_end(ap);
    fputc('\n', out());
}
