# bench/: benchmarks with peers; never part of make check (make bench)
noinst_PROGRAMS += bench/bench_sae bench/bench_analysis
BENCHES += bench/open.sh
EXTRA_DIST += bench/open.sh bench/make_open_data.py bench/measure.py bench/peer_open.py
bench_bench_sae_LDADD = $(ENGINE_LIBS)
BENCHES += bench/sae.sh
EXTRA_DIST += bench/sae.sh bench/sae_torch.py
bench_bench_analysis_SOURCES = bench/bench_analysis.c
bench_bench_analysis_LDADD = $(ENGINE_LIBS)
BENCHES += bench/analysis.sh
EXTRA_DIST += bench/analysis.sh
BENCHES += bench/explore.sh
EXTRA_DIST += bench/explore.sh bench/explore_pty.py
BENCHES += bench/retrain.sh
EXTRA_DIST += bench/retrain.sh bench/rate_truth.py bench/random_plan.py
BENCHES += bench/pairs.sh
EXTRA_DIST += bench/pairs.sh bench/make_pairs_data.py bench/peer_pairs.py
