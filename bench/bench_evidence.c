/* Feature-evidence benchmark: N rows, k entries per row, m features, as
 * bench_analysis makes them (P pairs of 100 rows, half chosen, half
 * rejected, every 8th row a sentence end), written as an activation file
 * (d 8, a token per row from a small vocabulary) so that the store calls
 * are the real ones; a decoder of m x D; and the quality pass over Nq rows
 * at width D. Prints "name seconds" lines for bench/evidence.sh.
 *
 *   bench_evidence DIR [N k m D Nq] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/analysis/density.h"
#include "engine/analysis/index.h"
#include "engine/analysis/intervals.h"
#include "engine/analysis/quality.h"
#include "engine/analysis/search.h"
#include "engine/analysis/similar.h"
#include "engine/analysis/stats.h"
#include "engine/formats/safetensors.h"
#include "engine/formats/store.h"
#include "bench/bench_util.h"

static const char *const vocab[8] = { " the", " sorry", " here", " is", " how", " cannot", ".",
	                              " help" };

/* An activation file of N rows at width d; rows as described above. */
static store *make_store(const char *path, size_t N, int d, sf_err *e)
{
	size_t P = N / 100;
	float *acts = malloc(N * (size_t)d * sizeof *acts);
	int32_t *pair = malloc(N * sizeof *pair), *pos = malloc(N * sizeof *pos);
	uint8_t *side = malloc(N), *flags = malloc(N);
	int64_t *off = malloc((N + 1) * sizeof *off);
	char *tb = malloc(N * 8);
	size_t t = 0;
	for (size_t r = 0; r < N; r++) {
		pair[r] = (int32_t)(r / 100);
		side[r] = (r % 100) < 50 ? SIDE_CHOSEN : SIDE_REJECTED;
		pos[r] = (int32_t)(r % 50);
		flags[r] = (r % 8) == 7;
		const char *w = flags[r] ? "." : vocab[xr() % 8];
		off[r] = (int64_t)t;
		memcpy(tb + t, w, strlen(w));
		t += strlen(w);
		for (int j = 0; j < d; j++)
			acts[r * (size_t)d + (size_t)j] = (float)(ur() - 0.5);
	}
	off[N] = (int64_t)t;
	st_tensor_in ts[] = {
		{ "acts", ST_F32, 2, { (int64_t)N, d }, acts },
		{ "pair", ST_I32, 1, { (int64_t)N }, pair },
		{ "side", ST_U8, 1, { (int64_t)N }, side },
		{ "pos", ST_I32, 1, { (int64_t)N }, pos },
		{ "flags", ST_U8, 1, { (int64_t)N }, flags },
		{ "tok_off", ST_I64, 1, { (int64_t)N + 1 }, off },
		{ "tok_bytes", ST_U8, 1, { (int64_t)t }, tb },
	};
	static const char *const meta[] = { "format", "safer-acts/1", NULL };
	store *s = NULL;
	if (st_write(path, ts, sizeof ts / sizeof ts[0], meta, e) == 0)
		store_open(&s, path, P, e);
	free(acts);
	free(pair);
	free(pos);
	free(side);
	free(flags);
	free(off);
	free(tb);
	return s;
}

/* Latents as bench_analysis draws them: a skew (some features common,
 * most rare), distinct per row, values decreasing along the row. */
static void make_latents(uint32_t *idx, float *val, size_t N, int k, int m)
{
	uint8_t *seen = calloc((size_t)m, 1);
	for (size_t r = 0; r < N; r++) {
		float v = (float)(5 + 5 * ur());
		for (int i = 0; i < k; i++) {
			uint32_t f;
			do
				f = (uint32_t)(pow(ur(), 2.0) * m);
			while (seen[f]);
			seen[f] = 1;
			idx[r * (size_t)k + (size_t)i] = f;
			v *= (float)(0.9 + 0.09 * ur());
			val[r * (size_t)k + (size_t)i] = v;
		}
		for (int i = 0; i < k; i++)
			seen[idx[r * (size_t)k + (size_t)i]] = 0;
	}
	free(seen);
}

