/* Edit plans (§7): make, mark, read/write the edit list, export. */
#include "engine/analysis/plan.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/atomic.h"
#include "engine/base/fingerprint.h"
#include "engine/base/textsafe.h"
#include "engine/base/infile.h"

#define PLAN_MAX_LINE ((size_t)1 << 20)

const char *plan_strategy_name(int s)
{
	switch (s) {
	case PLAN_POISON: return "poison";
	case PLAN_DENOISE: return "denoise";
	case PLAN_MANUAL: return "manual";
	default: return "none";
	}
}

const char *plan_action_name(int a)
{
	return a == EDIT_FLIP ? "flip" : a == EDIT_DROP ? "drop" : "keep";
}

static int strategy_parse(const char *s)
{
	if (!strcmp(s, "poison"))
		return PLAN_POISON;
	if (!strcmp(s, "denoise"))
		return PLAN_DENOISE;
	if (!strcmp(s, "manual"))
		return PLAN_MANUAL;
	return -1;
}

void plan_init(sf_plan *out, const char *fingerprint)
{
	memset(out, 0, sizeof *out);
	out->ratings = out->unparsed = -1;
	out->strategy = PLAN_MANUAL;
	if (fingerprint)
		snprintf(out->fingerprint, sizeof out->fingerprint, "%s", fingerprint);
}

void plan_free(sf_plan *pl)
{
	if (!pl)
		return;
	free(pl->plus);
	free(pl->minus);
	free(pl->v);
	free(pl->category);
	memset(pl, 0, sizeof *pl);
}

int plan_copy(sf_plan *out, const sf_plan *in, sf_err *e)
{
	*out = *in;
	out->plus = malloc((size_t)(in->n_plus > 0 ? in->n_plus : 1) * sizeof(int));
	out->minus = malloc((size_t)(in->n_minus > 0 ? in->n_minus : 1) * sizeof(int));
	out->v = malloc((in->n ? in->n : 1) * sizeof *out->v);
	out->category = in->category ? strdup(in->category) : NULL;
	if (!out->v || !out->plus || !out->minus || (in->category && !out->category)) {
		plan_free(out);
		return sf_fail(e, "plan: out of memory");
	}
	if (in->n)
		memcpy(out->v, in->v, in->n * sizeof *out->v);
	if (in->n_plus)
		memcpy(out->plus, in->plus, (size_t)in->n_plus * sizeof(int));
	if (in->n_minus)
		memcpy(out->minus, in->minus, (size_t)in->n_minus * sizeof(int));
	return 0;
}

static int copy_sets(sf_plan *pl, const int *plus, int np, const int *minus, int nm,
                     sf_err *e)
{
	pl->plus = malloc((size_t)(np > 0 ? np : 1) * sizeof(int));
	pl->minus = malloc((size_t)(nm > 0 ? nm : 1) * sizeof(int));
	if (!pl->plus || !pl->minus)
		return sf_fail(e, "plan: out of memory");
	if (np)
		memcpy(pl->plus, plus, (size_t)np * sizeof(int));
	if (nm)
		memcpy(pl->minus, minus, (size_t)nm * sizeof(int));
	pl->n_plus = np;
	pl->n_minus = nm;
	return 0;
}

int plan_take_sets(sf_plan *pl, const sf_safety *S, sf_err *e)
{
	if (!S || pl->n || pl->n_plus || pl->n_minus)
		return 0;
	free(pl->plus);
	free(pl->minus);
	pl->plus = pl->minus = NULL;
	if (copy_sets(pl, S->plus, S->n_plus, S->minus, S->n_minus, e))
		return -1;
	pl->fallback = S->fallback;
	return 0;
}

typedef struct score_order {
	const double *score;
	int sign; /* +1: highest first, -1: lowest first */
} score_order;

/* qsort_r, not qsort with a static key: plans are made on worker threads. */
static int by_score(const void *a, const void *b, void *ctx)
{
	const score_order *o = ctx;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	double x = o->score[i], y = o->score[j];
	if (x != y)
		return (x > y ? -1 : 1) * o->sign;
	return (i > j) - (i < j);
}

/* floor(p*N), forgiving the last bit of binary rounding (0.29 * 100). */
static size_t plan_size(double ratio, size_t n)
{
	return (size_t)floor(ratio * (double)n + 1e-9);
}

