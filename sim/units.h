/*
 * units — numbers with units, as scenario files and the command line write them.
 *
 * Every quantity inside elbsim is a double in a base unit: seconds, per second, bytes.
 * Text carries a unit suffix, and this module is the one place that reads and writes it:
 *
 *   duration (SIM_UNIT_SECONDS)  ns, us, ms, s, m, h, d           a bare number is seconds
 *   rate     (SIM_UNIT_RATE)     /s, /m, /h (200/s, 12000/m)      a bare number is per second
 *   size     (SIM_UNIT_BYTES)    B, KB, MB, GB (powers of 1000),  a bare number is bytes
 *                                KiB, MiB, GiB (powers of 1024)
 *   plain    (SIM_UNIT_NONE)     no suffix at all
 *
 * Suffixes are case-sensitive (m is a minute, there is no M), and blanks may surround the
 * text and separate the number from its unit ("40 ms").  Numbers are decimal: an optional
 * sign, digits with an optional fraction, an optional exponent (1.5e3ms).  Hex floats,
 * NaN and infinities are rejected, as is a value that overflows a double after scaling.
 * Decimal scales (ms, KB, ...) are applied by shifting the decimal exponent before
 * conversion, so "40ms" is exactly the double nearest 0.04.
 *
 * The parser reports nothing itself: it returns a sentence saying what was expected, and
 * the caller, who knows where the text came from, reports it through diag.
 * Sign and range (must be > 0, ...) are the caller's business.
 */
#ifndef ELBSIM_SIM_UNITS_H
#define ELBSIM_SIM_UNITS_H

#include <stddef.h>

/* The kind of quantity a text denotes; each has one base unit. */
enum sim_unit {
    SIM_UNIT_NONE,    /* a plain number */
    SIM_UNIT_SECONDS, /* a duration, base unit the second */
    SIM_UNIT_RATE,    /* events per unit time, base unit per second */
    SIM_UNIT_BYTES,   /* a size, base unit the byte */
};

/* Parse s[0..len) (surrounding blanks allowed; s need not be NUL-terminated) as a number
 * with a unit of that kind, and store it in base units in *out.  Returns 0, or -1 with
 * *why set to a static sentence saying what was expected (e.g. "expected a duration: a
 * number with a unit ns, us, ms, s, m, h or d"); *out is then unchanged. */
int sim_units_parse(const char *s, size_t len, enum sim_unit kind, double *out,
                    const char **why);

/* Format v (base units) compactly, choosing the unit that gives the shortest text that
 * sim_units_parse reads back as exactly v: 0.04 s -> "40ms", 200 /s -> "200/s",
 * 60 s -> "1m", 1024 B -> "1KiB".  Zero is written in the base unit ("0s").  Infinite
 * or NaN values are written "inf"/"-inf"/"nan" (which do not parse).  Always
 * NUL-terminates buf (when n > 0), truncating if n is too small; 32 bytes always suffice. */
void sim_units_format(double v, enum sim_unit kind, char *buf, size_t n);

/* Format v for reading in a table: the largest unit in which |v| is at least 1 (up to s
 * for durations, then m, h, d from one minute up; /s for rates; B, KB, MB, GB for sizes),
 * with `decimals` digits after the point: 0.04 s -> "40.00ms", 2.5 s -> "2.50s"; from a
 * billion in that unit up, with an exponent: 1e308 s -> "1.16e+303d".
 * Not meant to round-trip.  Same buffer rules as sim_units_format. */
void sim_units_format_fixed(double v, enum sim_unit kind, int decimals, char *buf, size_t n);

#endif
