/* safer-sample-gen: a synthetic safety preference dataset with reward-model
 * -like activations whose features are planted and recorded.
 *
 *   safer-sample-gen [--seed S] [--pairs N] [--out DIR]
 *
 * writes DIR/pairs.jsonl, DIR/acts.safetensors (safer-acts/1, F16) and the
 * ground truth DIR/atoms.safetensors + DIR/truth.json. Same seed, same
 * bytes.
 *
 * Text. Every pair is a safety pair (one of seven harm areas) or a chat
 * pair (one of six topics). Prompts, chosen and rejected responses are
 * sequences of sentences drawn from templates (templates.c) in a few
 * styles per kind: safety chosen refuses or redirects, rejected complies
 * in tone but stays vague; chat chosen helps, rejected is curt or wrong.
 * Each sentence carries one or two sentence-type concepts with weights
 * (a hedged compliance is 0.6 unsafe compliance + 0.35 refusal). As in
 * real preference data, some safety pairs are of one kind: both refuse
 * (the rejected one barely) or both comply (the chosen one hedges). After
 * generation a seeded share of train safety pairs has chosen and rejected
 * swapped, text and activations together: the known label noise.
 *
 * Tokens. Word or punctuation tokens carrying their leading space, so the
 * tokens of a text concatenate back to it. A token is a sentence-end row
 * (flags bit 0) when it ends a run of ". , ? ! ;" or newline and lies at
 * least 5 tokens after the previous sentence end (the first needs 5 tokens
 * from the start).
 *
 * Activations. A dictionary D of n_atoms unit vectors in R^d (d = 256,
 * n_atoms > d, so the atoms are in superposition). Atoms of one family
 * (sentence types, harm areas, chat topics, positions, roles) share a
 * family direction: D_c = norm(sqrt(rho) u_family + sqrt(1 - rho) v_c).
 * Row r of a text is
 *
 *     x_r = g_r (h_r o + sum_c a_rc D_c) + sigma eps,   eps ~ N(0, I_d)
 *
 * (eps from a fixed table of 2^16 standard normal samples, for speed),
 * with g_r ~ LogNormal(0, scale_sigma) a per-row scale, o a shared offset
 * (a random direction plus three "massive" coordinates, norm offset_norm)
 * whose magnitude varies a little per row, h_r ~ LogNormal(0, offset_sigma),
 * and a_rc >= 0 the concept magnitudes:
 *   - lexical (token classes, and token identity for the most frequent
 *     words): base_c * LN(0, mag_sigma) on the tokens of the class;
 *   - role (user / assistant turn) and position bucket: on every token;
 *   - contextual (sentence type; harm area or chat topic):
 *     base_c * I * w * LN(0, mag_sigma / 2) * profile(t), where I is a
 *     heavy-tailed per-response stance intensity LN(stance_mu,
 *     stance_sigma) (per-pair topic intensity for topics), w the
 *     sentence's weight for the concept, and profile(t) = sqrt(fraction of
 *     the sentence read) at a token that ends a punctuation run, and
 *     elsewhere ctx_leak * fraction with probability ctx_leak_p, else 0:
 *     a sentence's meaning concentrates on its last token, as in a real
 *     residual stream;
 *   - background: each background atom fires on any row with its own rate
 *     (log-uniform in [bg_rate_min, bg_rate_max]), magnitude base * LN.
 *
 * Reward head. The generative model's own linear score head, written as
 * tensor reward_head of acts.safetensors: the minimum-norm w with
 * w . D_c = +reward_scale for every signed safety concept that chosen
 * responses carry (refusal, redirection, ...), -reward_scale for those of
 * rejected responses, and 0 for every other planted concept before the
 * token identities; plus a random noise direction orthogonal to those
 * atoms, of norm reward_noise |w|, which only the background atoms, the
 * identities and the offset see. truth.json records each constrained
 * concept's target as "reward".
 * All parameters are in gen_params below and are printed into truth.json.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>

#include "engine/base/atomic.h"
#include "engine/base/err.h"
#include "engine/base/rng.h"
#include "engine/formats/half.h"
#include "engine/formats/safetensors.h"
#include "sample-data/templates.h"

typedef struct gen_params {
	uint64_t seed;
	int n_pairs;
	double safety_share;   /* share of pairs in category safety */
	double test_share;     /* share of each category in split test */
	double swap_share;     /* share of train safety pairs swapped (label noise) */
	double same_kind_share; /* share of safety pairs where both responses refuse or both comply */
	int d;                 /* model width */
	int n_atoms;           /* dictionary size; background atoms fill it up */
	int identity_max;      /* at most this many token-identity atoms */
	int identity_min_count; /* a word needs this many tokens to get one */
	double bg_rate_min, bg_rate_max; /* background firing rates per row */
	double family_rho;     /* squared cosine shared within an atom family */
	double mag_sigma;      /* LogNormal sigma of every firing's magnitude */
	double stance_mu, stance_sigma; /* per-response stance intensity */
	double topic_sigma;    /* per-pair topic intensity */
	double ctx_leak;       /* contextual weight away from sentence ends */
	double ctx_leak_p;     /* probability a contextual concept shows there */
	double offset_norm;    /* norm of the shared offset vector */
	double offset_sigma;   /* LogNormal sigma of its per-row magnitude */
	double scale_sigma;    /* LogNormal sigma of the per-row scale */
	double noise_sigma;    /* Gaussian noise per coordinate */
	double newline_p;      /* chance a longer response is set one sentence per line */
	double reward_scale;   /* the reward head's w . D_c on signed safety concepts */
	double reward_noise;   /* norm of its noise direction, relative to |w| */
} gen_params;

static const gen_params default_params = {
	.seed = 1,
	.n_pairs = 3000,
	.safety_share = 0.60,
	.test_share = 0.15,
	.swap_share = 0.03,
	.same_kind_share = 0.15,
	.d = 256,
	.n_atoms = 440,
	.identity_max = 300,
	.identity_min_count = 400,
	.bg_rate_min = 0.003,
	.bg_rate_max = 0.04,
	.family_rho = 0.2,
	.mag_sigma = 0.5,
	.stance_mu = -0.3,
	.stance_sigma = 0.8,
	.topic_sigma = 0.4,
	.ctx_leak = 0.15,
	.ctx_leak_p = 0.5,
	.offset_norm = 4.0,
	.offset_sigma = 0.15,
	.scale_sigma = 0.3,
	.noise_sigma = 0.05,
	.newline_p = 0.15,
	.reward_scale = 1.0,
	.reward_noise = 0.5,
};

/* ---- random numbers: xoshiro256** seeded by splitmix64 ------------- */

typedef struct rng {
	uint64_t s[4];
	int have_spare;
	double spare;
} rng;

/* Independent streams (text, atoms, activations) so that changing how one
 * part draws does not shift the others. */
static void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1342543de82ef95u);
	for (int i = 0; i < 4; i++)
		r->s[i] = sf_splitmix64(&x);
	r->have_spare = 0;
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_u64(rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

static double rng_unif(rng *r) { return sf_unit_double(rng_u64(r)); } /* [0,1) */
static int rng_int(rng *r, int n) { return (int)(rng_unif(r) * n); }
static int rng_bern(rng *r, double p) { return rng_unif(r) < p; }

/* Marsaglia's polar method: two normals per accepted pair, no trigonometry. */
static double rng_normal(rng *r)
{
	if (r->have_spare) {
		r->have_spare = 0;
		return r->spare;
	}
	double u, v, q;
	do {
		u = 2 * rng_unif(r) - 1;
		v = 2 * rng_unif(r) - 1;
		q = u * u + v * v;
	} while (q >= 1 || q == 0);
	double f = sqrt(-2 * log(q) / q);
	r->spare = v * f;
	r->have_spare = 1;
	return u * f;
}

/* Rows until the next success of a Bernoulli(p) sequence, from 1. */
static int64_t rng_geometric(rng *r, double p)
{
	double u = 1.0 - rng_unif(r); /* (0, 1] */
	return 1 + (int64_t)floor(log(u) / log1p(-p));
}

static double rng_lognormal(rng *r, double mu, double sigma)
{
	return exp(mu + sigma * rng_normal(r));
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);
	if (!p) {
		fprintf(stderr, "safer-sample-gen: out of memory\n");
		exit(1);
	}
	return p;
}

static void *xrealloc(void *p, size_t sz)
{
	p = realloc(p, sz ? sz : 1);
	if (!p) {
		fprintf(stderr, "safer-sample-gen: out of memory\n");
		exit(1);
	}
	return p;
}

/* ---- concepts ------------------------------------------------------- */

/* Sentence types: the contextual concepts a sentence can carry. */
enum {
	SK_GREETING, SK_QUESTION, SK_REQUEST, SK_REFUSAL, SK_REDIRECT, SK_EMPATHY,
	SK_COMPLY, SK_HELPFUL, SK_UNHELPFUL, SK_CLOSING, N_SK
};

typedef struct sk_info {
	const char *name;
	int safety;
	const char *sign;
} sk_info;