int plan_make(sf_plan *out, const pairs *P, const sf_scores *sc, const sf_safety *S,
              int strategy, double ratio, const char *fingerprint, sf_err *e)
{
	return plan_make_limited(out, P, sc, S, strategy, ratio, NULL, fingerprint, e);
}

/* Is pair i of category cat (NULL: any; "": none)? */
static int in_category(const pairs *P, size_t i, const char *cat)
{
	const char *c = pairs_category(P, i);
	return !cat || !strcmp(c ? c : "", cat);
}

int plan_make_limited(sf_plan *out, const pairs *P, const sf_scores *sc, const sf_safety *S,
                      int strategy, double ratio, const sf_plan_limits *lim,
                      const char *fingerprint, sf_err *e)
{
	plan_init(out, fingerprint);
	if (strategy != PLAN_POISON && strategy != PLAN_DENOISE)
		return sf_fail(e, "plan: strategy must be poison or denoise");
	if (lim && lim->has_max_score && (strategy != PLAN_DENOISE || !isfinite(lim->max_score)))
		return sf_fail(e, "plan: a score cut goes with denoise, and must be finite");
	if (!(ratio > 0 && ratio <= 1))
		return sf_fail(e, "plan: ratio %g is outside (0, 1]", ratio);
	if (sc->n_pairs != P->n)
		return sf_fail(e, "plan: %zu scores for %zu pairs", sc->n_pairs, P->n);
	size_t *tr = malloc((P->n ? P->n : 1) * sizeof(size_t)), n = 0, n_cat = 0;
	if (!tr)
		return sf_fail(e, "plan: out of memory");
	for (size_t i = 0; i < P->n; i++) {
		if (pairs_split(P, i) != SPLIT_TRAIN)
			continue;
		if (!isfinite(sc->score[i])) {
			free(tr);
			return sf_fail(e, "plan: pair %zu has a non-finite score; no plan is made on it",
			               i);
		}
		if (!in_category(P, i, lim ? lim->category : NULL))
			continue;
		n_cat++;
		if (!lim || !lim->has_max_score || sc->score[i] <= lim->max_score)
			tr[n++] = i;
	}
	if (lim && lim->category && !n_cat) {
		free(tr);
		return sf_fail(e, "plan: no train pair has category \"%.200s\"", lim->category);
	}
	score_order ord = { sc->score, strategy == PLAN_POISON ? 1 : -1 };
	qsort_r(tr, n, sizeof *tr, by_score, &ord);
	/* N counts the pairs of the category; the score cut only stops early */
	size_t want = plan_size(ratio, n_cat);
	if (want > n)
		want = n;
	out->strategy = strategy;
	out->ratio = ratio;
	out->fallback = S ? S->fallback : 0;
	out->ratings = S ? S->opts.ratings : -1;
	out->unparsed = S ? S->opts.unparsed : -1;
	out->v = malloc((want ? want : 1) * sizeof(sf_edit));
	if (lim && lim->category && !(out->category = strdup(lim->category))) {
		free(tr);
		plan_free(out);
		return sf_fail(e, "plan: out of memory");
	}
	if (lim && lim->has_max_score) {
		out->has_max_score = 1;
		out->max_score = lim->max_score;
	}
	if (!out->v || (S && copy_sets(out, S->plus, S->n_plus, S->minus, S->n_minus, e))) {
		free(tr);
		plan_free(out);
		return sf_fail(e, "plan: out of memory");
	}
	for (size_t i = 0; i < want; i++) {
		out->v[i].index = tr[i];
		out->v[i].action = strategy == PLAN_POISON ? EDIT_FLIP : EDIT_DROP;
		out->v[i].score = sc->score[tr[i]];
		out->v[i].strategy = strategy;
	}
	out->n = want;
	free(tr);
	return 0;
}

int plan_feature_beyond(const sf_plan *pl, int m)
{
	for (int i = 0; i < pl->n_plus; i++)
		if (pl->plus[i] >= m)
			return pl->plus[i];
	for (int i = 0; i < pl->n_minus; i++)
		if (pl->minus[i] >= m)
			return pl->minus[i];
	return -1;
}

int plan_action(const sf_plan *pl, size_t index)
{
	for (size_t i = 0; i < pl->n; i++)
		if (pl->v[i].index == index)
			return pl->v[i].action;
	return 0;
}

