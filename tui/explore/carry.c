/* Label carry-over review (carry.h). */
#include "tui/explore/carry.h"

#include <stdlib.h>
#include <string.h>

#include "engine/ws/carry_ws.h"
#include "tui/explore/commands.h"

struct xcarry {
	char from[17];
	sf_labels old;
	sf_carry *v;
	size_t n, at; /* v[at] is offered now */
};

void xc_free(xmodel *m)
{
	if (!m->carry)
		return;
	labels_free(&m->carry->old);
	free(m->carry->v);
	free(m->carry);
	m->carry = NULL;
}

/* Move to the next suggestion whose new feature has no label, and show
 * it; the review ends after the last one. */
static void offer(xmodel *m, const char *before)
{
	struct xcarry *c = m->carry;
	while (c->at < c->n && m->L && labels_get(m->L, c->v[c->at].new_feature))
		c->at++;
	if (c->at >= c->n) {
		app_msg(m->a, MSG_INFO, "%s%scarry from SAE %s: no suggestion left", before,
		        before[0] ? "; " : "", c->from);
		xc_free(m);
		return;
	}
	const sf_carry *s = &c->v[c->at];
	const sf_label *lb = labels_get(&c->old, s->old_feature);
	xm_open(m, XS_FEATURE, s->new_feature);
	char rate[24] = "unrated";
	if (lb->safety > 0)
		snprintf(rate, sizeof rate, "safety %d", lb->safety);
	app_msg(m->a, MSG_INFO, "%s%scarry %zu/%zu: \"%s\" (%s) of SAE %s feature %d, decoder "
	        "cosine %.3f: :carry-accept takes it, :carry-skip passes, :carry-all takes the rest",
	        before, before[0] ? "; " : "", c->at + 1, c->n, lb->name, rate, c->from,
	        s->old_feature, s->cosine);
}

static int take(xmodel *m)
{
	struct xcarry *c = m->carry;
	const sf_carry *s = &c->v[c->at];
	const sf_label *lb = labels_get(&c->old, s->old_feature);
	char note[LABEL_MAX_TEXT + 1];
	carry_ws_note(note, sizeof note, lb, c->from, s);
	if (xm_label(m, s->new_feature, lb->name, lb->safety, note))
		return -1;
	c->at++;
	return 0;
}

static int do_carry(xmodel *m, int argc, char **argv)
{
	(void)argc;
	if (xm_busy(m))
		return -1;
	if (m->data != XD_READY) {
		app_msg(m->a, MSG_ERROR, "%s", m->state);
		return -1;
	}
	struct xcarry *c = calloc(1, sizeof *c);
	sf_err e;
	if (!c) {
		app_msg(m->a, MSG_ERROR, "out of memory");
		return -1;
	}
	if (carry_ws_suggest(m->w, argv[1], CARRY_MIN_COSINE, &c->old, &c->v, &c->n, &e)) {
		free(c);
		app_msg(m->a, MSG_ERROR, "%s", e.msg);
		return -1;
	}
	xc_free(m);
	m->carry = c;
	m->carry_free = xc_free;
	snprintf(c->from, sizeof c->from, "%s", argv[1]);
	offer(m, "");
	return 0;
}

static int need_review(xmodel *m)
{
	if (m->carry)
		return 0;
	app_msg(m->a, MSG_ERROR, "no carry-over under review (:carry FINGERPRINT starts one)");
	return -1;
}

static int do_carry_step(xmodel *m, int argc, char **argv)
{
	(void)argc;
	if (need_review(m))
		return -1;
	if (!strcmp(argv[0], "carry-skip")) {
		m->carry->at++;
		offer(m, "skipped");
		return 0;
	}
	if (!strcmp(argv[0], "carry-accept")) {
		if (take(m))
			return -1;
		offer(m, "label carried");
		return 0;
	}
	size_t n = 0; /* carry-all */
	for (;;) {
		struct xcarry *c = m->carry;
		while (c->at < c->n && labels_get(m->L, c->v[c->at].new_feature))
			c->at++;
		if (c->at >= c->n)
			break;
		if (take(m))
			return -1;
		n++;
	}
	char what[48];
	snprintf(what, sizeof what, "%zu labels carried", n);
	offer(m, what);
	return 0;
}

const xcmd xcmd_carry = {
	.name = "carry", .usage = "FINGERPRINT",
	.help = "review an earlier SAE's labels for this SAE's features (decoder cosine)",
	.min = 1, .max = 1, .screens = XS_ANALYSIS, .fn = do_carry,
};
const xcmd xcmd_carry_accept = {
	.name = "carry-accept", .usage = "", .help = "take the label offered by :carry",
	.min = 0, .max = 0, .screens = XS_ANALYSIS, .fn = do_carry_step,
};
const xcmd xcmd_carry_skip = {
	.name = "carry-skip", .usage = "", .help = "pass over the label offered by :carry",
	.min = 0, .max = 0, .screens = XS_ANALYSIS, .fn = do_carry_step,
};
const xcmd xcmd_carry_all = {
	.name = "carry-all", .usage = "", .help = "take every label :carry has left",
	.min = 0, .max = 0, .screens = XS_ANALYSIS, .fn = do_carry_step,
};