static const sk_info sk_table[N_SK] = {
	{ "greeting", 0, "none" },
	{ "question", 0, "none" },
	{ "request", 0, "none" },
	{ "refusal", 1, "chosen" },
	{ "safe redirect", 1, "chosen" },
	{ "empathy", 1, "chosen" },
	{ "unsafe compliance", 1, "rejected" },
	{ "helpful explanation", 0, "chosen" },
	{ "unhelpful answer", 0, "rejected" },
	{ "closing", 0, "none" },
};

/* Token classes (lexical concepts). The first ones are computed from the
 * token's shape, the rest are word lists. */
enum {
	TC_SENT_PUNCT, TC_COMMA, TC_CAPITAL, TC_LONG_WORD,
	TC_DETERMINER, TC_PRON1, TC_PRON2, TC_PREP, TC_CONJ, TC_MODAL, TC_NEGATION,
	TC_STEP, TC_EMOTION, TC_HEDGE, TC_HARM, TC_APOLOGY, TC_COMPLY, TC_RESOURCE, N_TC
};

typedef struct tc_info {
	const char *name;
	const char *const *words; /* NULL for shape classes */
	int safety;
	const char *sign;
} tc_info;

static const tc_info tc_table[N_TC] = {
	{ "sentence punctuation", NULL, 0, "none" },
	{ "comma", NULL, 0, "none" },
	{ "capitalised word", NULL, 0, "none" },
	{ "long word", NULL, 0, "none" },
	{ "determiner", tpl_words_determiner, 0, "none" },
	{ "first person pronoun", tpl_words_pron1, 0, "none" },
	{ "second person pronoun", tpl_words_pron2, 0, "none" },
	{ "preposition", tpl_words_prep, 0, "none" },
	{ "conjunction", tpl_words_conj, 0, "none" },
	{ "modal verb", tpl_words_modal, 0, "none" },
	{ "negation", tpl_words_negation, 0, "none" },
	{ "sequence word", tpl_words_step, 0, "none" },
	{ "emotion word", tpl_words_emotion, 0, "none" },
	{ "hedge word", tpl_words_hedge, 0, "none" },
	{ "harm vocabulary", tpl_words_harm, 1, "none" },
	{ "apology word", tpl_words_apology, 1, "chosen" },
	{ "compliance word", tpl_words_comply, 1, "rejected" },
	{ "support resource word", tpl_words_resource, 1, "chosen" },
};

#define N_POS 6
static const int pos_bucket_lo[N_POS] = { 0, 1, 4, 10, 20, 40 };

static int pos_bucket(int pos)
{
	int b = 0;
	while (b + 1 < N_POS && pos >= pos_bucket_lo[b + 1])
		b++;
	return b;
}

enum { FAM_NONE, FAM_SENT, FAM_HARM, FAM_CHAT, FAM_ROLE, FAM_POS, N_FAM };

typedef struct concept {
	char name[64];
	const char *kind;  /* lexical, contextual, position, background */
	const char *group;
	int safety;
	const char *sign;
	int family;
	double base;       /* typical magnitude */
	double rate;       /* background firing rate (0 for others) */
	/* measured while writing the rows */
	int64_t rows, strong_rows, sent_rows;
	int64_t resp_sent_rows; /* sentence-end rows of chosen and rejected responses */
	double sum_chosen, sum_rejected; /* on sentence-end rows of the written file */
	int rewarded;      /* constrained by the reward head, to w . D_c = reward */
	double reward;
} concept;

/* ---- text ---------------------------------------------------------- */

#define MAX_SENT 8

typedef struct text {
	char *s;
	size_t len, cap;
	int nsent;
	size_t sent_end[MAX_SENT]; /* byte offset after each sentence */
	int sk[MAX_SENT][2];       /* sentence-type concepts, -1 for none */
	float sw[MAX_SENT][2];
	double intensity;          /* stance intensity of this text */
} text;

enum { CAT_SAFETY, CAT_CHAT };
enum { SAME_REFUSE = 1, SAME_COMPLY = 2 };
enum { SIDE_P, SIDE_C, SIDE_R };

typedef struct pair_rec {
	int cat, area; /* area: harm area or chat topic index */
	int test, swapped;
	int same_kind; /* 0, or SAME_REFUSE / SAME_COMPLY */
	int task;      /* index of the task the prompt asks for */
	double topic_intensity;
	text side[3];
} pair_rec;

static void text_put(text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->s = xrealloc(t->s, t->cap);
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = 0;
}

static int list_len(const char *const *l)
{
	int n = 0;
	while (l[n])
		n++;
	return n;
}

static const char *pick(rng *r, const char *const *l) { return l[rng_int(r, list_len(l))]; }

/* Slot context for filling a template. */
typedef struct slots {
	const char *task;          /* "first|second" or plain */
	const char *thing;         /* the task's own noun phrase, or NULL: */
	const char *const *things; /* ... then one of these */
	const char *const *res;
	int second_person;
} slots;

static void put_task(text *t, const char *task, int second, int cap)
{
	const char *bar = strchr(task, '|');
	const char *s = task;
	size_t n = bar ? (size_t)(bar - task) : strlen(task);
	if (bar && second) {
		s = bar + 1;
		n = strlen(s);
	}
	if (cap && n) {
		char c = (char)(s[0] >= 'a' && s[0] <= 'z' ? s[0] - 32 : s[0]);
		text_put(t, &c, 1);
		s++;
		n--;
	}
	text_put(t, s, n);
}

/* Append one filled template as a sentence with its concepts. */
static void add_sentence(text *t, rng *r, const char *tpl, const slots *sl, int sk0, float w0,
                         int sk1, float w1, int newline)
{
	if (t->nsent >= MAX_SENT)
		return;
	if (t->nsent > 0)
		text_put(t, newline ? "\n" : " ", 1);
	for (const char *p = tpl; *p;) {
		if (*p == '{') {
			const char *end = strchr(p, '}');
			size_t n = (size_t)(end - p - 1);
			int cap = p[1] >= 'A' && p[1] <= 'Z';
			if (n == 4 && !strncasecmp(p + 1, "task", 4))
				put_task(t, sl->task, sl->second_person, cap);
			else if (n == 5 && !strncasecmp(p + 1, "thing", 5))
				put_task(t, sl->thing ? sl->thing : pick(r, sl->things), 0, cap);
			else if (n == 3 && !strncasecmp(p + 1, "res", 3))
				put_task(t, pick(r, sl->res), 0, cap);
			p = end + 1;
		} else {
			const char *q = p;
			while (*q && *q != '{')
				q++;
			text_put(t, p, (size_t)(q - p));
			p = q;
		}
	}
	t->sent_end[t->nsent] = t->len;
	t->sk[t->nsent][0] = sk0;
	t->sw[t->nsent][0] = w0;
	t->sk[t->nsent][1] = sk1;
	t->sw[t->nsent][1] = w1;
	t->nsent++;
}

#define S1(t, r, tpl, sl, sk, nl) add_sentence(t, r, tpl, sl, sk, 1.0f, -1, 0.0f, nl)

static void gen_prompt(pair_rec *p, rng *r)
{
	text *t = &p->side[SIDE_P];
	slots sl = { 0 };
	const char *const *ctx;
	if (p->cat == CAT_SAFETY) {
		const harm_area *h = &tpl_harm_areas[p->area];
		sl.task = h->tasks[p->task];
		sl.thing = h->things[p->task];
		sl.res = h->resources;
		ctx = h->context;
	} else {
		const chat_topic *c = &tpl_chat_topics[p->area];
		sl.task = c->tasks[p->task];
		sl.things = c->things;
		sl.res = c->things;
		ctx = c->context;
	}
	if (rng_bern(r, 0.2))
		S1(t, r, pick(r, tpl_prompt_greeting), &sl, SK_GREETING, 0);
	int ctx_first = rng_bern(r, 0.35), ctx_after = !ctx_first && rng_bern(r, 0.25);
	if (ctx_first)
		S1(t, r, pick(r, ctx), &sl, -1, 0);
	if (rng_bern(r, 0.6))
		S1(t, r, pick(r, tpl_prompt_question), &sl, SK_QUESTION, 0);
	else
		S1(t, r, pick(r, tpl_prompt_request), &sl, SK_REQUEST, 0);
	if (ctx_after)
		S1(t, r, pick(r, ctx), &sl, -1, 0);
	if (p->cat == CAT_SAFETY && rng_bern(r, 0.25))
		S1(t, r, pick(r, tpl_prompt_safety_ctx), &sl, -1, 0);
}

/* Safety chosen: refuse or redirect, in one of six styles. Self-harm and
 * harassment lean towards the empathetic style. */
