#include "sim/numfmt.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sim/xalloc.h"

/* "00" "01" ... "99": two digits per table load. */
static const char pairs[201] = "00010203040506070809101112131415161718192021222324252627282930"
                               "31323334353637383940414243444546474849505152535455565758596061"
                               "62636465666768697071727374757677787980818283848586878889909192"
                               "93949596979899";

/* 5^0 .. 5^27, the powers of five below 2^64. */
static const uint64_t pow5[28] = {
    1u,
    5u,
    25u,
    125u,
    625u,
    3125u,
    15625u,
    78125u,
    390625u,
    1953125u,
    9765625u,
    48828125u,
    244140625u,
    1220703125u,
    6103515625u,
    30517578125u,
    152587890625u,
    762939453125u,
    3814697265625u,
    19073486328125u,
    95367431640625u,
    476837158203125u,
    2384185791015625u,
    11920928955078125u,
    59604644775390625u,
    298023223876953125u,
    1490116119384765625u,
    7450580596923828125u,
};

#define TEN9 1000000000u
#define TEN10 10000000000u

static void put2(char *p, unsigned x)
{
    memcpy(p, pairs + 2 * x, 2);
}

/* Exactly 8 digits of x < 10^8. */
static void put8(char *p, uint32_t x)
{
    uint32_t hi = x / 10000, lo = x % 10000;
    put2(p, hi / 100);
    put2(p + 2, hi % 100);
    put2(p + 4, lo / 100);
    put2(p + 6, lo % 100);
}

/* Number of decimal digits of v (1 for 0): from the bit length, log10 2 ~ 1233 / 4096,
 * corrected by one comparison. */
static unsigned digits10(uint64_t v)
{
    static const uint64_t pow10[20] = {
        1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u,
        1000000000u, 10000000000u, 100000000000u, 1000000000000u, 10000000000000u,
        100000000000000u, 1000000000000000u, 10000000000000000u, 100000000000000000u,
        1000000000000000000u, 10000000000000000000u,
    };
    uint64_t u = v | 1;
    unsigned t = (unsigned)(64 - __builtin_clzll(u)) * 1233 >> 12; /* <= 19 */
    return t + 1 - (u < pow10[t]);
}

size_t numfmt_uint(char *buf, unsigned long long v)
{
    /* Digits go straight to their place, right to left, two per step. */
    unsigned n = digits10(v);
    char *p = buf + n;
    *p = '\0';
    while (v > UINT32_MAX) {
        p -= 2;
        put2(p, (unsigned)(v % 100));
        v /= 100;
    }
    uint32_t x = (uint32_t)v; /* 32-bit divisions from here: cheaper */
    while (x >= 100) {
        p -= 2;
        put2(p, x % 100);
        x /= 100;
    }
    if (x >= 10)
        put2(p - 2, x);
    else
        p[-1] = (char)('0' + x);
    return n;
}

size_t numfmt_int(char *buf, long long v)
{
    if (v >= 0)
        return numfmt_uint(buf, (unsigned long long)v);
    buf[0] = '-';
    return 1 + numfmt_uint(buf + 1, 0ull - (unsigned long long)v); /* LLONG_MIN too */
}

size_t numfmt_whole(char *buf, double v)
{
    ELB_ASSERT(fabs(v) < 0x1p53 && v == (double)(long long)v);
    if (!signbit(v))
        return numfmt_uint(buf, (unsigned long long)v);
    buf[0] = '-';
    return 1 + numfmt_uint(buf + 1, (unsigned long long)-v);
}

/* What the digits cut off weigh: the exact scaled value is d + f with d whole and
 * 0 <= f < 1, known only through these two facts, which are all rounding needs. */
struct frac {
    int half;     /* sign of f - 1/2: -1, 0 (an exact tie) or 1 */
    bool nonzero; /* f > 0 */
};

/* Round d + f (d in [10^9, 2 * 10^10)) to ten digits, ties to even.  A d of eleven digits
 * (the value's decimal exponent was one above the estimate *x) first drops its last
 * digit, which joins f; a carry to 10^10 becomes 10^9 one decade up.  *x follows: the
 * decimal exponent of the result's first digit. */
static uint64_t round10(uint64_t d, struct frac f, int *x)
{
    if (d >= TEN10) {
        unsigned last = (unsigned)(d % 10);
        d /= 10;
        ++*x;
        f.half = last > 5 ? 1 : last < 5 ? -1 : f.nonzero ? 1 : 0;
    }
    if (f.half > 0 || (f.half == 0 && (d & 1))) {
        if (++d == TEN10) {
            d = TEN9;
            ++*x;
        }
    }
    return d;
}

/* %g's layout of the ten digits of d (10^9 <= d < 10^10) times 10^(x - 9), at p in buf.
 * Digits are moved in fixed 16-byte blocks (no length-dependent copy loops); the bytes a
 * block writes past the end are scratch within NUMFMT_BUF, cut off by the NUL. */