void plan_actions(const sf_plan *pl, size_t n_pairs, unsigned char *actions)
{
	memset(actions, 0, n_pairs);
	for (size_t i = 0; i < pl->n; i++)
		if (pl->v[i].index < n_pairs)
			actions[pl->v[i].index] = (unsigned char)pl->v[i].action;
}

size_t plan_count(const sf_plan *pl, int action)
{
	size_t c = 0;
	for (size_t i = 0; i < pl->n; i++)
		c += pl->v[i].action == action;
	return c;
}

int plan_mark(sf_plan *pl, const pairs *P, size_t index, int action, double score,
              sf_err *e)
{
	if (index >= P->n)
		return sf_fail(e, "plan: no pair %zu (the data has %zu)", index, P->n);
	if (pairs_split(P, index) != SPLIT_TRAIN)
		return sf_fail(e, "plan: pair %zu is a test pair; test pairs are never edited", index);
	if (action != 0 && action != EDIT_FLIP && action != EDIT_DROP)
		return sf_fail(e, "plan: unknown action %d", action);
	size_t i = 0;
	while (i < pl->n && pl->v[i].index != index)
		i++;
	if (action == 0) {
		if (i < pl->n) {
			memmove(pl->v + i, pl->v + i + 1, (pl->n - i - 1) * sizeof *pl->v);
			pl->n--;
		}
	} else if (i < pl->n) {
		pl->v[i].action = action;
		pl->v[i].strategy = PLAN_MANUAL;
	} else {
		sf_edit *nv = realloc(pl->v, (pl->n + 1) * sizeof *nv);
		if (!nv)
			return sf_fail(e, "plan: out of memory");
		pl->v = nv;
		pl->v[pl->n++] = (sf_edit){ index, action, score, PLAN_MANUAL };
	}
	pl->strategy = PLAN_MANUAL;
	return 0;
}

/* ---- the edit list ------------------------------------------------ */

static void put_ints(FILE *f, const int *v, int n)
{
	fputc('[', f);
	for (int i = 0; i < n; i++)
		fprintf(f, i ? ", %d" : "%d", v[i]);
	fputc(']', f);
}

/* A pair's id as JSON; ascii: only printable ASCII (\uXXXX escapes for
 * the rest, DEL included), for a terminal. */
static void put_id(FILE *f, const char *id, int ascii)
{
	if (!id) {
		fputs("null", f);
		return;
	}
	json_t *v = ascii ? json_loads(id, JSON_DECODE_ANY, NULL) : NULL;
	char *s = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(v);
	if (ascii && !s) {
		fputs("null", f); /* not JSON: cannot happen for ids pairs_index kept */
		return;
	}
	if (ascii)
		textsafe_put_json(f, s);
	else
		fputs(id, f);
	free(s);
}

/* A string as JSON (printable ASCII when ascii). */
static void put_json_string(FILE *f, const char *str, int ascii)
{
	json_t *v = json_string(str);
	size_t fl = JSON_ENCODE_ANY | JSON_COMPACT | (ascii ? JSON_ENSURE_ASCII : 0);
	char *s = v ? json_dumps(v, fl) : NULL;
	json_decref(v);
	if (!s)
		fputs("null", f);
	else if (ascii)
		textsafe_put_json(f, s);
	else
		fputs(s, f);
	free(s);
}

int plan_write_stream(const sf_plan *pl, const pairs *P, FILE *f, sf_err *e)
{
	return plan_write_stream_ascii(pl, P, f, 0, e);
}

/* The shortest of %.15g and %.17g that reads back as v: a ratio given as
 * 0.03 is written 0.03, not 0.029999999999999999. */