static void gen_safety_chosen(pair_rec *p, rng *r, const gen_params *gp, text *t)
{
	const harm_area *h = &tpl_harm_areas[p->area];
	slots sl = { h->tasks[p->task], h->things[p->task], NULL, h->resources, 1 };
	int empathic_area = !strcmp(h->name, "self-harm") || !strcmp(h->name, "harassment");
	double u = rng_unif(r);
	int style = empathic_area && u < 0.45 ? 2 : rng_int(r, 6);
	int nl = 0;
	switch (style) {
	case 0: /* firm */
		if (rng_bern(r, 0.2))
			S1(t, r, pick(r, tpl_greeting), &sl, SK_GREETING, nl);
		S1(t, r, pick(r, tpl_refusal), &sl, SK_REFUSAL, nl);
		if (rng_bern(r, 0.3))
			S1(t, r, pick(r, tpl_closing), &sl, SK_CLOSING, nl);
		break;
	case 1: /* refuse and redirect */
		S1(t, r, pick(r, tpl_refusal), &sl, SK_REFUSAL, nl);
		S1(t, r, pick(r, tpl_redirect), &sl, SK_REDIRECT, nl);
		if (rng_bern(r, 0.4))
			S1(t, r, pick(r, tpl_closing), &sl, SK_CLOSING, nl);
		break;
	case 2: /* empathetic */
		nl = rng_bern(r, gp->newline_p);
		S1(t, r, pick(r, tpl_empathy), &sl, SK_EMPATHY, nl);
		if (rng_bern(r, 0.5))
			S1(t, r, pick(r, tpl_refusal), &sl, SK_REFUSAL, nl);
		S1(t, r, pick(r, tpl_redirect), &sl, SK_REDIRECT, nl);
		if (rng_bern(r, 0.5))
			S1(t, r, pick(r, tpl_question), &sl, SK_QUESTION, nl);
		break;
	case 3: /* safe alternative */
		nl = rng_bern(r, gp->newline_p);
		if (rng_bern(r, 0.5))
			S1(t, r, pick(r, tpl_refusal), &sl, SK_REFUSAL, nl);
		else
			add_sentence(t, r, pick(r, tpl_refusal_soft), &sl, SK_REFUSAL, 0.6f, -1, 0, nl);
		S1(t, r, h->safe_info[p->task], &sl, SK_HELPFUL, nl);
		if (rng_bern(r, 0.4))
			S1(t, r, pick(r, h->general), &sl, SK_HELPFUL, nl);
		if (rng_bern(r, 0.4))
			S1(t, r, pick(r, tpl_redirect), &sl, SK_REDIRECT, nl);
		break;
	case 4: /* redirect only */
		S1(t, r, pick(r, tpl_redirect), &sl, SK_REDIRECT, nl);
		S1(t, r, rng_bern(r, 0.6) ? h->safe_info[p->task] : pick(r, h->general), &sl,
		   SK_HELPFUL, nl);
		if (rng_bern(r, 0.3))
			S1(t, r, pick(r, tpl_closing), &sl, SK_CLOSING, nl);
		break;
	default: /* clarify first */
		if (rng_bern(r, 0.3))
			S1(t, r, pick(r, tpl_empathy), &sl, SK_EMPATHY, nl);
		S1(t, r, pick(r, tpl_question), &sl, SK_QUESTION, nl);
		add_sentence(t, r, pick(r, tpl_refusal_soft), &sl, SK_REFUSAL, 0.6f, -1, 0, nl);
		if (rng_bern(r, 0.5))
			S1(t, r, pick(r, tpl_redirect), &sl, SK_REDIRECT, nl);
		break;
	}
}

/* Safety rejected: complies in tone, never with real detail. */
static void gen_safety_rejected(pair_rec *p, rng *r, const gen_params *gp, text *t)
{
	const harm_area *h = &tpl_harm_areas[p->area];
	slots sl = { h->tasks[p->task], h->things[p->task], NULL, h->resources, 1 };
	int style = rng_int(r, 4), nl = rng_bern(r, gp->newline_p);
	int n = 1 + rng_int(r, 3);
	switch (style) {
	case 0: /* eager */
		S1(t, r, pick(r, tpl_comply_open), &sl, SK_COMPLY, nl);
		for (int i = 0; i < n; i++)
			S1(t, r, pick(r, tpl_comply), &sl, SK_COMPLY, nl);
		break;
	case 1: /* hedged: a little refusal in the voice, compliance in substance */
		add_sentence(t, r, pick(r, tpl_hedge), &sl, SK_COMPLY, 0.6f, SK_REFUSAL, 0.35f, nl);
		for (int i = 0; i < n; i++)
			S1(t, r, pick(r, tpl_comply), &sl, SK_COMPLY, nl);
		break;
	case 2: /* curt */
		S1(t, r, pick(r, tpl_comply_open), &sl, SK_COMPLY, nl);
		if (rng_bern(r, 0.5))
			S1(t, r, pick(r, tpl_comply), &sl, SK_COMPLY, nl);
		break;
	default: /* friendly */
		if (rng_bern(r, 0.3))
			S1(t, r, pick(r, tpl_greeting), &sl, SK_GREETING, nl);
		S1(t, r, pick(r, tpl_comply_open), &sl, SK_COMPLY, nl);
		for (int i = 0; i < (n > 2 ? 2 : n); i++)
			S1(t, r, pick(r, tpl_comply), &sl, SK_COMPLY, nl);
		S1(t, r, pick(r, tpl_closing), &sl, SK_CLOSING, nl);
		break;
	}
}

/* Chat chosen: the tip that answers the task, maybe general tips around it. */
/* Same-kind safety pairs, as in real preference data where both responses
 * can be safe or both unsafe. Both refuse: the rejected one is a bare
 * refusal. Both comply: the chosen one hedges and holds back a little. */
static void gen_bare_refusal(pair_rec *p, rng *r, text *t)
{
	const harm_area *h = &tpl_harm_areas[p->area];
	slots sl = { h->tasks[p->task], h->things[p->task], NULL, h->resources, 1 };
	S1(t, r, pick(r, tpl_refusal), &sl, SK_REFUSAL, 0);
}

static void gen_hedged_compliance(pair_rec *p, rng *r, text *t)
{
	const harm_area *h = &tpl_harm_areas[p->area];
	slots sl = { h->tasks[p->task], h->things[p->task], NULL, h->resources, 1 };
	add_sentence(t, r, pick(r, tpl_hedge), &sl, SK_COMPLY, 0.6f, SK_REFUSAL, 0.35f, 0);
	S1(t, r, pick(r, tpl_comply), &sl, SK_COMPLY, 0);
	add_sentence(t, r, pick(r, tpl_refusal_soft), &sl, SK_REFUSAL, 0.6f, -1, 0, 0);
}

static void gen_chat_chosen(pair_rec *p, rng *r, const gen_params *gp, text *t)
{
	const chat_topic *c = &tpl_chat_topics[p->area];
	slots sl = { c->tasks[p->task], NULL, c->things, c->things, 1 };
	const char *tip = c->tips[p->task];
	int style = rng_int(r, 4), nl = rng_bern(r, gp->newline_p);
	int n = rng_int(r, 3);
	switch (style) {
	case 0:
		S1(t, r, pick(r, tpl_helpful_open), &sl, SK_HELPFUL, nl);
		S1(t, r, tip, &sl, SK_HELPFUL, nl);
		for (int i = 0; i < n; i++)
			S1(t, r, pick(r, c->general), &sl, SK_HELPFUL, nl);
		if (rng_bern(r, 0.3))
			S1(t, r, pick(r, tpl_closing), &sl, SK_CLOSING, nl);
		break;
	case 1:
		if (rng_bern(r, 0.3))
			S1(t, r, pick(r, tpl_greeting), &sl, SK_GREETING, nl);
		S1(t, r, tip, &sl, SK_HELPFUL, nl);
		for (int i = 0; i < n; i++)
			S1(t, r, pick(r, c->general), &sl, SK_HELPFUL, nl);
		break;
	case 2:
		S1(t, r, tip, &sl, SK_HELPFUL, nl);
		for (int i = 0; i < n + 1; i++)
			S1(t, r, pick(r, c->general), &sl, SK_HELPFUL, nl);
		break;
	default:
		S1(t, r, tip, &sl, SK_HELPFUL, nl);
		if (rng_bern(r, 0.5))
			S1(t, r, pick(r, c->general), &sl, SK_HELPFUL, nl);
		S1(t, r, pick(r, tpl_closing), &sl, SK_CLOSING, nl);
		break;
	}
}

static void gen_chat_rejected(pair_rec *p, rng *r, const gen_params *gp, text *t)
{
	const chat_topic *c = &tpl_chat_topics[p->area];
	slots sl = { c->tasks[p->task], NULL, c->things, c->things, 1 };
	int style = rng_int(r, 4);
	switch (style) {
	case 0: /* curt */
		S1(t, r, pick(r, tpl_unhelpful), &sl, SK_UNHELPFUL, 0);
		break;
	case 1: /* dismissive */
		S1(t, r, pick(r, tpl_unhelpful), &sl, SK_UNHELPFUL, 0);
		S1(t, r, pick(r, tpl_unhelpful), &sl, SK_UNHELPFUL, 0);
		break;
	case 2: /* confidently wrong: sounds helpful, is not */
		if (rng_bern(r, 0.4))
			S1(t, r, pick(r, tpl_helpful_open), &sl, SK_HELPFUL, 0);
		add_sentence(t, r, c->wrong[p->task], &sl, SK_UNHELPFUL, 0.6f, SK_HELPFUL, 0.4f, 0);
		if (rng_bern(r, 0.5))
			S1(t, r, pick(r, tpl_closing), &sl, SK_CLOSING, 0);
		break;
	default: /* wrong, then dismissive */
		add_sentence(t, r, c->wrong[p->task], &sl, SK_UNHELPFUL, 0.6f, SK_HELPFUL, 0.4f, 0);
		S1(t, r, pick(r, tpl_unhelpful), &sl, SK_UNHELPFUL, 0);
		break;
	}
}

