/*
 * numfmt — decimal text of numbers without stdio: exactly the bytes glibc's printf writes
 * for "%.10g", for "%.0f" of a whole number and for "%lld" / "%llu", at a fraction of the
 * cost (no format parsing, no locale, no multi-precision division).
 *
 * numfmt_g10 rounds the exact binary value of the double to 10 significant digits, ties to
 * even (what glibc does in the default rounding mode), then follows %g: exponential
 * notation when the rounded value's decimal exponent X is below -4 or at least 10, fixed
 * otherwise; trailing zeros and a trailing '.' removed; the exponent signed and at least two
 * digits.  The digits come from integer arithmetic: |v| = m * 2^e with m < 2^53 times
 * 10^(9 - X) is m * 5^q shifted right (one unsigned __int128 product), or above 10^10
 * m * 2^e divided by 5^p, and the bits shifted or divided away decide the rounding exactly.
 *
 * Coverage of that fast path: zero and every finite |v| in [2^-76, 2^123), about 1.3e-23
 * to 1.06e37 (the powers of five it needs fit in the products).  Outside it (subnormals,
 * tiny and huge magnitudes) numfmt_g10 calls snprintf("%.10g"), so the bytes are the same
 * everywhere; simulation outputs (times, latencies, rates, costs, counts) lie well inside.
 * The text is always '.'-separated: elbsim never calls setlocale.
 *
 * NaN and infinities are not numbers here: callers decide what they mean (csvout writes
 * NaN as an empty field) and passing one is a bug (ELB_ASSERT).  Nothing is allocated;
 * every function writes into the caller's buffer of at least NUMFMT_BUF bytes, adds a
 * terminating NUL and returns the length without it.
 */
#ifndef ELBSIM_SIM_NUMFMT_H
#define ELBSIM_SIM_NUMFMT_H

#include <stddef.h>

/* The buffer size every function needs: any output plus the NUL ("-1.234567891e-308" is 18
 * bytes, "-9223372036854775808" 21), with room for the scratch bytes numfmt_g10 may write
 * after the NUL while it moves digits in fixed-size blocks. */
#define NUMFMT_BUF 32

/* numfmt_g10's fast path: zero and NUMFMT_G10_FAST_MIN <= |v| < NUMFMT_G10_FAST_MAX. */
#define NUMFMT_G10_FAST_MIN 0x1p-76
#define NUMFMT_G10_FAST_MAX 0x1p123

/* The bytes of snprintf(buf, NUMFMT_BUF, "%.10g", v) for a finite v ("-0" for -0.0). */
size_t numfmt_g10(char *buf, double v);

/* The bytes of snprintf(buf, NUMFMT_BUF, "%.0f", v) for a whole v with |v| < 2^53 ("-0"
 * for -0.0); any other v is a bug (ELB_ASSERT). */
size_t numfmt_whole(char *buf, double v);

/* The bytes of "%lld" and "%llu". */
size_t numfmt_int(char *buf, long long v);
size_t numfmt_uint(char *buf, unsigned long long v);

#endif