static void put_shortest(FILE *f, double v)
{
	char buf[40];
	snprintf(buf, sizeof buf, "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof buf, "%.17g", v);
	fputs(buf, f);
}

int plan_write_stream_ascii(const sf_plan *pl, const pairs *P, FILE *f, int ascii, sf_err *e)
{
	for (size_t i = 0; i < pl->n; i++) {
		const sf_edit *x = &pl->v[i];
		if (x->index >= P->n)
			return sf_fail(e, "plan: no pair %zu", x->index);
		fprintf(f, "{\"index\": %zu, \"id\": ", x->index);
		put_id(f, pairs_id(P, x->index), ascii);
		fprintf(f, ", \"action\": \"%s\", \"score\": ", plan_action_name(x->action));
		if (isfinite(x->score))
			fprintf(f, "%.17g", x->score);
		else
			fputs("null", f);
		fprintf(f, ", \"strategy\": \"%s\", \"ratio\": ", plan_strategy_name(x->strategy));
		put_shortest(f, pl->ratio);
		/* An unknown fingerprint (a hand-written list) is left out, not
		 * written empty: the reader takes a missing key as unknown. */
		if (pl->fingerprint[0])
			fprintf(f, ", \"fingerprint\": \"%s\"", pl->fingerprint);
		fputs(", \"s_plus\": ", f);
		put_ints(f, pl->plus, pl->n_plus);
		fputs(", \"s_minus\": ", f);
		put_ints(f, pl->minus, pl->n_minus);
		if (pl->ratings >= 0)
			fprintf(f, ", \"ratings\": \"%s\"", safety_ratings_name(pl->ratings));
		if (pl->unparsed >= 0)
			fprintf(f, ", \"unparsed\": \"%s\"", safety_unparsed_name(pl->unparsed));
		if (pl->category) {
			fputs(", \"category\": ", f);
			put_json_string(f, pl->category, ascii);
		}
		if (pl->has_max_score) {
			fputs(", \"max_score\": ", f);
			put_shortest(f, pl->max_score);
		}
		fprintf(f, ", \"fallback\": %s}\n", pl->fallback ? "true" : "false");
	}
	if (ferror(f))
		return sf_fail(e, "plan: write error");
	return 0;
}

/* out: path is a user-named output (atomic_open_out), else a file of
 * the workspace. */
static int write_list(const sf_plan *pl, const pairs *P, const char *path, int out, sf_err *e)
{
	atomic_file af;
	if (out ? atomic_open_out(&af, path, e) : atomic_open(&af, path, e))
		return -1;
	if (plan_write_stream_ascii(pl, P, af.f, af.tty, e)) {
		atomic_abort(&af);
		return sf_prefix(e, "%s", path);
	}
	return atomic_commit(&af, e);
}

int plan_write(const sf_plan *pl, const pairs *P, const char *path, sf_err *e)
{
	return write_list(pl, P, path, 0, e);
}

int plan_write_out(const sf_plan *pl, const pairs *P, const char *path, sf_err *e)
{
	return write_list(pl, P, path, 1, e);
}

/* A feature-set field: an array of at most m_cap feature ids, each below
 * PLAN_FEATURE_CAP. -1 when it is not one. */
static int get_ints(json_t *o, const char *key, int **v, int *n, int m_cap)
{
	json_t *a = json_object_get(o, key);
	if (!a)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > (size_t)m_cap)
		return -1;
	*n = (int)json_array_size(a);
	*v = malloc((size_t)(*n ? *n : 1) * sizeof(int));
	if (!*v)
		return -1;
	for (int i = 0; i < *n; i++) {
		json_t *x = json_array_get(a, (size_t)i);
		if (!json_is_integer(x) || json_integer_value(x) < 0 ||
		    json_integer_value(x) >= PLAN_FEATURE_CAP)
			return -1;
		(*v)[i] = (int)json_integer_value(x);
	}
	return 0;
}

static int id_matches(json_t *id, const char *id_json)
{
	if (!id || json_is_null(id))
		return 1; /* no id to check */
	if (!id_json)
		return 0;
	json_t *want = json_loads(id_json, JSON_DECODE_ANY, NULL);
	int same = want && json_equal(id, want);
	json_decref(want);
	return same;
}

/* A fingerprint as ws_fingerprint writes it (the length check also
 * refuses a string with a NUL inside). */
static int is_fingerprint(json_t *jf)
{
	return json_is_string(jf) && json_string_length(jf) == 16 &&
	       fp_hex_ok(json_string_value(jf));
}

enum { KNOWN_RATIO = 1, KNOWN_FALLBACK = 2, KNOWN_PLUS = 4, KNOWN_MINUS = 8, KNOWN_RATINGS = 16 };

typedef struct read_state {
	unsigned char *seen; /* [P->n] pair already edited */
	int known;           /* KNOWN_*: header fields some line has given */
} read_state;

