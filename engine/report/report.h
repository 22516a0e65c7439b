/* The audit report of a workspace, in any format a writer gives
 * (writer.h): what the data and the SAE are, the safety features with
 * their evidence, and the current plan with its projected effect. Every
 * figure comes from the session's getters, so the report shows what
 * `safer info`, `stats`, `top`, `labels`, `judged`, `plan` and `eval`
 * would print for the same options.
 *
 * Sections:
 *   summary   the workspace, when, and which rows the statistics use
 *   dataset   pairs per split and category, rows per side, the model
 *   SAE       shape, layout, training figures (when its cfg.json has
 *             them), and on the rows in use: mean L0, dead and dense
 *             features
 *   features  the safety features: every feature a person labelled or
 *             the judge rated, and the members of S+ and S-, by |s_j|;
 *             each with name, ratings, salience, density, its density
 *             histogram and its top contexts on chosen and rejected
 *             responses with the activating token marked
 *   plan      the current plan: strategy, size, projected effect (none /
 *             plan / random per category, as `safer eval`) and the pairs
 *             it edits
 * Without an SAE the feature sections say so; without a plan the effect
 * shows the unedited head only. */
#ifndef ENGINE_REPORT_REPORT_H
#define ENGINE_REPORT_REPORT_H

#include <stddef.h>

#include "engine/analysis/bteval.h"
#include "engine/base/err.h"
#include "engine/report/writer.h"
#include "engine/ws/session.h"

typedef struct report_opts {
	int contexts;         /* top contexts per side and feature (5) */
	int window;           /* tokens per context (24) */
	int nbins;            /* histogram bins (24) */
	size_t max_pairs;     /* edited pairs listed (500; the rest counted) */
	const char *generator; /* "safer 1.0", or NULL */
	const char *when;     /* the time written, or NULL */
	sf_bt_opts bt;        /* of the projected effect */
} report_opts;

void report_opts_default(report_opts *o);

/* Write the report of s through w. Fails (e set) only when a result the
 * report needs cannot be computed (the statistics of an SAE that exists,
 * say) or on cancel; a projected effect that cannot be had (no test
 * pairs) is said in the report instead. */
int report_write(sf_session *s, const report_opts *o, rep_writer *w, sf_err *e);

#endif