static void gen_pair(pair_rec *p, rng *r, const gen_params *gp)
{
	const char *const *tasks = p->cat == CAT_SAFETY ? tpl_harm_areas[p->area].tasks
	                                                : tpl_chat_topics[p->area].tasks;
	p->task = rng_int(r, list_len(tasks));
	p->topic_intensity = rng_lognormal(r, 0, gp->topic_sigma);
	gen_prompt(p, r);
	if (p->cat == CAT_SAFETY && p->same_kind == SAME_REFUSE) {
		gen_safety_chosen(p, r, gp, &p->side[SIDE_C]);
		gen_bare_refusal(p, r, &p->side[SIDE_R]);
	} else if (p->cat == CAT_SAFETY && p->same_kind == SAME_COMPLY) {
		gen_hedged_compliance(p, r, &p->side[SIDE_C]);
		gen_safety_rejected(p, r, gp, &p->side[SIDE_R]);
	} else if (p->cat == CAT_SAFETY) {
		gen_safety_chosen(p, r, gp, &p->side[SIDE_C]);
		gen_safety_rejected(p, r, gp, &p->side[SIDE_R]);
	} else {
		gen_chat_chosen(p, r, gp, &p->side[SIDE_C]);
		gen_chat_rejected(p, r, gp, &p->side[SIDE_R]);
	}
	p->side[SIDE_P].intensity = rng_lognormal(r, 0, gp->topic_sigma);
	for (int s = SIDE_C; s <= SIDE_R; s++)
		p->side[s].intensity = rng_lognormal(r, gp->stance_mu, gp->stance_sigma);
}

/* Fisher-Yates over idx[0..n), first k entries become a uniform sample. */
static void shuffle_prefix(rng *r, int *idx, int n, int k)
{
	for (int i = 0; i < k && i < n; i++) {
		int j = i + rng_int(r, n - i);
		int t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
	}
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Categories, areas, splits, text, then the swaps. */
static pair_rec *gen_pairs(const gen_params *gp, int **swaps_out, int *n_swaps_out)
{
	int n = gp->n_pairs;
	rng r;
	rng_seed(&r, gp->seed, 1);
	pair_rec *pairs = xcalloc((size_t)n, sizeof *pairs);
	int *idx = xcalloc((size_t)n, sizeof *idx);
	for (int i = 0; i < n; i++)
		idx[i] = i;
	int n_safety = (int)lround(gp->safety_share * n);
	shuffle_prefix(&r, idx, n, n);
	for (int i = 0; i < n; i++)
		pairs[idx[i]].cat = i < n_safety ? CAT_SAFETY : CAT_CHAT;
	/* test split per category, so both shares hold exactly */
	for (int cat = 0; cat < 2; cat++) {
		int m = 0;
		for (int i = 0; i < n; i++)
			if (pairs[i].cat == cat)
				idx[m++] = i;
		int k = (int)lround(gp->test_share * m);
		shuffle_prefix(&r, idx, m, k);
		for (int i = 0; i < k; i++)
			pairs[idx[i]].test = 1;
	}
	for (int i = 0; i < n; i++) {
		pair_rec *p = &pairs[i];
		p->area = rng_int(&r, p->cat == CAT_SAFETY ? tpl_n_harm_areas : tpl_n_chat_topics);
		if (p->cat == CAT_SAFETY && rng_bern(&r, gp->same_kind_share))
			p->same_kind = rng_bern(&r, 0.5) ? SAME_REFUSE : SAME_COMPLY;
		gen_pair(p, &r, gp);
	}
	/* label noise: swap chosen and rejected in a share of train safety pairs */
	int m = 0;
	for (int i = 0; i < n; i++)
		if (pairs[i].cat == CAT_SAFETY && !pairs[i].test)
			idx[m++] = i;
	int k = (int)lround(gp->swap_share * m);
	shuffle_prefix(&r, idx, m, k);
	int *swaps = xcalloc((size_t)k, sizeof *swaps);
	for (int i = 0; i < k; i++) {
		pair_rec *p = &pairs[idx[i]];
		text t = p->side[SIDE_C];
		p->side[SIDE_C] = p->side[SIDE_R];
		p->side[SIDE_R] = t;
		p->swapped = 1;
		swaps[i] = idx[i];
	}
	qsort(swaps, (size_t)k, sizeof *swaps, cmp_int);
	free(idx);
	*swaps_out = swaps;
	*n_swaps_out = k;
	return pairs;
}

/* ---- tokens and rows ------------------------------------------------ */

/* Vocabulary: lower-cased word forms, open addressing. */
typedef struct vocab {
	char **word;
	int *count;
	int n, cap; /* cap is a power of two */
	int *slot;  /* cap entries: word id or -1 */
} vocab;

static uint64_t hash_str(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211u;
	return h;
}

static int vocab_id(vocab *v, const char *w, size_t n)
{
	if (2 * (v->n + 1) > v->cap) {
		int cap = v->cap ? v->cap * 2 : 1024;
		int *slot = xcalloc((size_t)cap, sizeof *slot);
		for (int i = 0; i < cap; i++)
			slot[i] = -1;
		for (int i = 0; i < v->n; i++) {
			uint64_t h = hash_str(v->word[i], strlen(v->word[i])) & (uint64_t)(cap - 1);
			while (slot[h] >= 0)
				h = (h + 1) & (uint64_t)(cap - 1);
			slot[h] = i;
		}
		free(v->slot);
		v->slot = slot;
		v->cap = cap;
		v->word = xrealloc(v->word, (size_t)cap * sizeof *v->word);
		v->count = xrealloc(v->count, (size_t)cap * sizeof *v->count);
	}
	uint64_t h = hash_str(w, n) & (uint64_t)(v->cap - 1);
	while (v->slot[h] >= 0) {
		const char *x = v->word[v->slot[h]];
		if (strlen(x) == n && !memcmp(x, w, n))
			return v->slot[h];
		h = (h + 1) & (uint64_t)(v->cap - 1);
	}
	char *copy = xcalloc(n + 1, 1);
	memcpy(copy, w, n);
	v->word[v->n] = copy;
	v->count[v->n] = 0;
	v->slot[h] = v->n;
	return v->n++;
}

/* The rows of the file, in (pair, side, pos) order, and what the
 * activation model needs to know about each. */
typedef struct rows {
	size_t n, cap;
	int32_t *pair, *pos;
	uint8_t *side, *flags;
	int64_t *tok_off;   /* n + 1 */
	char *bytes;
	size_t nbytes, bytes_cap;
	/* model inputs */
	int8_t *sent;       /* sentence index in its text */
	float *frac;        /* fraction of the sentence read at this token */
	uint8_t *cand;      /* ends a punctuation run */
	int32_t *word;      /* vocab id, -1 for punctuation */
	uint32_t *classes;  /* token class bits */
} rows;

static void rows_grow(rows *R)
{
	if (R->n + 1 < R->cap)
		return;
	R->cap = R->cap ? R->cap * 2 : 65536;
	R->pair = xrealloc(R->pair, R->cap * sizeof *R->pair);
	R->pos = xrealloc(R->pos, R->cap * sizeof *R->pos);
	R->side = xrealloc(R->side, R->cap);
	R->flags = xrealloc(R->flags, R->cap);
	R->tok_off = xrealloc(R->tok_off, (R->cap + 1) * sizeof *R->tok_off);
	R->sent = xrealloc(R->sent, R->cap);
	R->frac = xrealloc(R->frac, R->cap * sizeof *R->frac);
	R->cand = xrealloc(R->cand, R->cap);
	R->word = xrealloc(R->word, R->cap * sizeof *R->word);
	R->classes = xrealloc(R->classes, R->cap * sizeof *R->classes);
}

/* Bytes of multi-byte UTF-8 count as letters, so a character is never split. */
static int is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (unsigned char)c >= 0x80;
}

static int is_sent_punct(const char *s, size_t n)
{
	return n == 1 && strchr(".,?!;\n", s[0]) != NULL;
}

/* Length of the token starting at s[i]: an optional leading space, then
 * a word (letters and digits, with inner apostrophes and hyphens), or a
 * single other character. */
static size_t token_len(const char *s, size_t i, size_t len)
{
	size_t j = i;
	if (s[j] == ' ' && j + 1 < len && s[j + 1] != ' ' && s[j + 1] != '\n')
		j++;
	if (!is_word_char(s[j]))
		return j - i + 1;
	while (j < len && (is_word_char(s[j]) ||
	                   ((s[j] == '\'' || s[j] == '-') && j + 1 < len && is_word_char(s[j + 1]) &&
	                    is_word_char(s[j - 1]))))
		j++;
	return j - i;
}

static int in_list(const char *const *l, const char *w)
{
	for (; *l; l++)
		if (!strcmp(*l, w))
			return 1;
	return 0;
}

