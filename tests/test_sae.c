/* SAE model and trainer against the torch reference (tests/sae_ref.py):
 * encode to 1e-5, three Adam steps (losses and all four tensors) to 1e-4,
 * the three layouts and F16/BF16, save/load round trip, determinism,
 * NaN rows refused. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/formats/safetensors.h"
#include "engine/sae/sae.h"
#include "engine/sae/train.h"
#include "tests/tap.h"

static st_file *ref;
static char fixdir[4096];

static const float *T(const char *name, size_t *n)
{
	const st_tensor *t = st_find(ref, name);
	if (!t) {
		printf("Bail out! fixture tensor %s missing\n", name);
		exit(1);
	}
	if (n)
		*n = t->nelem;
	return t->data; /* written 8-byte aligned by sae_ref.py */
}

static int metai(const char *k)
{
	return atoi(st_meta(ref, k));
}

/* max |got - want| / (|want| + rms(want)) over a tensor */
static double tensor_err(const float *got, const float *want, size_t n)
{
	double ss = 0, worst = 0;
	for (size_t i = 0; i < n; i++)
		ss += (double)want[i] * want[i];
	double rms = sqrt(ss / (n ? n : 1));
	for (size_t i = 0; i < n; i++) {
		double e = fabs((double)got[i] - want[i]) / (fabs(want[i]) + rms + 1e-30);
		if (e > worst)
			worst = e;
	}
	return worst;
}

static sae *case_sae(const char *c, int suffix_after)
{
	int D = metai("D"), M = metai("M"), K = metai("K");
	char nm[64];
	sae *s;
	sf_err e;
	if (sae_new(&s, D, M, K, &e)) {
		printf("Bail out! %s\n", e.msg);
		exit(1);
	}
	const char *names[4] = { "W_enc", "b_lat", "W_dec", "b_pre" };
	float *dst[4] = { s->W_enc, s->b_lat, s->W_dec, s->b_pre };
	for (int i = 0; i < 4; i++) {
		size_t n;
		snprintf(nm, sizeof nm, "%s.%s%s", c, names[i], suffix_after ? ".after" : "");
		const float *src = T(nm, &n);
		memcpy(dst[i], src, n * sizeof(float));
	}
	snprintf(nm, sizeof nm, "%s.flags", c);
	const int32_t *fl = (const int32_t *)T(nm, NULL);
	s->normalize = fl[0] ? SAE_NORM_STANDARDIZE : SAE_NORM_NONE;
	s->relu = fl[1];
	return s;
}

static void check_codes(const char *what, const uint32_t *idx, const float *val,
                        const int32_t *widx, const float *wval, size_t n)
{
	int idx_ok = 1;
	double worst = 0;
	for (size_t i = 0; i < n; i++) {
		/* a zero (ReLU-clamped) value may sit at any index */
		if ((int32_t)idx[i] != widx[i] && wval[i] != 0)
			idx_ok = 0;
		double e = fabs(val[i] - wval[i]) / fmax(fabs(wval[i]), 1e-3);
		if (e > worst)
			worst = e;
	}
	ok(idx_ok, "%s: indices match the reference", what);
	ok(worst <= 1e-5, "%s: values match to 1e-5 relative (worst %.2g)", what, worst);
}

