/* Numbers and durations as they appear in emitted files: the shortest decimal that reads back as
 * the intended value, so outputs show 0.0144 and never 0.014400000000000001. */
#ifndef GOOSE_NUMBER_H
#define GOOSE_NUMBER_H

#include "util.h"

/* Appends `value` rounded to 12 significant digits (which absorbs the error of a few float
 * operations such as 14.4 * 0.001), in the fewest digits that give back that rounded value.
 * Plain decimal notation between 1e-12 and 1e15 ("0.0144", "300", "-2.5"); outside, exponent
 * notation ("1e+20"). NaN and infinities use PromQL's spelling: "NaN", "+Inf", "-Inf". */
void number_format(double value, struct strbuf *out);

/* Appends `value` exactly as Go's fmt prints a float64 with %v (what a Prometheus template gives
 * for {{ $value }}): the shortest digits that round-trip, exponent notation when the decimal
 * exponent is below -4 or at least 6 ("0.2525", "123456", "1e-05", "1.234567e+06"). */
void number_format_go(double value, struct strbuf *out);

/* Appends `value` as Go's fmt prints it with %.4g (the precision Prometheus' humanize
 * functions use). */
void number_format_go_4g(double value, struct strbuf *out);

/* Appends `seconds` as a Prometheus duration: "5m", "1h30m", "3d", "250ms", "0s". Whole
 * milliseconds; days are the largest unit (weeks and years would hide the arithmetic). */
void number_format_duration(double seconds, struct strbuf *out);

#endif