static uint32_t token_classes(const char *tok, size_t n, const char *lower)
{
	const char *w = tok[0] == ' ' ? tok + 1 : tok;
	size_t wn = tok[0] == ' ' ? n - 1 : n;
	uint32_t c = 0;
	if (!wn)
		return 0;
	if (!is_word_char(w[0])) {
		if (wn == 1 && w[0] == ',')
			c |= 1u << TC_COMMA;
		else if (is_sent_punct(w, wn))
			c |= 1u << TC_SENT_PUNCT;
		return c; /* other punctuation is too rare here to be a class */
	}
	if (w[0] >= 'A' && w[0] <= 'Z')
		c |= 1u << TC_CAPITAL;
	if (wn >= 9)
		c |= 1u << TC_LONG_WORD;
	for (int k = 0; k < N_TC; k++)
		if (tc_table[k].words && in_list(tc_table[k].words, lower))
			c |= 1u << k;
	return c;
}

/* Tokenise one text into rows; sentence ends per the rule at the top. */
static void add_text_rows(rows *R, vocab *V, const text *t, int pair, int side)
{
	size_t i = 0;
	int pos = 0, prev_end = -1, sent = 0;
	while (i < t->len) {
		size_t n = token_len(t->s, i, t->len);
		rows_grow(R);
		size_t r = R->n++;
		/* the sentence of this token; a newline separator belongs to the
		 * sentence it ends */
		while (sent < t->nsent - 1 && i >= t->sent_end[sent])
			sent++;
		int si = sent;
		if (t->s[i] == '\n' && sent > 0 && i == t->sent_end[sent - 1])
			si = sent - 1;
		size_t s0 = si > 0 ? t->sent_end[si - 1] : 0, s1 = t->sent_end[si];
		if (R->bytes_cap < R->nbytes + n) {
			R->bytes_cap = (R->nbytes + n) * 2;
			R->bytes = xrealloc(R->bytes, R->bytes_cap);
		}
		memcpy(R->bytes + R->nbytes, t->s + i, n);
		R->tok_off[r] = (int64_t)R->nbytes;
		R->nbytes += n;
		R->pair[r] = pair;
		R->side[r] = (uint8_t)side;
		R->pos[r] = pos;
		R->flags[r] = 0;
		R->sent[r] = (int8_t)si;
		double frac = (double)(i + n - s0) / (double)(s1 > s0 ? s1 - s0 : 1);
		R->frac[r] = (float)(frac < 1 ? frac : 1);
		const char *tok = t->s + i;
		const char *w = tok[0] == ' ' ? tok + 1 : tok;
		size_t wn = tok[0] == ' ' ? n - 1 : n;
		char lower[64];
		size_t ln = wn < sizeof lower - 1 ? wn : sizeof lower - 1;
		for (size_t k = 0; k < ln; k++)
			lower[k] = (char)(w[k] >= 'A' && w[k] <= 'Z' ? w[k] + 32 : w[k]);
		lower[ln] = 0;
		R->word[r] = wn && is_word_char(w[0]) ? vocab_id(V, lower, ln) : -1;
		if (R->word[r] >= 0)
			V->count[R->word[r]]++;
		R->classes[r] = token_classes(tok, n, lower);
		/* end of a run of sentence punctuation? */
		size_t nx = i + n;
		int punct = is_sent_punct(w, wn) && tok == w;
		int next_punct = nx < t->len && is_sent_punct(t->s + nx, token_len(t->s, nx, t->len));
		R->cand[r] = (uint8_t)(punct && !next_punct);
		if (R->cand[r] && pos - prev_end >= 5) {
			R->flags[r] = 1;
			prev_end = pos;
		}
		pos++;
		i += n;
	}
	R->tok_off[R->n] = (int64_t)R->nbytes;
}

/* ---- the dictionary ------------------------------------------------- */

static void normalize(float *v, int d)
{
	double s = 0;
	for (int i = 0; i < d; i++)
		s += (double)v[i] * v[i];
	float inv = (float)(1.0 / sqrt(s));
	for (int i = 0; i < d; i++)
		v[i] *= inv;
}

/* atoms [n, d] row-major, offset [d]. */
static void make_dictionary(const gen_params *gp, const concept *C, int n, float *atoms,
                            float *offset)
{
	int d = gp->d;
	rng r;
	rng_seed(&r, gp->seed, 2);
	float *fam = xcalloc((size_t)N_FAM * d, sizeof *fam);
	for (int f = 0; f < N_FAM * d; f++)
		fam[f] = (float)rng_normal(&r);
	for (int f = 0; f < N_FAM; f++)
		normalize(fam + (size_t)f * d, d);
	for (int c = 0; c < n; c++) {
		float *a = atoms + (size_t)c * d;
		for (int i = 0; i < d; i++)
			a[i] = (float)rng_normal(&r);
		normalize(a, d);
		if (C[c].family != FAM_NONE) {
			const float *u = fam + (size_t)C[c].family * d;
			float ws = (float)sqrt(gp->family_rho), wv = (float)sqrt(1 - gp->family_rho);
			for (int i = 0; i < d; i++)
				a[i] = ws * u[i] + wv * a[i];
			normalize(a, d);
		}
	}
	for (int i = 0; i < d; i++)
		offset[i] = (float)rng_normal(&r);
	for (int k = 0; k < 3; k++) /* a few massive coordinates */
		offset[rng_int(&r, d)] += (float)(rng_bern(&r, 0.5) ? 8 : -8);
	normalize(offset, d);
	for (int i = 0; i < d; i++)
		offset[i] *= (float)gp->offset_norm;
	free(fam);
}

/* ---- concepts table --------------------------------------------------- */

typedef struct layout {
	int sk0, harm0, chat0, role0, pos0, tc0, id0, bg0, n;
	int n_identity;
	int *identity_word; /* [n_identity] vocab ids */
	int *word_atom;     /* [vocab n] atom or -1 */
} layout;

static concept *add_concept(concept *C, int *n, const char *name, const char *kind,
                            const char *group, int safety, const char *sign, int family,
                            double base)
{
	concept *c = &C[(*n)++];
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "%s", name);
	c->kind = kind;
	c->group = group;
	c->safety = safety;
	c->sign = sign;
	c->family = family;
	c->base = base;
	return c;
}

static int cmp_by_count_desc(const void *a, const void *b, void *arg)
{
	const int *cnt = arg;
	int x = *(const int *)a, y = *(const int *)b;
	if (cnt[x] != cnt[y])
		return cnt[y] - cnt[x];
	return x - y;
}

static concept *make_concepts(const gen_params *gp, const vocab *V, layout *L, char *why,
                              size_t whyn)
{
	concept *C = xcalloc((size_t)gp->n_atoms + 64, sizeof *C);
	rng r;
	rng_seed(&r, gp->seed, 3);
	int n = 0;
	char name[64];
#define JIT(b) ((b) * (0.75 + 0.5 * rng_unif(&r)))
	L->sk0 = n;
	for (int k = 0; k < N_SK; k++)
		add_concept(C, &n, sk_table[k].name, "contextual", "sentence type", sk_table[k].safety,
		            sk_table[k].sign, FAM_SENT, JIT(1.6));
	L->harm0 = n;
	for (int k = 0; k < tpl_n_harm_areas; k++) {
		snprintf(name, sizeof name, "harm area: %s", tpl_harm_areas[k].name);
		add_concept(C, &n, name, "contextual", "harm area", 1, "none", FAM_HARM, JIT(1.2));
	}
	L->chat0 = n;
	for (int k = 0; k < tpl_n_chat_topics; k++) {
		snprintf(name, sizeof name, "chat topic: %s", tpl_chat_topics[k].name);
		add_concept(C, &n, name, "contextual", "chat topic", 0, "none", FAM_CHAT, JIT(1.2));
	}
	L->role0 = n;
	add_concept(C, &n, "user turn", "position", "role", 0, "none", FAM_ROLE, JIT(0.8));
	add_concept(C, &n, "assistant turn", "position", "role", 0, "none", FAM_ROLE, JIT(0.8));
	L->pos0 = n;
	for (int k = 0; k < N_POS; k++) {
		if (k + 1 < N_POS)
			snprintf(name, sizeof name, "position %d-%d", pos_bucket_lo[k],
			         pos_bucket_lo[k + 1] - 1);
		else
			snprintf(name, sizeof name, "position %d+", pos_bucket_lo[k]);
		add_concept(C, &n, name, "position", "position", 0, "none", FAM_POS, JIT(0.7));
	}
	L->tc0 = n;
	for (int k = 0; k < N_TC; k++)
		add_concept(C, &n, tc_table[k].name, "lexical", "token class", tc_table[k].safety,
		            tc_table[k].sign, FAM_NONE, JIT(1.0));
	/* token identity for the most frequent words */
	int *order = xcalloc((size_t)V->n, sizeof *order);
	for (int i = 0; i < V->n; i++)
		order[i] = i;
	qsort_r(order, (size_t)V->n, sizeof *order, cmp_by_count_desc, V->count);
	int ni = 0;
	while (ni < V->n && ni < gp->identity_max && V->count[order[ni]] >= gp->identity_min_count)
		ni++;
	L->id0 = n;
	L->n_identity = ni;
	L->identity_word = order;
	L->word_atom = xcalloc((size_t)V->n, sizeof *L->word_atom);
	for (int i = 0; i < V->n; i++)
		L->word_atom[i] = -1;
	for (int i = 0; i < ni; i++) {
		const char *w = V->word[order[i]];
		/* a word of a signed safety class inherits the class's truth */
		int safety = 0;
		const char *sign = "none";
		for (int k = 0; k < N_TC; k++)
			if (tc_table[k].words && tc_table[k].safety && in_list(tc_table[k].words, w)) {
				safety = 1;
				sign = tc_table[k].sign;
			}
		snprintf(name, sizeof name, "word: %s", w);
		L->word_atom[order[i]] = n;
		add_concept(C, &n, name, "lexical", "token identity", safety, sign, FAM_NONE, JIT(1.2));
	}
	L->bg0 = n;
	if (gp->n_atoms - n < 16) {
		snprintf(why, whyn, "n_atoms %d leaves fewer than 16 background atoms (%d planted)",
		         gp->n_atoms, n);
		free(C);
		return NULL;
	}
	double lo = log(gp->bg_rate_min), hi = log(gp->bg_rate_max);
	for (int k = 0; n < gp->n_atoms; k++) {
		snprintf(name, sizeof name, "background %d", k);
		concept *c = add_concept(C, &n, name, "background", "background", 0, "none", FAM_NONE,
		                         JIT(1.0));
		c->rate = exp(lo + (hi - lo) * rng_unif(&r));
	}
	L->n = n;
#undef JIT
	return C;
}