static void test_case(const char *c)
{
	int B = metai("B"), K = metai("K");
	char nm[64];
	sae *s = case_sae(c, 0);
	sf_err e;
	/* encode batch 0 */
	sae_encoder *en;
	if (sae_encoder_new(&en, s, B, &e)) {
		ok(0, "encoder: %s", e.msg);
		return;
	}
	uint32_t *idx = malloc(B * K * sizeof *idx);
	float *val = malloc(B * K * sizeof *val);
	snprintf(nm, sizeof nm, "%s.x0", c);
	sae_encode(en, T(nm, NULL), B, idx, val);
	snprintf(nm, sizeof nm, "%s.idx", c);
	const int32_t *widx = (const int32_t *)T(nm, NULL);
	snprintf(nm, sizeof nm, "%s.val", c);
	char what[64];
	snprintf(what, sizeof what, "case %s encode", c);
	check_codes(what, idx, val, widx, T(nm, NULL), (size_t)B * K);
	sae_encoder_free(en);

	/* three Adam steps */
	train_opts o;
	train_opts_default(&o);
	o.threads = 1;
	o.lr = atof(st_meta(ref, "lr"));
	snprintf(nm, sizeof nm, "%s.dead", c);
	const st_tensor *dead = st_find(ref, nm);
	o.auxk = dead != NULL;
	o.k_aux = metai("k_aux");
	o.aux_coef = 1.0 / 32;
	train_step_ctx *tc;
	if (train_step_new(&tc, s, &o, B, &e)) {
		ok(0, "train_step_new: %s", e.msg);
		return;
	}
	if (dead)
		train_step_set_dead(tc, dead->data);
	snprintf(nm, sizeof nm, "%s.loss", c);
	const float *wl = T(nm, NULL);
	for (int i = 0; i < 3; i++) {
		snprintf(nm, sizeof nm, "%s.x%d", c, i);
		double loss = train_step(tc, s, T(nm, NULL), B, o.lr);
		is_close(loss, wl[i], 1e-4, "case %s step %d loss %.6g", c, i + 1, loss);
	}
	sae *w = case_sae(c, 1);
	const char *names[4] = { "W_enc", "b_lat", "W_dec", "b_pre" };
	const float *got[4] = { s->W_enc, s->b_lat, s->W_dec, s->b_pre };
	const float *want[4] = { w->W_enc, w->b_lat, w->W_dec, w->b_pre };
	size_t n[4] = { (size_t)s->m * s->d, s->m, (size_t)s->m * s->d, s->d };
	for (int i = 0; i < 4; i++) {
		double err = tensor_err(got[i], want[i], n[i]);
		ok(err <= 1e-4, "case %s: %s after 3 Adam steps within 1e-4 (worst %.2g)", c,
		   names[i], err);
	}
	train_step_free(tc);
	sae_free(w);
	sae_free(s);
	free(idx);
	free(val);
}

static void encode_file(const char *rel, int norm, int k, const char *tag, uint32_t *idx,
                        float *val, sae **keep)
{
	char path[4600];
	snprintf(path, sizeof path, "%s/%s", fixdir, rel);
	sae *s;
	sf_err e;
	int B = metai("B");
	if (sae_load(&s, path, norm, k, &e)) {
		ok(0, "load %s: %s", rel, e.msg);
		return;
	}
	ok(1, "load %s (%s layout, k %d, relu %d)", rel, sae_layout_name(s->layout), s->k,
	   s->relu);
	sae_encoder *en;
	sae_encoder_new(&en, s, B, &e);
	sae_encode(en, T("layout.x", NULL), B, idx, val);
	sae_encoder_free(en);
	char nm[64];
	snprintf(nm, sizeof nm, "layout.%s.idx", tag);
	const int32_t *wi = (const int32_t *)T(nm, NULL);
	snprintf(nm, sizeof nm, "layout.%s.val", tag);
	char what[128];
	snprintf(what, sizeof what, "%s codes", rel);
	check_codes(what, idx, val, wi, T(nm, NULL), (size_t)B * s->k);
	if (keep)
		*keep = s;
	else
		sae_free(s);
}