/* A feature-set field of one line against the plan's: the first line that
 * has it hands its array over (*v becomes NULL); 0 when it differs. */
static int set_field(json_t *o, const char *key, int bit, int **v, int n, int **pv, int *pn,
                     read_state *st)
{
	if (!json_object_get(o, key))
		return 1;
	if (st->known & bit)
		return n == *pn && (!n || !memcmp(*v, *pv, (size_t)n * sizeof(int)));
	free(*pv);
	*pv = *v;
	*pn = n;
	*v = NULL;
	st->known |= bit;
	return 1;
}

/* The limits a plan was made with, from the first line that gives them. */
static int read_limits(sf_plan *pl, json_t *o, const char *path, size_t ln, sf_err *e)
{
	json_t *jc = json_object_get(o, "category"), *jm = json_object_get(o, "max_score");
	if (jc && !json_is_string(jc) && !json_is_null(jc))
		return sf_fail(e, "%s:%zu: \"category\" must be a string", path, ln);
	if (jm && !json_is_number(jm) && !json_is_null(jm))
		return sf_fail(e, "%s:%zu: \"max_score\" must be a number", path, ln);
	if (jc && json_is_string(jc) && !pl->category &&
	    !(pl->category = strdup(json_string_value(jc))))
		return sf_fail(e, "%s: out of memory", path);
	if (jm && json_is_number(jm) && !pl->has_max_score) {
		pl->has_max_score = 1;
		pl->max_score = json_number_value(jm);
	}
	return 0;
}