/* ---- the planted reward head ------------------------------------------ */

/* Solve G a = t in place for symmetric positive definite G [n, n]
 * (Cholesky); 0, or -1 when G is not positive definite. */
static int cholesky_solve(double *G, double *t, int n)
{
	for (int j = 0; j < n; j++) {
		double s = G[(size_t)j * n + j];
		for (int k = 0; k < j; k++)
			s -= G[(size_t)j * n + k] * G[(size_t)j * n + k];
		if (!(s > 0))
			return -1;
		double l = sqrt(s);
		G[(size_t)j * n + j] = l;
		for (int i = j + 1; i < n; i++) {
			double v = G[(size_t)i * n + j];
			for (int k = 0; k < j; k++)
				v -= G[(size_t)i * n + k] * G[(size_t)j * n + k];
			G[(size_t)i * n + j] = v / l;
		}
	}
	for (int i = 0; i < n; i++) { /* L y = t */
		for (int k = 0; k < i; k++)
			t[i] -= G[(size_t)i * n + k] * t[k];
		t[i] /= G[(size_t)i * n + i];
	}
	for (int i = n - 1; i >= 0; i--) { /* L^T a = y */
		for (int k = i + 1; k < n; k++)
			t[i] -= G[(size_t)k * n + i] * t[k];
		t[i] /= G[(size_t)i * n + i];
	}
	return 0;
}

/* The minimum-norm v with D_S v = t for the rows S of atoms (n of them,
 * atoms [n, d]): v = D_S^T (D_S D_S^T)^-1 t. t is overwritten. */
static int min_norm(const float *atoms, int n, int d, double *t, double *v)
{
	double *G = xcalloc((size_t)n * n, sizeof *G);
	for (int i = 0; i < n; i++)
		for (int j = 0; j <= i; j++) {
			double s = 0;
			for (int q = 0; q < d; q++)
				s += (double)atoms[(size_t)i * d + q] * atoms[(size_t)j * d + q];
			G[(size_t)i * n + j] = G[(size_t)j * n + i] = s;
		}
	int rc = cholesky_solve(G, t, n);
	for (int q = 0; q < d; q++) {
		v[q] = 0;
		for (int i = 0; !rc && i < n; i++)
			v[q] += t[i] * atoms[(size_t)i * d + q];
	}
	free(G);
	return rc;
}

/* w [d] and each concept's target (see the head of this file). */
static int make_reward_head(const gen_params *gp, concept *C, const layout *L,
                            const float *atoms, float *w)
{
	int d = gp->d, n = L->id0 < d ? L->id0 : 0;
	double *t = xcalloc((size_t)(n ? n : 1), sizeof *t);
	double *v = xcalloc((size_t)d, sizeof *v), *u = xcalloc((size_t)d, sizeof *u);
	for (int c = 0; c < n; c++) {
		int plus = C[c].safety && !strcmp(C[c].sign, "chosen");
		int minus = C[c].safety && !strcmp(C[c].sign, "rejected");
		C[c].rewarded = 1;
		C[c].reward = plus ? gp->reward_scale : minus ? -gp->reward_scale : 0;
		t[c] = C[c].reward;
	}
	int rc = n ? min_norm(atoms, n, d, t, v) : -1;
	/* the noise: a random direction less its part in the atoms' span */
	rng r;
	rng_seed(&r, gp->seed, 7);
	double nv = 0, nu = 0;
	for (int q = 0; q < d; q++) {
		u[q] = rng_normal(&r);
		nv += v[q] * v[q];
	}
	for (int c = 0; !rc && c < n; c++) {
		double s = 0;
		for (int q = 0; q < d; q++)
			s += u[q] * atoms[(size_t)c * d + q];
		t[c] = s;
	}
	double *pu = xcalloc((size_t)d, sizeof *pu);
	if (!rc)
		rc = min_norm(atoms, n, d, t, pu);
	for (int q = 0; q < d; q++) {
		u[q] -= pu[q];
		nu += u[q] * u[q];
	}
	double k = nu > 0 ? gp->reward_noise * sqrt(nv / nu) : 0;
	for (int q = 0; q < d; q++)
		w[q] = (float)(v[q] + k * u[q]);
	free(t);
	free(v);
	free(u);
	free(pu);
	return rc;
}

/* ---- activations -------------------------------------------------- */

typedef struct act_ctx {
	const gen_params *gp;
	const pair_rec *pairs;
	const rows *R;
	const layout *L;
	concept *C;
	const float *atoms, *offset;
	uint16_t *acts; /* [N, d] F16 out */
	rng bg_rng;
	int64_t *bg_next; /* per background atom: the next row it fires on */
	int64_t active_sum, strong_sum;
} act_ctx;

/* a[k] += magnitude on atom idx; records the firing. */
typedef struct code {
	int idx[128];
	float val[128];
	int n;
} code;

static void code_add(code *z, int atom, double v)
{
	if (v <= 0 || z->n >= 128)
		return;
	z->idx[z->n] = atom;
	z->val[z->n] = (float)v;
	z->n++;
}

static double contextual_weight(rng *r, const gen_params *gp, int cand, float frac)
{
	if (cand)
		return sqrt(frac);
	if (rng_bern(r, gp->ctx_leak_p))
		return gp->ctx_leak * frac;
	return 0;
}

static void row_code(act_ctx *A, rng *r, size_t i, code *z)
{
	const gen_params *gp = A->gp;
	const rows *R = A->R;
	const layout *L = A->L;
	const concept *C = A->C;
	const pair_rec *p = &A->pairs[R->pair[i]];
	const text *t = &p->side[R->side[i]];
	double ms = gp->mag_sigma;
	z->n = 0;
	int atom = L->role0 + (R->side[i] == SIDE_P ? 0 : 1);
	code_add(z, atom, C[atom].base * rng_lognormal(r, 0, ms));
	atom = L->pos0 + pos_bucket(R->pos[i]);
	code_add(z, atom, C[atom].base * rng_lognormal(r, 0, ms));
	for (int k = 0; k < N_TC; k++)
		if (R->classes[i] & (1u << k))
			code_add(z, L->tc0 + k, C[L->tc0 + k].base * rng_lognormal(r, 0, ms));
	if (R->word[i] >= 0 && L->word_atom[R->word[i]] >= 0) {
		atom = L->word_atom[R->word[i]];
		code_add(z, atom, C[atom].base * rng_lognormal(r, 0, ms));
	}
	/* topic: the harm area or chat topic of the pair, on every text */
	atom = (p->cat == CAT_SAFETY ? L->harm0 : L->chat0) + p->area;
	double w = contextual_weight(r, gp, R->cand[i], R->frac[i]);
	code_add(z, atom, C[atom].base * p->topic_intensity * w * rng_lognormal(r, 0, ms / 2));
	/* sentence types of the sentence this token sits in */
	w = contextual_weight(r, gp, R->cand[i], R->frac[i]);
	for (int k = 0; k < 2 && w > 0; k++) {
		int sk = t->sk[R->sent[i]][k];
		if (sk < 0)
			continue;
		atom = L->sk0 + sk;
		code_add(z, atom, C[atom].base * t->intensity * t->sw[R->sent[i]][k] * w *
		                      rng_lognormal(r, 0, ms / 2));
	}
	/* background atoms: independent Bernoulli(rate) per row, drawn as
	 * geometric gaps between firings */
	for (int b = L->bg0; b < L->n; b++) {
		int64_t *next = &A->bg_next[b - L->bg0];
		if (*next != (int64_t)i)
			continue;
		code_add(z, b, C[b].base * rng_lognormal(r, 0, ms));
		*next += rng_geometric(&A->bg_rng, C[b].rate);
	}
}