static void test_layouts(void)
{
	int B = metai("B"), K = metai("K");
	size_t n = (size_t)B * K;
	uint32_t *i1 = malloc(n * 4), *i2 = malloc(n * 4), *i3 = malloc(n * 4), *i4 = malloc(n * 4);
	float *v1 = malloc(n * 4), *v2 = malloc(n * 4), *v3 = malloc(n * 4), *v4 = malloc(n * 4);
	sae *sp = NULL;
	encode_file("sparsify", -1, 0, "relu", i1, v1, &sp);
	encode_file("saelens", -1, 0, "relu", i2, v2, NULL);
	encode_file("safer.safetensors", SAE_NORM_NONE, K, "raw", i3, v3, NULL);
	int same = 1;
	for (size_t i = 0; i < n; i++) {
		if (v1[i] != v2[i] || (v1[i] != 0 && i1[i] != i2[i]))
			same = 0;
		/* the SAFER layout keeps raw values; ReLU of them is the others' */
		if (fmaxf(v3[i], 0) != v1[i] || (v1[i] != 0 && i3[i] != i1[i]))
			same = 0;
	}
	ok(same, "sparsify, SAELens and SAFER layouts give identical latents (SAFER after ReLU)");
	encode_file("sparsify_f16.safetensors", -1, 0, "f16", i4, v4, NULL);
	encode_file("sparsify_bf16.safetensors", -1, 0, "bf16", i4, v4, NULL);

	/* save / load round trip */
	char dir[] = "/tmp/test_sae.XXXXXX";
	sf_err e;
	if (!mkdtemp(dir) || !sp) {
		ok(0, "mkdtemp");
		return;
	}
	char sub[64];
	snprintf(sub, sizeof sub, "%s/sae", dir);
	sp->nmse = 0.125;
	snprintf(sp->data_fingerprint, sizeof sp->data_fingerprint, "0123456789abcdef");
	int rc = sae_save(sp, sub, &e);
	ok(rc == 0, "sae_save %s", rc ? e.msg : "");
	sae *back = NULL;
	rc = sae_load(&back, sub, -1, 0, &e);
	ok(rc == 0, "reload saved SAE %s", rc ? e.msg : "");
	if (back) {
		char f1[17], f2[17];
		sae_fingerprint(sp, f1);
		sae_fingerprint(back, f2);
		is_str(f2, f1, "round trip keeps weights, k, normalize, relu (fingerprint)");
		is_str(back->data_fingerprint, "0123456789abcdef", "round trip keeps data fingerprint");
		is_close(back->nmse, 0.125, 1e-9, "round trip keeps NMSE");
		ok(back->relu == 1 && back->normalize == SAE_NORM_NONE, "relu and normalize kept");
		back->relu = 0;
		sae_fingerprint(back, f2);
		ok(strcmp(f1, f2) != 0, "fingerprint depends on relu");
		sae_free(back);
	}
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	sae_free(sp);
	free(i1), free(i2), free(i3), free(i4), free(v1), free(v2), free(v3), free(v4);
}

/* ---- trainer loop ---------------------------------------------------- */

typedef struct arr_src {
	const float *x;
	int d;
} arr_src;

static int arr_gather(void *ctx, const size_t *rows, size_t count, float *out, sf_err *e)
{
	arr_src *a = ctx;
	for (size_t i = 0; i < count; i++) {
		const float *r = a->x + rows[i] * a->d;
		for (int c = 0; c < a->d; c++)
			if (!isfinite(r[c]))
				return sf_fail(e, "row %zu holds a non-finite value", rows[i]);
		memcpy(out + i * a->d, r, a->d * sizeof(float));
	}
	return 0;
}

static int cancel_at;
static int count_reports(void *ctx, const train_report *r)
{
	int *n = ctx;
	(*n)++;
	return cancel_at && r->step >= cancel_at;
}

static void train_once(const float *x, size_t n, int d, int threads, char fp[17],
                       train_report *fin)
{
	train_opts o;
	train_opts_default(&o);
	o.m = 64, o.k = 4, o.batch = 32, o.epochs = 3, o.threads = threads, o.seed = 7;
	o.auxk = 1, o.k_aux = 8, o.dead_rows = 64;
	train_opts_resolve(&o, d, n);
	sae *s;
	sf_err e;
	sae_new(&s, d, o.m, o.k, &e);
	sae_init(s, o.seed);
	arr_src a = { x, d };
	train_source src = { n, d, arr_gather, &a };
	int reports = 0;
	int rc = train_run(s, &src, &o, count_reports, &reports, NULL, NULL, fin, &e);
	ok(rc == 0 && reports > 0, "train_run with %d threads (%d reports) %s", threads, reports,
	   rc ? e.msg : "");
	sae_fingerprint(s, fp);
	sae_free(s);
}

