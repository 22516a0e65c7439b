/* A tiny TAP producer for C unit tests, read by automake's tap-driver.
 *
 *   plan_lazy();                       // or plan(N)
 *   ok(x == 3, "x is %d", x);
 *   is_close(got, want, 1e-5, "loss");  // relative tolerance
 *   return done_testing();
 *
 * Each check prints "ok N - name" or "not ok N - name" with a diagnostic
 * line saying what mismatched. */
#ifndef TESTS_TAP_H
#define TESTS_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed, tap_planned;

static inline void plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
}

static inline void plan_lazy(void) {}

static inline int tap_vok(int cond, const char *fmt, va_list ap)
{
	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	vprintf(fmt, ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

static inline __attribute__((format(printf, 2, 3))) int ok(int cond, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = tap_vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

static inline __attribute__((format(printf, 1, 2))) void diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

/* |got - want| <= rtol * max(|want|, 1e-30) + atol-ish floor of rtol*1e-6 */
static inline __attribute__((format(printf, 4, 5))) int is_close(double got, double want, double rtol,
                                                               const char *fmt, ...)
{
	double tol = rtol * fmax(fabs(want), 1e-6);
	int cond = fabs(got - want) <= tol || (isnan(got) && isnan(want));
	va_list ap;
	va_start(ap, fmt);
	tap_vok(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		diag("got %.9g, want %.9g (rtol %g)", got, want, rtol);
	return cond;
}

static inline __attribute__((format(printf, 3, 4))) int is_str(const char *got, const char *want,
                                                             const char *fmt, ...)
{
	int cond = got && want && !strcmp(got, want);
	va_list ap;
	va_start(ap, fmt);
	tap_vok(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		diag("got \"%s\", want \"%s\"", got ? got : "(null)", want ? want : "(null)");
	return cond;
}

static inline int done_testing(void)
{
	if (!tap_planned)
		printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