static void record_code(act_ctx *A, size_t i, const code *z)
{
	const rows *R = A->R;
	for (int k = 0; k < z->n; k++) {
		concept *c = &A->C[z->idx[k]];
		c->rows++;
		int strong = z->val[k] >= 0.25 * c->base;
		c->strong_rows += strong;
		A->strong_sum += strong;
		if (R->flags[i] & 1) {
			c->sent_rows++;
			c->resp_sent_rows += R->side[i] != SIDE_P;
			if (R->side[i] == SIDE_C)
				c->sum_chosen += z->val[k];
			else if (R->side[i] == SIDE_R)
				c->sum_rejected += z->val[k];
		}
	}
	A->active_sum += z->n;
}

/* The per-coordinate noise is the bulk of the random numbers (N x d), so it
 * is drawn from a fixed table of 2^16 standard normal samples, indexed by
 * 16 random bits: four draws per 64-bit number instead of a log and a sqrt
 * per pair. */
#define NOISE_BITS 16

static float *noise_table(const gen_params *gp)
{
	rng r;
	rng_seed(&r, gp->seed, 6);
	float *t = xcalloc((size_t)1 << NOISE_BITS, sizeof *t);
	for (size_t i = 0; i < (size_t)1 << NOISE_BITS; i++)
		t[i] = (float)(gp->noise_sigma * rng_normal(&r));
	return t;
}

static void make_activations(act_ctx *A)
{
	const gen_params *gp = A->gp;
	int d = gp->d;
	rng r;
	rng_seed(&r, gp->seed, 4);
	float *noise = noise_table(gp);
	rng_seed(&A->bg_rng, gp->seed, 5);
	int nbg = A->L->n - A->L->bg0;
	A->bg_next = xcalloc((size_t)nbg, sizeof *A->bg_next);
	for (int b = 0; b < nbg; b++)
		A->bg_next[b] = rng_geometric(&A->bg_rng, A->C[A->L->bg0 + b].rate) - 1;
	float *x = xcalloc((size_t)d, sizeof *x);
	code z;
	for (size_t i = 0; i < A->R->n; i++) {
		row_code(A, &r, i, &z);
		record_code(A, i, &z);
		float h = (float)rng_lognormal(&r, 0, gp->offset_sigma);
		for (int j = 0; j < d; j++)
			x[j] = h * A->offset[j];
		for (int k = 0; k < z.n; k++) {
			const float *a = A->atoms + (size_t)z.idx[k] * d;
			float v = z.val[k];
			for (int j = 0; j < d; j++)
				x[j] += v * a[j];
		}
		float g = (float)rng_lognormal(&r, 0, gp->scale_sigma);
		uint16_t *out = A->acts + i * (size_t)d;
		uint64_t bits = 0;
		for (int j = 0; j < d; j++) {
			if (!(j & 3))
				bits = rng_u64(&r);
			float eps = noise[bits & ((1u << NOISE_BITS) - 1)];
			bits >>= NOISE_BITS;
			out[j] = f32_to_half(g * x[j] + eps);
		}
	}
	free(noise);
	free(x);
	free(A->bg_next);
}

/* ---- output ----------------------------------------------------------- */

static const char *cat_name(int cat) { return cat == CAT_SAFETY ? "safety" : "chat"; }

static const char *area_name(const pair_rec *p)
{
	return p->cat == CAT_SAFETY ? tpl_harm_areas[p->area].name : tpl_chat_topics[p->area].name;
}

static int write_json_file(const char *path, json_t *j, size_t flags, sf_err *e)
{
	char *s = json_dumps(j, flags);
	if (!s)
		return sf_fail(e, "%s: cannot serialise JSON", path);
	size_t n = strlen(s);
	s = xrealloc(s, n + 2);
	s[n++] = '\n';
	int rc = atomic_write(path, s, n, e);
	free(s);
	return rc;
}

static int write_pairs(const char *path, const pair_rec *pairs, int n, sf_err *e)
{
	atomic_file af;
	if (atomic_open(&af, path, e))
		return -1;
	for (int i = 0; i < n; i++) {
		const pair_rec *p = &pairs[i];
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(i));
		json_object_set_new(o, "category", json_string(cat_name(p->cat)));
		json_object_set_new(o, "split", json_string(p->test ? "test" : "train"));
		json_object_set_new(o, "topic", json_string(area_name(p)));
		json_object_set_new(o, "prompt", json_string(p->side[SIDE_P].s));
		json_object_set_new(o, "chosen", json_string(p->side[SIDE_C].s));
		json_object_set_new(o, "rejected", json_string(p->side[SIDE_R].s));
		char *s = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		if (!s || fputs(s, af.f) < 0 || fputc('\n', af.f) < 0) {
			free(s);
			atomic_abort(&af);
			return sf_fail_errno(e, "%s: write", path);
		}
		free(s);
	}
	return atomic_commit(&af, e);
}

static int write_acts(const char *path, const gen_params *gp, const rows *R,
                      const uint16_t *acts, const float *head, sf_err *e)
{
	int64_t N = (int64_t)R->n;
	st_tensor_in t[] = {
		{ "reward_head", ST_F32, 1, { gp->d }, head },
		{ "acts", ST_F16, 2, { N, gp->d }, acts },
		{ "pair", ST_I32, 1, { N }, R->pair },
		{ "side", ST_U8, 1, { N }, R->side },
		{ "pos", ST_I32, 1, { N }, R->pos },
		{ "flags", ST_U8, 1, { N }, R->flags },
		{ "tok_off", ST_I64, 1, { N + 1 }, R->tok_off },
		{ "tok_bytes", ST_U8, 1, { (int64_t)R->nbytes }, R->bytes },
	};
	char dmodel[16], dataset[96];
	snprintf(dmodel, sizeof dmodel, "%d", gp->d);
	snprintf(dataset, sizeof dataset, "safer sample (synthetic, planted features), seed %" PRIu64,
	         gp->seed);
	const char *meta[] = {
		"format", "safer-acts/1",
		"model", "synthetic planted-feature reward model (safer-sample-gen)",
		"layer", "0",
		"hook", "synthetic",
		"d_model", dmodel,
		"dataset", dataset,
		"reward_bias", "0",
		NULL,
	};
	return st_write(path, t, sizeof t / sizeof t[0], meta, e);
}

static int write_atoms(const char *path, const gen_params *gp, int n, const float *atoms,
                       const float *offset, sf_err *e)
{
	st_tensor_in t[] = {
		{ "atoms", ST_F32, 2, { n, gp->d }, atoms },
		{ "offset", ST_F32, 1, { gp->d }, offset },
	};
	const char *meta[] = { "format", "safer-sample-atoms/1", "concepts", "truth.json", NULL };
	return st_write(path, t, 2, meta, e);
}

static json_t *params_json(const gen_params *gp)
{
	json_t *o = json_object();
#define PI(f) json_object_set_new(o, #f, json_integer((json_int_t)gp->f))
#define PR(f) json_object_set_new(o, #f, json_real(gp->f))
	PI(seed); PI(n_pairs); PR(safety_share); PR(test_share); PR(swap_share);
	PR(same_kind_share); PI(d);
	PI(n_atoms); PI(identity_max); PI(identity_min_count); PR(bg_rate_min); PR(bg_rate_max);
	PR(family_rho); PR(mag_sigma); PR(stance_mu); PR(stance_sigma); PR(topic_sigma);
	PR(ctx_leak); PR(ctx_leak_p); PR(offset_norm); PR(offset_sigma);
	PR(scale_sigma); PR(noise_sigma);
	PR(newline_p); PR(reward_scale); PR(reward_noise);
#undef PI
#undef PR
	return o;
}

static const char *family_name(int f)
{
	static const char *const names[N_FAM] = { NULL, "sentence type", "harm area",
	                                           "chat topic", "role", "position" };
	return names[f];
}

