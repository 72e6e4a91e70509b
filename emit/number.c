/* Clean decimal numbers for emitted rules and tests, Go's float formatting for expanding
 * Prometheus templates, and Prometheus durations. */
#include "number.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* The decimal digits of |value| (no dot, no trailing zeros) and the exponent of the first one,
 * using at most `max_digits` significant digits: the fewest that read back as the value. */
struct decimal {
	char digits[24];
	int exponent; /* value = 0.d1d2d3... * 10^(exponent + 1) */
};

static void decimal_of(double value, int max_digits, struct decimal *out)
{
	char text[40];
	double magnitude = fabs(value);
	for (int precision = 1; precision <= max_digits; precision++) {
		snprintf(text, sizeof(text), "%.*e", precision - 1, magnitude);
		if (strtod(text, NULL) == magnitude || precision == max_digits)
			break;
	}
	/* text is "d.ddde[+-]XX" */
	size_t count = 0;
	const char *cursor = text;
	for (; *cursor && *cursor != 'e'; cursor++)
		if (*cursor != '.')
			out->digits[count++] = *cursor;
	while (count > 1 && out->digits[count - 1] == '0')
		count--;
	out->digits[count] = '\0';
	out->exponent = *cursor == 'e' ? atoi(cursor + 1) : 0;
}

static void add_plain(const struct decimal *decimal, bool negative, struct strbuf *out)
{
	if (negative)
		strbuf_addch(out, '-');
	int count = (int)strlen(decimal->digits);
	int exponent = decimal->exponent;
	if (exponent < 0) {
		strbuf_addstr(out, "0.");
		for (int i = -1; i > exponent; i--)
			strbuf_addch(out, '0');
		strbuf_addstr(out, decimal->digits);
		return;
	}
	for (int i = 0; i <= exponent || i < count; i++) {
		if (i == exponent + 1)
			strbuf_addch(out, '.');
		strbuf_addch(out, i < count ? decimal->digits[i] : '0');
	}
}

static void add_exponent(const struct decimal *decimal, bool negative, struct strbuf *out)
{
	if (negative)
		strbuf_addch(out, '-');
	strbuf_addch(out, decimal->digits[0]);
	if (decimal->digits[1]) {
		strbuf_addch(out, '.');
		strbuf_addstr(out, decimal->digits + 1);
	}
	strbuf_addf(out, "e%c%02d", decimal->exponent < 0 ? '-' : '+', abs(decimal->exponent));
}

static bool add_special(double value, struct strbuf *out)
{
	if (isnan(value))
		strbuf_addstr(out, "NaN");
	else if (isinf(value))
		strbuf_addstr(out, value > 0 ? "+Inf" : "-Inf");
	else if (value == 0)
		strbuf_addch(out, '0'); /* also -0: a sign on zero only confuses readers */
	else
		return false;
	return true;
}

void number_format(double value, struct strbuf *out)
{
	if (add_special(value, out))
		return;
	char text[40];
	snprintf(text, sizeof(text), "%.11e", value);
	double rounded = strtod(text, NULL);
	struct decimal decimal;
	decimal_of(rounded, 12, &decimal);
	if (decimal.exponent >= -12 && decimal.exponent < 15)
		add_plain(&decimal, rounded < 0, out);
	else
		add_exponent(&decimal, rounded < 0, out);
}

void number_format_go(double value, struct strbuf *out)
{
	if (isnan(value)) {
		strbuf_addstr(out, "NaN");
		return;
	}
	if (isinf(value)) {
		strbuf_addstr(out, value > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (value == 0) {
		strbuf_addstr(out, signbit(value) ? "-0" : "0");
		return;
	}
	struct decimal decimal;
	decimal_of(value, 17, &decimal);
	if (decimal.exponent < -4 || decimal.exponent >= 6)
		add_exponent(&decimal, value < 0, out);
	else
		add_plain(&decimal, value < 0, out);
}

void number_format_go_4g(double value, struct strbuf *out)
{
	if (isnan(value)) {
		strbuf_addstr(out, "NaN");
		return;
	}
	if (isinf(value)) {
		strbuf_addstr(out, value > 0 ? "+Inf" : "-Inf");
		return;
	}
	/* C's %.4g and Go's agree: same rounding, trailing zeros dropped, two-digit exponents */
	strbuf_addf(out, "%.4g", value);
}

void number_format_duration(double seconds, struct strbuf *out)
{
	long long milliseconds = llround(seconds * 1000);
	if (milliseconds <= 0) {
		strbuf_addstr(out, "0s");
		return;
	}
	static const struct {
		const char *suffix;
		long long milliseconds;
	} units[] = {
		{ "d", 86400000LL }, { "h", 3600000LL }, { "m", 60000LL }, { "s", 1000LL }, { "ms", 1LL },
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		long long count = milliseconds / units[i].milliseconds;
		if (count) {
			strbuf_addf(out, "%lld%s", count, units[i].suffix);
			milliseconds -= count * units[i].milliseconds;
		}
	}
}