static int fail(const sf_err *e)
{
	fprintf(stderr, "bench_evidence: %s\n", e->msg);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_evidence DIR [N k m D Nq]\n");
		return 2;
	}
	const char *dir = argv[1];
	size_t N = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000;
	int k = argc > 3 ? atoi(argv[3]) : 64, m = argc > 4 ? atoi(argv[4]) : 16384;
	int D = argc > 5 ? atoi(argv[5]) : 2048;
	size_t Nq = argc > 6 ? strtoull(argv[6], NULL, 10) : 20000;
	char path[4096];
	sf_err e;
	snprintf(path, sizeof path, "%s/acts.safetensors", dir);
	store *s = make_store(path, N, 8, &e);
	if (!s)
		return fail(&e);
	uint32_t *idx = malloc(N * (size_t)k * sizeof *idx);
	float *val = malloc(N * (size_t)k * sizeof *val);
	make_latents(idx, val, N, k, m);
	sf_index *ix;
	sf_stats st;
	if (index_build(&ix, idx, val, store_side(s), N, k, m, NULL, &e) ||
	    stats_compute(&st, idx, val, store_side(s), store_flags(s), N, k, m, ROWS_SENTENCE, NULL,
	                  &e))
		return fail(&e);
	/* the busiest feature (feature 0 under the skew) and a typical one */
	int busy = st.order[0], f = 0;
	double most = 0;
	for (int j = 0; j < m; j++)
		if (st.density_chosen[j] > most)
			most = st.density_chosen[j], busy = j;
	f = m / 2;
	size_t len;
	index_list(ix, busy, SIDE_CHOSEN, &len);
	printf("busiest_rows_per_side %zu\n", len);
	enum { Q = 10, PER = 10 };
	sf_interval iv[Q];
	sf_top_row *rows = malloc(Q * PER * sizeof *rows);
	int quant[Q * PER];
	size_t n, tot;
	int feats[2] = { busy, f };
	const char *names[2] = { "busiest", "typical" };
	for (int i = 0; i < 2; i++) {
		double t0 = now();
		for (int sd = SIDE_CHOSEN; sd <= SIDE_REJECTED; sd++)
			if (intervals_rows(ix, s, feats[i], sd, ROWS_SENTENCE, Q, PER, 24, iv, rows, quant, &n,
			                   &tot, &e))
				return fail(&e);
		printf("intervals_%s %.6f\n", names[i], now() - t0);
		t0 = now();
		for (int sd = SIDE_CHOSEN; sd <= SIDE_REJECTED; sd++)
			if (intervals_random(ix, s, feats[i], sd, ROWS_SENTENCE, 100, 1, 24, rows, &n, &tot,
			                     &e))
				return fail(&e);
		printf("random_%s %.6f\n", names[i], now() - t0);
		sf_density dn;
		t0 = now();
		if (density_feature(ix, s, feats[i], ROWS_SENTENCE, st.rows_chosen, st.rows_rejected, 40,
		                    &dn, &e))
			return fail(&e);
		printf("density_%s %.6f\n", names[i], now() - t0);
		uint64_t *active = malloc((size_t)m * sizeof *active);
		sf_neighbour nb[20];
		t0 = now();
		similar_active_counts(&st, active);
		if (similar_cooccur(ix, idx, val, k, NULL, store_flags(s), ROWS_SENTENCE, active, feats[i], 20, nb,
		                    &n, &e))
			return fail(&e);
		printf("jaccard_%s %.6f\n", names[i], now() - t0);
		free(active);
	}
	sf_search_hit *h;
	uint64_t matched;
	double t0 = now();
	if (search_text(s, idx, val, k, NULL, m, "SORRY", 0, ROWS_ALL, &h, &n, &matched, &e))
		return fail(&e);
	printf("search_all_rows %.6f\n", now() - t0);
	free(h);
	index_close(ix);
	stats_free(&st);
	store_close(s);
	free(idx);
	free(val);
	free(rows);

	/* decoder cosine at m x D */
	float *W = malloc((size_t)m * (size_t)D * sizeof *W);
	for (size_t i = 0; i < (size_t)m * (size_t)D; i++)
		W[i] = (float)(ur() - 0.5);
	sf_neighbour nb[20];
	t0 = now();
	if (similar_cosine(W, m, D, 7, 20, nb, &n, &e))
		return fail(&e);
	printf("cosine %.6f\n", now() - t0);
	free(W);

	/* the quality pass over Nq rows at width D */
	snprintf(path, sizeof path, "%s/acts-q.safetensors", dir);
	store *sq = make_store(path, Nq, D, &e);
	sae *model;
	if (!sq || sae_new(&model, D, m, k, &e))
		return fail(&e);
	sae_init(model, 1);
	model->normalize = SAE_NORM_STANDARDIZE;
	uint32_t *qi = malloc(Nq * (size_t)k * sizeof *qi);
	float *qv = malloc(Nq * (size_t)k * sizeof *qv);
	make_latents(qi, qv, Nq, k, m);
	sf_quality q;
	t0 = now();
	if (quality_fit(&q, sq, model, qi, qv, k, NULL, ROWS_SENTENCE, Nq / 100, NULL, NULL, &e))
		return fail(&e);
	printf("quality_fit_rows %zu\nquality_fit %.4f\n", Nq, now() - t0);
	sae_free(model);
	store_close(sq);
	free(qi);
	free(qv);
	return 0;
}