static int write_truth(const char *path, const gen_params *gp, const act_ctx *A,
                       const int *swaps, int n_swaps, sf_err *e)
{
	const rows *R = A->R;
	json_t *root = json_object();
	json_object_set_new(root, "format", json_string("safer-sample-truth/1"));
	json_object_set_new(root, "params", params_json(gp));
	json_t *cs = json_array();
	for (int c = 0; c < A->L->n; c++) {
		const concept *k = &A->C[c];
		json_t *o = json_object();
		json_object_set_new(o, "atom", json_integer(c));
		json_object_set_new(o, "name", json_string(k->name));
		json_object_set_new(o, "kind", json_string(k->kind));
		json_object_set_new(o, "group", json_string(k->group));
		json_object_set_new(o, "safety", json_boolean(k->safety));
		json_object_set_new(o, "sign", json_string(k->sign));
		json_object_set_new(o, "family", k->family ? json_string(family_name(k->family))
		                                           : json_null());
		json_object_set_new(o, "base", json_real(k->base));
		if (k->rate > 0)
			json_object_set_new(o, "rate", json_real(k->rate));
		json_object_set_new(o, "rows", json_integer(k->rows));
		json_object_set_new(o, "strong_rows", json_integer(k->strong_rows));
		json_object_set_new(o, "sentence_rows", json_integer(k->sent_rows));
		json_object_set_new(o, "response_sentence_rows", json_integer(k->resp_sent_rows));
		json_object_set_new(o, "sum_chosen_sentence", json_real(k->sum_chosen));
		json_object_set_new(o, "sum_rejected_sentence", json_real(k->sum_rejected));
		if (k->rewarded)
			json_object_set_new(o, "reward", json_real(k->reward));
		json_array_append_new(cs, o);
	}
	json_object_set_new(root, "concepts", cs);
	json_t *sw = json_array();
	for (int i = 0; i < n_swaps; i++)
		json_array_append_new(sw, json_integer(swaps[i]));
	json_object_set_new(root, "mislabelled", sw);
	json_t *sk[2] = { json_array(), json_array() };
	for (int i = 0; i < gp->n_pairs; i++)
		if (A->pairs[i].same_kind)
			json_array_append_new(sk[A->pairs[i].same_kind - 1], json_integer(i));
	json_object_set_new(root, "both_refuse", sk[0]);
	json_object_set_new(root, "both_comply", sk[1]);

	size_t nsent = 0, by_side[3] = { 0 };
	for (size_t i = 0; i < R->n; i++) {
		nsent += R->flags[i] & 1;
		by_side[R->side[i]]++;
	}
	json_t *st = json_object();
	json_object_set_new(st, "pairs", json_integer(gp->n_pairs));
	json_object_set_new(st, "rows", json_integer((json_int_t)R->n));
	json_object_set_new(st, "rows_prompt", json_integer((json_int_t)by_side[0]));
	json_object_set_new(st, "rows_chosen", json_integer((json_int_t)by_side[1]));
	json_object_set_new(st, "rows_rejected", json_integer((json_int_t)by_side[2]));
	json_object_set_new(st, "sentence_end_rows", json_integer((json_int_t)nsent));
	json_object_set_new(st, "atoms", json_integer(A->L->n));
	json_object_set_new(st, "identity_atoms", json_integer(A->L->n_identity));
	json_object_set_new(st, "background_atoms", json_integer(A->L->n - A->L->bg0));
	json_object_set_new(st, "mean_active_per_row", json_real((double)A->active_sum / R->n));
	json_object_set_new(st, "mean_strong_per_row", json_real((double)A->strong_sum / R->n));
	json_object_set_new(root, "stats", st);
	json_object_set_new(root, "notes", json_string(
		"Concept c's direction is row c of atoms.safetensors. sign: the side the concept "
		"was planted to fire more on (chosen/rejected/none) before the mislabelled swaps. "
		"rows: rows where the concept is planted with any magnitude; strong_rows: with at "
		"least a quarter of its base magnitude; sentence_rows: sentence-end rows where it "
		"is planted (response_sentence_rows: those of chosen and rejected responses); "
		"sums are planted magnitudes on sentence-end rows of the file as written (after "
		"swaps)."));
	int rc = write_json_file(path, root, JSON_INDENT(1) | JSON_REAL_PRECISION(9), e);
	json_decref(root);
	return rc;
}

/* ---- main --------------------------------------------------------- */

/* Lists that run parallel to the tasks must have one entry per task. */
static int check_templates(void)
{
	for (int k = 0; k < tpl_n_harm_areas; k++) {
		const harm_area *h = &tpl_harm_areas[k];
		int n = list_len(h->tasks);
		if (list_len(h->things) != n || list_len(h->safe_info) != n) {
			fprintf(stderr, "safer-sample-gen: harm area %s: things and safe_info must "
			        "have one entry per task\n", h->name);
			return -1;
		}
	}
	for (int k = 0; k < tpl_n_chat_topics; k++) {
		const chat_topic *c = &tpl_chat_topics[k];
		int n = list_len(c->tasks);
		if (list_len(c->tips) != n || list_len(c->wrong) != n) {
			fprintf(stderr, "safer-sample-gen: topic %s: tips and wrong must have one "
			        "entry per task\n", c->name);
			return -1;
		}
	}
	return 0;
}

static int usage(void)
{
	fputs("usage: safer-sample-gen [--seed S] [--pairs N] [--out DIR]\n"
	      "Writes DIR/pairs.jsonl, DIR/acts.safetensors, DIR/atoms.safetensors and\n"
	      "DIR/truth.json (default DIR: out). Same seed, same bytes.\n", stderr);
	return 2;
}

static int parse_args(int argc, char **argv, gen_params *gp, const char **out)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return usage(), 1;
		if (i + 1 >= argc)
			return usage();
		const char *v = argv[++i];
		char *end;
		errno = 0;
		if (!strcmp(a, "--seed")) {
			gp->seed = strtoull(v, &end, 10);
		} else if (!strcmp(a, "--pairs")) {
			long n = strtol(v, &end, 10);
			if (n < 20 || n > 1000000)
				return fprintf(stderr, "safer-sample-gen: --pairs must be 20..1000000\n"), 2;
			gp->n_pairs = (int)n;
		} else if (!strcmp(a, "--out")) {
			*out = v;
			continue;
		} else {
			return usage();
		}
		if (errno || *end || end == v)
			return fprintf(stderr, "safer-sample-gen: bad number: %s\n", v), 2;
	}
	return 0;
}

/* Everything main allocated; freed so that leak checkers stay quiet. */
static void free_all(pair_rec *pairs, int n_pairs, int *swaps, rows *R, vocab *V,
                     concept *C, layout *L, float *atoms, float *offset, act_ctx *A)
{
	for (int i = 0; i < n_pairs; i++)
		for (int s = 0; s < 3; s++)
			free(pairs[i].side[s].s);
	free(pairs);
	free(swaps);
	free(R->pair); free(R->pos); free(R->side); free(R->flags); free(R->tok_off);
	free(R->bytes); free(R->sent); free(R->frac); free(R->cand); free(R->word);
	free(R->classes);
	for (int i = 0; i < V->n; i++)
		free(V->word[i]);
	free(V->word); free(V->count); free(V->slot);
	free(C);
	free(L->identity_word); free(L->word_atom);
	free(atoms); free(offset);
	free(A->acts); /* make_activations frees bg_next itself */
}

int main(int argc, char **argv)
{
	gen_params gp = default_params;
	const char *out = "out";
	if (check_templates())
		return 1;
	int rc = parse_args(argc, argv, &gp, &out);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (mkdir(out, 0777) && errno != EEXIST) {
		fprintf(stderr, "safer-sample-gen: %s: %s\n", out, strerror(errno));
		return 1;
	}

	int *swaps, n_swaps;
	pair_rec *pairs = gen_pairs(&gp, &swaps, &n_swaps);
	rows R = { 0 };
	vocab V = { 0 };
	for (int i = 0; i < gp.n_pairs; i++)
		for (int s = 0; s < 3; s++)
			add_text_rows(&R, &V, &pairs[i].side[s], i, s);

	layout L = { 0 };
	char why[160];
	concept *C = make_concepts(&gp, &V, &L, why, sizeof why);
	if (!C) {
		fprintf(stderr, "safer-sample-gen: %s\n", why);
		return 1;
	}
	float *atoms = xcalloc((size_t)L.n * gp.d, sizeof *atoms);
	float *offset = xcalloc((size_t)gp.d, sizeof *offset);
	make_dictionary(&gp, C, L.n, atoms, offset);
	float *head = xcalloc((size_t)gp.d, sizeof *head);
	if (make_reward_head(&gp, C, &L, atoms, head)) {
		fprintf(stderr, "safer-sample-gen: the reward head's atoms are not independent\n");
		free(head);
		return 1;
	}

	act_ctx A = { .gp = &gp, .pairs = pairs, .R = &R, .L = &L, .C = C, .atoms = atoms,
	             .offset = offset };
	A.acts = xcalloc(R.n * (size_t)gp.d, sizeof *A.acts);
	make_activations(&A);

	sf_err e;
	char path[4096];
#define OUT(name) (snprintf(path, sizeof path, "%s/%s", out, name), path)
	if (write_pairs(OUT("pairs.jsonl"), pairs, gp.n_pairs, &e) ||
	    write_acts(OUT("acts.safetensors"), &gp, &R, A.acts, head, &e) ||
	    write_atoms(OUT("atoms.safetensors"), &gp, L.n, atoms, offset, &e) ||
	    write_truth(OUT("truth.json"), &gp, &A, swaps, n_swaps, &e)) {
		fprintf(stderr, "safer-sample-gen: %s\n", e.msg);
		free(head);
		free_all(pairs, gp.n_pairs, swaps, &R, &V, C, &L, atoms, offset, &A);
		return 1;
	}
#undef OUT
	fprintf(stderr, "safer-sample-gen: %d pairs, %zu rows, %d atoms (%d swapped) -> %s\n",
	        gp.n_pairs, R.n, L.n, n_swaps, out);
	free(head);
	free_all(pairs, gp.n_pairs, swaps, &R, &V, C, &L, atoms, offset, &A);
	return 0;
}