static void test_trainer(void)
{
	int d = 16;
	size_t n = 500;
	float *x = malloc(n * d * sizeof(float));
	uint64_t st = 99;
	for (size_t i = 0; i < n * d; i++) {
		st = st * 6364136223846793005ULL + 1442695040888963407ULL;
		x[i] = (float)((st >> 40) / (double)(1 << 24) - 0.5);
	}
	char f1[17], f2[17], f3[17], f4[17];
	train_report r1, r2;
	train_once(x, n, d, 1, f1, &r1);
	train_once(x, n, d, 1, f2, &r2);
	is_str(f2, f1, "same seed, same thread count: identical SAE");
	train_once(x, n, d, 2, f3, &r2);
	train_once(x, n, d, 2, f4, &r2);
	is_str(f4, f3, "two threads: identical SAE across runs");
	ok(r1.nmse < 1.0 && r1.l0 > 0 && r1.dead_frac >= 0 && r1.dead_frac <= 1,
	   "final figures are sane (NMSE %.3f, L0 %.2f, dead %.3f)", r1.nmse, r1.l0,
	   r1.dead_frac);

	/* cancel -> state -> resume gives the same model as one run */
	train_opts o;
	train_opts_default(&o);
	o.m = 64, o.k = 4, o.batch = 32, o.epochs = 3, o.threads = 1, o.seed = 7;
	o.auxk = 1, o.k_aux = 8, o.dead_rows = 64, o.report_every = 5;
	train_opts_resolve(&o, d, n);
	sae *s;
	sf_err e;
	sae_new(&s, d, o.m, o.k, &e);
	sae_init(s, o.seed);
	arr_src a = { x, d };
	train_source src = { n, d, arr_gather, &a };
	int reports = 0;
	train_state *state = NULL;
	cancel_at = 20;
	int rc = train_run(s, &src, &o, count_reports, &reports, NULL, &state, NULL, &e);
	cancel_at = 0;
	ok(rc == 1 && state, "cancel returns 1 with a state (%s)", e.msg);
	char ck[] = "/tmp/test_sae_ck.XXXXXX";
	int fd = mkstemp(ck);
	close(fd);
	rc = train_state_save(state, s, &o, ck, &e);
	ok(rc == 0, "checkpoint saved %s", rc ? e.msg : "");
	train_state_free(state);
	sae_free(s);
	train_state *st2 = NULL;
	sae *s2 = NULL;
	train_opts o2;
	rc = train_state_load(&st2, &s2, &o2, ck, &e);
	ok(rc == 0, "checkpoint loaded %s", rc ? e.msg : "");
	unlink(ck);
	if (!rc) {
		o2.threads = 1;
		rc = train_run(s2, &src, &o2, NULL, NULL, st2, NULL, NULL, &e);
		ok(rc == 0, "resumed run finished %s", rc ? e.msg : "");
		char f5[17];
		sae_fingerprint(s2, f5);
		/* the reference for the resumed run: the same options, one go */
		sae *s3;
		sae_new(&s3, d, o.m, o.k, &e);
		sae_init(s3, o.seed);
		train_run(s3, &src, &o, NULL, NULL, NULL, NULL, NULL, &e);
		char f6[17];
		sae_fingerprint(s3, f6);
		is_str(f5, f6, "cancel + resume = one uninterrupted run");
		sae_free(s3);
		train_state_free(st2);
		sae_free(s2);
	}

	/* NaN rows are refused, naming the row */
	x[123 * d + 4] = NAN;
	sae_new(&s, d, 64, 4, &e);
	sae_init(s, 1);
	rc = train_run(s, &src, &o, NULL, NULL, NULL, NULL, NULL, &e);
	ok(rc == -1 && strstr(e.msg, "row 123"), "NaN row refused: %s", e.msg);
	sae_free(s);
	free(x);
}

int main(void)
{
	const char *sd = getenv("srcdir");
	snprintf(fixdir, sizeof fixdir, "%s/tests/fixtures/sae", sd ? sd : ".");
	char p[4700];
	snprintf(p, sizeof p, "%s/ref.safetensors", fixdir);
	sf_err e;
	if (st_open(&ref, p, &e)) {
		printf("Bail out! %s\n", e.msg);
		return 1;
	}
	test_case("A");
	test_case("B");
	test_case("C");
	test_layouts();
	test_trainer();
	st_close(ref);
	return done_testing();
}
