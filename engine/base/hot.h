/* HOT marks the few numeric kernels whose speed matters. On x86-64 with
 * GCC each gets an AVX2+FMA clone chosen at load time (the build itself
 * targets baseline x86-64), and is vectorised even at -O2, whose cheap
 * cost model refuses loops of unknown length. */
#ifndef ENGINE_BASE_HOT_H
#define ENGINE_BASE_HOT_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
	!defined(__SANITIZE_ADDRESS__) && __GNUC__ >= 12
#define HOT __attribute__((target_clones("arch=x86-64-v3", "default"), \
                           optimize("tree-vectorize", "vect-cost-model=dynamic")))
#elif defined(__GNUC__) && !defined(__clang__)
#define HOT __attribute__((optimize("tree-vectorize", "vect-cost-model=dynamic")))
#else
#define HOT
#endif

#endif
