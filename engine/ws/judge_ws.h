/* The judge over a workspace: the candidate features of safer-method.md §5
 * and one run of the judge over a list of them, each verdict saved as it
 * arrives (engine/judge/ has the request, the reply and the HTTP client).
 * Used by `safer judge` and by the explorer's :judge (on its worker). */
#ifndef ENGINE_WS_JUDGE_WS_H
#define ENGINE_WS_JUDGE_WS_H

#include "engine/base/err.h"
#include "engine/base/progress.h"
#include "engine/judge/command.h"
#include "engine/judge/http.h"
#include "engine/ws/session.h"

/* The §5 candidate list: the top `candidates` features by |s_j| (the
 * session's safety options) less those the judge input's drop rules
 * remove, the first `top` of them (top <= 0: all). *out is malloc'd. */
int judge_ws_candidates(sf_session *s, int top, int **out, int *n, const sf_progress *p,
                        sf_err *e);

typedef struct judge_ws_tally {
	long judged, unparsed, failed;  /* features */
	long prompt_tokens, completion_tokens;
	judge_http_tally http;
	char first_failure[640];        /* "feature F: why" of the first failure */
} judge_ws_tally;

/* Judge features feat[0..n) with the model, through http (its url is the
 * endpoint) or, when cmd is not NULL, through that local program (given
 * the system line, a blank line and the user message on stdin; its
 * stdout is the reply text); their stop is set here from p. Each verdict is saved at once
 * in the session's verdicts file (under the workspace lock), so an
 * interrupted run loses nothing and a rerun can skip what is judged.
 * p reports per finished feature ("feature F (i of n)"); cancelling it
 * stops the run ("cancelled"). A feature that fails (after its retries,
 * or a malformed reply) is counted in t and the run goes on; a fatal
 * HTTP error stops it. The session's own verdicts (session_verdicts) are
 * left as they were, since another thread may be drawing from them: drop
 * SESS_LABELS afterwards to see the new ones. */
int judge_ws_run(sf_session *s, const char *model, const int *feat, int n,
                 const judge_http_opts *http, const judge_cmd_opts *cmd, const sf_progress *p,
                 judge_ws_tally *t, sf_err *e);

/* The explanation check over features feat[0..n), each with a verdict
 * that has an explanation: JUDGE_WS_CHECK_POS contexts where the feature
 * fires most and as many rows in use where it does not (picked at random,
 * seeded by the feature, so a rerun asks the same), shuffled, windows of
 * JUDGE_WS_CHECK_WINDOW tokens; the result is saved in each verdict's
 * "check". t->judged counts the features checked, t->unparsed those whose
 * reply answered nothing. */
enum { JUDGE_WS_CHECK_POS = 5, JUDGE_WS_CHECK_WINDOW = 32 };
int judge_ws_check(sf_session *s, const char *model, const int *feat, int n,
                   const judge_http_opts *http, const judge_cmd_opts *cmd, const sf_progress *p,
                   judge_ws_tally *t, sf_err *e);

#endif
