#include "sim/diag.h"

#include <stdbool.h>
#include <stdlib.h>
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

static bool word_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (unsigned char)c >= 0x80;
}

/* n, moved back so that a cut at msg[n] does not split a UTF-8 sequence. */
static size_t utf8_cut(const char *msg, size_t n)
{
    while (n > 0 && ((unsigned char)msg[n] & 0xc0) == 0x80)
        n--;
    return n;
}

/* In place: each quoted value ('...', the quote not inside a word) longer than
 * DIAG_QUOTE_MAX keeps its first DIAG_QUOTE_KEEP bytes, then "..." and, after the closing
 * quote, its length.  The result is never longer.  Returns the new length. */
static size_t bound_quotes(char *msg, size_t n)
{
    size_t r = 0, w = 0;
    while (r < n) {
        char c = msg[r];
        bool opens = c == '\'' && (r == 0 || !word_byte(msg[r - 1]));
        size_t close = r + 1;
        if (opens) {
            while (close < n && !(msg[close] == '\'' &&
                                  (close + 1 == n || !word_byte(msg[close + 1]))))
                close++;
        }
        if (!opens || close >= n || close - r - 1 <= DIAG_QUOTE_MAX) {
            msg[w++] = msg[r++];
            continue;
        }
        size_t len = close - r - 1;
        size_t keep = utf8_cut(msg + r + 1, DIAG_QUOTE_KEEP);
        char tail[48];
        int t = snprintf(tail, sizeof tail, "...' (%zu bytes)", len);
        memmove(msg + w, msg + r, 1 + keep);
        w += 1 + keep;
        memcpy(msg + w, tail, (size_t)t);
        w += (size_t)t;
        r = close + 1;
    }
    return w;
}

/* The message, bounded: quoted values cut (bound_quotes), and a message still longer than
 * DIAG_MESSAGE_MAX keeps its start and its end (what was expected). */
static void put_message(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static void put_message(const char *fmt, va_list ap)
{
    char small[512];
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(small, sizeof small, fmt, aq);
    va_end(aq);
    if (n < 0)
        return;
    char *msg = small;
    if ((size_t)n >= sizeof small) {
        msg = malloc((size_t)n + 1);
        if (msg)
            vsnprintf(msg, (size_t)n + 1, fmt, ap);
        else { /* out of memory: what fits, marked as cut */
            msg = small;
            n = (int)sizeof small - 1;
            memcpy(small + n - 3, "...", 3);
        }
    }
    size_t m = bound_quotes(msg, (size_t)n);
    if (m > DIAG_MESSAGE_MAX) {
        size_t head = utf8_cut(msg, DIAG_MESSAGE_MAX * 2 / 3);
        size_t from = utf8_cut(msg, m - DIAG_MESSAGE_MAX / 3);
        fwrite(msg, 1, head, out());
        fprintf(out(), " ... (%zu bytes left out) ... ", from - head);
        fwrite(msg + from, 1, m - from, out());
    } else {
        fwrite(msg, 1, m, out());
    }
    if (msg != small)
        free(msg);
}

int diag_verror(const struct loc *loc, const char *fmt, va_list ap)
{
    print_where(loc);
    fputs("error: ", out());
    put_message(fmt, ap);
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
    /* A long text is echoed around the place: DIAG_ECHO_MAX bytes from a little before it,
     * "..." where text was left out. */
    size_t from = 0, to = n;
    if (n > DIAG_ECHO_MAX) {
        from = utf8_cut(text, offset > DIAG_ECHO_MAX / 4 ? offset - DIAG_ECHO_MAX / 4 : 0);
        to = from + DIAG_ECHO_MAX < n ? utf8_cut(text, from + DIAG_ECHO_MAX) : n;
    }
    fputs(from ? "    ..." : "    ", out());
    for (size_t i = from; i < to; i++)
        fputc(text[i] == '\n' || text[i] == '\t' ? ' ' : text[i], out());
    fputs(to < n ? "...\n    " : "\n    ", out());
    for (size_t i = from ? from - 3 : 0; i < offset; i++)
        fputc(' ', out());
    fputc('^', out());
    for (size_t i = 1; i < len && offset + i <= to; i++)
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
    put_message(fmt, ap);
    va_end(ap);
    fputc('\n', out());
}