static size_t layout(char *buf, char *p, uint64_t d, int x)
{
    char dg[32]; /* the ten digits, then padding read by the block copies */
    put2(dg, (unsigned)(d / 100000000));
    put8(dg + 2, (uint32_t)(d % 100000000));
    memset(dg + 10, '0', sizeof dg - 10);
    int nd = 10; /* significant digits left after dropping trailing zeros (d >= 10^9) */
    while (dg[nd - 1] == '0')
        nd--;
    if (x >= 0 && x < 10) {
        /* ddd.ddd: all ten digits, then the fraction again one place further right. */
        memcpy(p, dg, 16);
        p[x + 1] = '.';
        memcpy(p + x + 2, dg + x + 1, 16);
        p += nd > x + 1 ? nd + 1 : x + 1;
    } else if (x < 0 && x >= -4) {
        memcpy(p, "0.000000", 8); /* "0." and -x - 1 zeros */
        p += 1 - x;
        memcpy(p, dg, 16);
        p += nd;
    } else {
        p[0] = dg[0];
        p[1] = '.';
        memcpy(p + 2, dg + 1, 16);
        p += nd > 1 ? nd + 1 : 1;
        *p++ = 'e';
        *p++ = x < 0 ? '-' : '+';
        unsigned ax = (unsigned)(x < 0 ? -x : x);
        if (ax >= 100) {
            *p++ = (char)('0' + ax / 100);
            ax %= 100;
        }
        put2(p, ax);
        p += 2;
    }
    *p = '\0';
    return (size_t)(p - buf);
}

size_t numfmt_g10(char *buf, double v)
{
    ELB_ASSERT(isfinite(v));
    double a = fabs(v);
    char *p = buf;
    if (a == 0) {
        if (signbit(v))
            *p++ = '-';
        *p++ = '0';
        *p = '\0';
        return (size_t)(p - buf);
    }
    if (!(a >= NUMFMT_G10_FAST_MIN && a < NUMFMT_G10_FAST_MAX))
        return (size_t)snprintf(buf, NUMFMT_BUF, "%.10g", v);
    if (v < 0)
        *p++ = '-';

    /* a = m * 2^e exactly, 2^52 <= m < 2^53 (a is normal here). */
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int bexp = (int)(bits >> 52);
    uint64_t m = (bits & ((1ull << 52) - 1)) | (1ull << 52);
    int e = bexp - 1075;
    /* est = floor(log10(2^e2)) for e2 = floor(log2 a) in [-76, 122] (78913 / 2^18 is
     * log10 2 to 7 digits, exact over that range; the offset keeps the dividend
     * non-negative, so the division floors).  10^est <= a < 2 * 10^(est + 1), so a * 10^(9 - est) lies in
     * [10^9, 2 * 10^10). */
    int e2 = bexp - 1023;
    int est = (e2 * 78913 + 23 * 262144) / 262144 - 23;
    int q = 9 - est; /* in [-27, 32] */

    uint64_t d;
    struct frac f;
    if (q >= 0) {
        /* a * 10^q = m * 5^q * 2^(e + q), and e + q < 0: m * 5^q >= 2^52 while the result
         * is below 2^35.  m * 5^32 < 2^128. */
        unsigned __int128 n = (unsigned __int128)m * pow5[q < 27 ? q : 27];
        if (q > 27)
            n *= pow5[q - 27];
        unsigned sh = (unsigned)(-(e + q)); /* in [18, 98]: n < 2^128, the result >= 2^29 */
        unsigned __int128 one = 1, half = one << (sh - 1), rem = n & ((one << sh) - 1);
        d = (uint64_t)(n >> sh);
        f.half = rem > half ? 1 : rem < half ? -1 : 0;
        f.nonzero = rem != 0;
    } else {
        /* a / 10^p = m * 2^(e - p) / 5^p, p = -q in [1, 27]. */
        int p5 = -q, t = e - p5;
        uint64_t r, den;
        if (t >= 0) {
            /* A whole a >= 10^10: m * 2^t = d * 5^p + r < 2 * 10^10 * 5^27 < 2^98. */
            unsigned __int128 n = (unsigned __int128)m << t;
            den = pow5[p5];
            if (n >> 64) {
                d = (uint64_t)(n / den);
                r = (uint64_t)(n % den);
            } else {
                d = (uint64_t)n / den;
                r = (uint64_t)n % den;
            }
        } else {
            /* den = 5^p * 2^-t is about m / d < 2^53 / 10^9 < 2^24. */
            den = pow5[p5] << -t;
            d = m / den;
            r = m % den;
        }
        /* r < den < 2^63, so 2r does not overflow. */
        f.half = 2 * r > den ? 1 : 2 * r < den ? -1 : 0;
        f.nonzero = r != 0;
    }
    int x = est;
    d = round10(d, f, &x);
    return layout(buf, p, d, x);
}