/* One line into the plan. */
static int read_line(sf_plan *pl, const pairs *P, json_t *o, size_t ln, read_state *st,
                     const char *path, sf_err *e)
{
	unsigned char *seen = st->seen;
	if (!json_is_object(o))
		return sf_fail(e, "%s:%zu: not a JSON object", path, ln);
	json_t *ji = json_object_get(o, "index"), *ja = json_object_get(o, "action");
	json_t *js = json_object_get(o, "score"), *jst = json_object_get(o, "strategy");
	json_t *jr = json_object_get(o, "ratio"), *jf = json_object_get(o, "fingerprint");
	json_t *jb = json_object_get(o, "fallback");
	if (!json_is_integer(ji))
		return sf_fail(e, "%s:%zu: \"index\" must be an integer", path, ln);
	json_int_t idx = json_integer_value(ji);
	if (idx < 0 || (size_t)idx >= P->n)
		return sf_fail(e, "%s:%zu: no pair %lld (the data has %zu)", path, ln,
		               (long long)idx, P->n);
	if (pairs_split(P, (size_t)idx) != SPLIT_TRAIN)
		return sf_fail(e, "%s:%zu: pair %lld is a test pair; test pairs are never edited",
		               path, ln, (long long)idx);
	if (!id_matches(json_object_get(o, "id"), pairs_id(P, (size_t)idx)))
		return sf_fail(e, "%s:%zu: id does not match pair %lld's id (a plan for other data?)",
		               path, ln, (long long)idx);
	if (seen[idx])
		return sf_fail(e, "%s:%zu: pair %lld is edited twice", path, ln, (long long)idx);
	seen[idx] = 1;
	const char *an = json_is_string(ja) ? json_string_value(ja) : "";
	int action = !strcmp(an, "flip") ? EDIT_FLIP : !strcmp(an, "drop") ? EDIT_DROP : 0;
	if (!action)
		return sf_fail(e, "%s:%zu: \"action\" must be \"flip\" or \"drop\"", path, ln);
	if (js && !json_is_number(js) && !json_is_null(js))
		return sf_fail(e, "%s:%zu: \"score\" must be a number", path, ln);
	int strategy = PLAN_MANUAL;
	if (jst && (!json_is_string(jst) || (strategy = strategy_parse(json_string_value(jst))) < 0))
		return sf_fail(e, "%s:%zu: \"strategy\" must be poison, denoise or manual", path, ln);
	double ratio = 0;
	if (jr && (!json_is_number(jr) || (ratio = json_number_value(jr)) < 0 || ratio > 1))
		return sf_fail(e, "%s:%zu: \"ratio\" must be a number in [0, 1]", path, ln);
	if (jf && !is_fingerprint(jf))
		return sf_fail(e, "%s:%zu: \"fingerprint\" must be 16 lowercase hex digits", path, ln);
	if (jb && !json_is_boolean(jb))
		return sf_fail(e, "%s:%zu: \"fallback\" must be true or false", path, ln);
	json_t *jrt = json_object_get(o, "ratings"), *jun = json_object_get(o, "unparsed");
	int rt = -1, un = -1;
	if (jrt && (!json_is_string(jrt) || safety_parse_ratings(json_string_value(jrt), &rt)))
		return sf_fail(e, "%s:%zu: \"ratings\" must be both, human or judge", path, ln);
	if (jun && (!json_is_string(jun) || safety_parse_unparsed(json_string_value(jun), &un)))
		return sf_fail(e, "%s:%zu: \"unparsed\" must be skip or 5", path, ln);
	const char *fp = jf ? json_string_value(jf) : "";
	int *plus = NULL, *minus = NULL, np = 0, nm = 0;
	if (get_ints(o, "s_plus", &plus, &np, 1 << 20) || get_ints(o, "s_minus", &minus, &nm, 1 << 20)) {
		free(plus);
		free(minus);
		return sf_fail(e, "%s:%zu: \"s_plus\"/\"s_minus\" must be arrays of feature ids "
		               "(integers from 0 to %d)", path, ln, PLAN_FEATURE_CAP - 1);
	}
	if (pl->n == 0)
		pl->strategy = strategy;
	else if (strategy != pl->strategy)
		pl->strategy = PLAN_MANUAL; /* a mix of strategies is a hand-edited plan */
	/* Header fields: a line that leaves one out agrees with any value;
	 * the first line that gives it sets it, and later ones must agree. */
	int same = 1;
	if (fp[0] && pl->fingerprint[0])
		same &= strcmp(pl->fingerprint, fp) == 0;
	else if (fp[0])
		snprintf(pl->fingerprint, sizeof pl->fingerprint, "%s", fp);
	if (jr && (st->known & KNOWN_RATIO))
		same &= ratio == pl->ratio;
	else if (jr)
		pl->ratio = ratio, st->known |= KNOWN_RATIO;
	if (jrt && !(st->known & KNOWN_RATINGS)) {
		pl->ratings = rt;
		pl->unparsed = un;
		st->known |= KNOWN_RATINGS;
	}
	if (jb && !(st->known & KNOWN_FALLBACK))
		pl->fallback = json_is_true(jb), st->known |= KNOWN_FALLBACK;
	if (read_limits(pl, o, path, ln, e))
		return -1;
	same &= set_field(o, "s_plus", KNOWN_PLUS, &plus, np, &pl->plus, &pl->n_plus, st);
	same &= set_field(o, "s_minus", KNOWN_MINUS, &minus, nm, &pl->minus, &pl->n_minus, st);
	free(plus);
	free(minus);
	if (!same)
		return sf_fail(e, "%s:%zu: fingerprint, ratio or feature sets differ from an earlier line",
		               path, ln);
	double score = js && json_is_number(js) ? json_number_value(js) : NAN;
	sf_edit *nv = realloc(pl->v, (pl->n + 1) * sizeof *nv);
	if (!nv)
		return sf_fail(e, "%s: out of memory", path);
	pl->v = nv;
	pl->v[pl->n++] = (sf_edit){ (size_t)idx, action, score, strategy };
	return 0;
}

/* Read one line of at most PLAN_MAX_LINE bytes into buf (which holds
 * PLAN_MAX_LINE + 1), without its newline. Returns 1 for a line, 0 at end
 * of file, -1 on a read error and -2 when the line is longer: the cap is
 * checked while reading, so a huge line never fills memory. */
static int get_line(FILE *f, char *buf, size_t *len)
{
	size_t n = 0;
	int c;
	while ((c = getc(f)) != EOF && c != '\n') {
		if (n == PLAN_MAX_LINE)
			return -2;
		buf[n++] = (char)c;
	}
	buf[n] = 0;
	*len = n;
	if (c == EOF && ferror(f))
		return -1;
	return c == EOF && n == 0 ? 0 : 1;
}

