/* Analysis benchmark on synthetic latents: N rows, k entries per row, m
 * features; P pairs of R rows each (half chosen, half rejected, every 8th
 * row a sentence end); and the reward head on Pe pairs at width d.
 * Prints one "name seconds" line per step for bench/analysis.sh.
 *
 *   bench_analysis [N k m Pe d] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/bteval.h"
#include "engine/analysis/index.h"
#include "engine/analysis/plan.h"
#include "engine/analysis/safety.h"
#include "engine/analysis/scores.h"
#include "engine/analysis/stats.h"
#include "engine/analysis/top.h"
#include "bench/synth.h"

int main(int argc, char **argv)
{
	size_t N = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
	int k = argc > 2 ? atoi(argv[2]) : 64, m = argc > 3 ? atoi(argv[3]) : 16384;
	size_t Pe = argc > 4 ? strtoull(argv[4], NULL, 10) : 10000;
	int d = argc > 5 ? atoi(argv[5]) : 2048;
	const size_t R = 100;
	size_t P = N / R;
	synth_latents L;
	if (synth_make(&L, N, k, m, R))
		return 1;
	uint32_t *idx = L.idx;
	float *val = L.val;
	int32_t *pair = L.pair;
	uint8_t *side = L.side, *flags = L.flags;
	sf_err e;
	double t0 = synth_now();
	sf_index *ix;
	if (index_build(&ix, idx, val, side, N, k, m, NULL, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	printf("index_build %.4f\n", synth_now() - t0);
	printf("index_entries %llu\n", (unsigned long long)ix->n_entries);
	sf_stats st;
	t0 = synth_now();
	stats_compute(&st, idx, val, side, flags, N, k, m, ROWS_SENTENCE, NULL, &e);
	printf("stats_sentence %.4f\n", synth_now() - t0);
	sf_stats st2;
	t0 = synth_now();
	stats_compute(&st2, idx, val, side, flags, N, k, m, ROWS_ALL, NULL, &e);
	printf("stats_all %.4f\n", synth_now() - t0);
	/* top 20 of 200 features, sentence rows (the filtered, slower case) */
	uint32_t out[20];
	double worst = 0, tot = 0;
	unsigned long long sink = 0;
	for (int q = 0; q < 200; q++) {
		int f = st.order[q % m];
		size_t len;
		const sf_ientry *l = index_list(ix, f, SIDE_CHOSEN, &len);
		double t1 = synth_now();
		size_t got = 0;
		for (size_t i = 0; i < len && got < 20; i++)
			if (flags[ientry_row(l[i])] & 1)
				out[got++] = ientry_row(l[i]);
		double dt = synth_now() - t1;
		for (size_t i = 0; i < got; i++)
			sink += out[i];
		tot += dt;
		worst = dt > worst ? dt : worst;
	}
	printf("top20_mean %.6f\ntop20_worst %.6f\n", tot / 200, worst);
	if (sink == 1)
		puts("");
	sf_safety S;
	safety_select(&S, &st, NULL, NULL, NULL, &e);
	sf_scores sc;
	t0 = synth_now();
	scores_compute(&sc, idx, val, pair, side, flags, N, k, m, P, &S, ROWS_SENTENCE, NULL, &e);
	printf("scores %.4f\n", synth_now() - t0);
	scores_free(&sc);
	stats_free(&st);
	stats_free(&st2);
	index_close(ix);
	free(idx);
	free(val);

	/* reward head: Pe pairs, 80% train, a planted direction */
	float *diff = malloc(Pe * (size_t)d * sizeof *diff);
	float *u = malloc((size_t)d * sizeof *u);
	for (int j = 0; j < d; j++)
		u[j] = (float)(synth_unit() - 0.5);
	enum { LINE = 96 };
	char *jsonl = malloc(Pe * LINE + 1);
	size_t jl = 0;
	for (size_t i = 0; i < Pe; i++)
		jl += (size_t)snprintf(jsonl + jl, LINE + 1,
		                       "{\"prompt\":\"p\",\"chosen\":\"c\",\"rejected\":\"r\","
		                       "\"split\":\"%s\",\"category\":\"%s\"}\n",
		                       i % 5 == 4 ? "test" : "train", i % 2 ? "safety" : "chat");
	pairs Pp;
	if (pairs_index_mem(&Pp, "bench pairs", jsonl, jl, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	for (size_t i = 0; i < Pe; i++) {
		for (int j = 0; j < d; j++)
			diff[i * d + j] = (float)(synth_unit() - 0.5) + 0.02f * u[j];
	}
	sf_pooled pp;
	bt_pool_from(&pp, diff, Pe, d, &e);
	sf_plan pl;
	plan_init(&pl, "0000000000000000");
	for (size_t i = 0; i < Pe; i += 25)
		if (pairs_split(&Pp, i) == SPLIT_TRAIN)
			plan_mark(&pl, &Pp, i, EDIT_FLIP, 0, &e);
	sf_bt_result res;
	sf_bt_opts o;
	bt_opts_default(&o);
	t0 = synth_now();
	if (bt_eval(&res, &pp, &Pp, &pl, &o, NULL, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	printf("eval %.4f\n", synth_now() - t0);
	printf("eval_heads %d\n", 2 + o.random_seeds);
	printf("eval_none_all_accuracy %.4f\n", res.rows[2].accuracy);
	bt_result_free(&res);
	plan_free(&pl);
	bt_pool_free(&pp);
	free(diff);
	free(u);
	pairs_free(&Pp);
	free(jsonl);
	free(pair);
	free(side);
	free(flags);
	return 0;
}
