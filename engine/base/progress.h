/* Progress reporting and cancellation for long engine work.
 *
 * Long calls take a progress callback; the engine calls it now and then
 * with the fraction done (0..1) and a short phase name. A non-zero return
 * asks the engine to stop at the next safe point; the call then fails with
 * the message "cancelled" and leaves every file as it was (or, for
 * training, writes a resumable checkpoint and says so). */
#ifndef ENGINE_BASE_PROGRESS_H
#define ENGINE_BASE_PROGRESS_H

typedef int (*sf_progress_fn)(void *ctx, double frac, const char *phase);

typedef struct sf_progress {
	sf_progress_fn fn; /* may be NULL */
	void *ctx;
} sf_progress;

static inline int sf_progress_report(const sf_progress *p, double frac,
                                     const char *phase)
{
	return (p && p->fn) ? p->fn(p->ctx, frac, phase) : 0;
}

#endif