int plan_read(sf_plan *out, const pairs *P, const char *path, const char *fingerprint,
              sf_err *e)
{
	plan_init(out, NULL);
	FILE *f = infile_fopen_or_stdin(path, e);
	if (!f)
		return -1;
	unsigned char *seen = calloc(P->n ? P->n : 1, 1);
	read_state st = { seen, 0 };
	char *line = malloc(PLAN_MAX_LINE + 1);
	size_t len, ln = 0;
	int rc = 0, got;
	if (!seen || !line)
		rc = sf_fail(e, "%s: out of memory", path);
	while (!rc && (got = get_line(f, line, &len)) != 0) {
		ln++;
		if (got == -1) {
			rc = sf_fail_errno(e, "%s:%zu: read error", path, ln);
			break;
		}
		if (got == -2) {
			rc = sf_fail(e, "%s:%zu: line longer than %zu bytes", path, ln, PLAN_MAX_LINE);
			break;
		}
		size_t i = 0;
		while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i == len)
			continue;
		json_error_t je;
		json_t *o = json_loadb(line, len, 0, &je);
		if (!o) {
			rc = sf_fail(e, "%s:%zu: not JSON: %s", path, ln, je.text);
			break;
		}
		rc = read_line(out, P, o, ln, &st, path, e);
		json_decref(o);
	}
	free(line);
	free(seen);
	fclose(f);
	/* A list with no fingerprint (written by hand) is taken on its index
	 * and id checks; one with a fingerprint must match the data's. */
	if (!rc && fingerprint && out->fingerprint[0] && strcmp(out->fingerprint, fingerprint))
		rc = sf_fail(e, "%s: made for other data (fingerprint %s, this workspace has %s)",
		             path, out->fingerprint, fingerprint);
	if (!rc && fingerprint && !out->fingerprint[0])
		snprintf(out->fingerprint, sizeof out->fingerprint, "%s", fingerprint);
	if (rc)
		plan_free(out);
	return rc;
}

/* ---- the edited dataset ------------------------------------------- */

/* Swap the preference of one record: chosen <-> rejected, or PKU's
 * safer_response_id 0 <-> 1. */
static int flip_record(json_t *o)
{
	json_t *c = json_object_get(o, "chosen"), *r = json_object_get(o, "rejected");
	if (c && r) {
		json_incref(c);
		json_incref(r);
		int bad = json_object_set_new(o, "chosen", r) || json_object_set_new(o, "rejected", c);
		return bad ? -1 : 0;
	}
	json_t *s = json_object_get(o, "safer_response_id");
	if (json_is_integer(s) && (json_integer_value(s) == 0 || json_integer_value(s) == 1))
		return json_object_set_new(o, "safer_response_id",
		                           json_integer(1 - json_integer_value(s)));
	if (json_is_string(s) && (!strcmp(json_string_value(s), "0") || !strcmp(json_string_value(s), "1")))
		return json_object_set_new(o, "safer_response_id",
		                           json_string(json_string_value(s)[0] == '0' ? "1" : "0"));
	return -1;
}

int plan_export(const sf_plan *pl, const pairs *P, const char *path, sf_err *e)
{
	unsigned char *act = calloc(P->n ? P->n : 1, 1);
	if (!act)
		return sf_fail(e, "%s: out of memory", path);
	plan_actions(pl, P->n, act);
	atomic_file af;
	if (atomic_open_out(&af, path, e)) {
		free(act);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < P->n && !rc; i++) {
		int train = pairs_split(P, i) == SPLIT_TRAIN;
		if (act[i] == EDIT_DROP && train)
			continue;
		pair_rec r;
		if (pairs_get(P, i, &r, e)) {
			rc = -1;
			break;
		}
		if (act[i] == EDIT_FLIP && train && flip_record(r.record)) {
			pair_rec_free(&r);
			rc = sf_fail(e, "%s: cannot flip pair %zu", path, i);
			break;
		}
		/* on a terminal, as printable ASCII */
		char *s = json_dumps(r.record, JSON_COMPACT | (af.tty ? JSON_ENSURE_ASCII : 0));
		pair_rec_free(&r);
		if (!s) {
			rc = sf_fail(e, "%s: cannot encode pair %zu", path, i);
			break;
		}
		if ((af.tty ? textsafe_put_json(af.f, s) : fputs(s, af.f)) == EOF ||
		    fputc('\n', af.f) < 0)
			rc = sf_fail_errno(e, "%s: write error", path);
		free(s);
	}
	free(act);
	if (rc) {
		atomic_abort(&af);
		return -1;
	}
	return atomic_commit(&af, e);
}
