/* Training the workspace's SAE (see train_ws.h): the trainer of
 * engine/sae/train.c on rows gathered from the store. */
#include "engine/ws/train_ws.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/base/threads.h"
#include "engine/sae/sae.h"
#include "engine/ws/latents.h"
#include "engine/ws/sae_ws.h"
#include "engine/ws/workspace.h"

typedef struct ws_src {
	const store *st;
	const size_t *sel; /* selected store rows */
} ws_src;

static int ws_gather(void *ctx, const size_t *rows, size_t count, float *out, sf_err *e)
{
	ws_src *w = ctx;
	size_t buf[256];
	for (size_t done = 0; done < count;) {
		size_t c = count - done < 256 ? count - done : 256;
		for (size_t i = 0; i < c; i++)
			buf[i] = w->sel[rows[done + i]];
		if (store_gather_f32(w->st, buf, c, out + done * store_dim(w->st), e))
			return -1;
		done += c;
	}
	return 0;
}

/* The store rows of o's sides (sentence ends only when o->rows says so),
 * into sel when non-NULL; returns how many. */
static size_t select_rows(const store *st, const train_opts *o, size_t *sel)
{
	size_t n = store_nrows(st), k = 0;
	const uint8_t *side = store_side(st), *flags = store_flags(st);
	for (size_t r = 0; r < n; r++) {
		int sm = side[r] == SIDE_PROMPT ? TRAIN_SIDE_PROMPT :
		         side[r] == SIDE_CHOSEN ? TRAIN_SIDE_CHOSEN : TRAIN_SIDE_REJECTED;
		if (!(o->sides & sm))
			continue;
		if (o->rows == TRAIN_ROWS_SENTENCE && !(flags[r] & ROW_SENT_END))
			continue;
		if (sel)
			sel[k] = r;
		k++;
	}
	return k;
}

/* The trainer continues TopK SAEs on the normalisations it knows (s is
 * left to the caller). */
static int continuable(sae *s, sf_err *e)
{
	if (s->kind != SAE_KIND_TOPK || s->normalize > SAE_NORM_STANDARDIZE) {
		sf_fail(e, "cannot continue training a %s SAE with normalisation %s (safer trains "
		        "TopK SAEs on rows normalised none or standardize): train a new one",
		        sae_kind_name(s->kind), sae_norm_name(s->normalize));
		return -1;
	}
	return 0;
}

/* SAFER's two stages: token rows from scratch, sentence ends when continuing. */
static void resolve_rows(train_opts *o, int continue_sae)
{
	if (o->rows == TRAIN_ROWS_AUTO)
		o->rows = continue_sae ? TRAIN_ROWS_SENTENCE : TRAIN_ROWS_ALL;
}

/* A continued SAE keeps its shape; the rest is resolved over n rows. */
static void resolve_shape(train_opts *o, const sae *cont, int d, size_t n)
{
	if (cont)
		o->m = cont->m, o->k = cont->k, o->normalize = cont->normalize, o->relu = cont->relu;
	train_opts_resolve(o, d, n);
}

int train_ws_resolve(struct ws *w, const train_opts *o, int continue_sae, train_opts *out,
                     size_t *n_rows, sf_err *e)
{
	const store *st = ws_store(w);
	sae *s = NULL;
	*out = *o;
	resolve_rows(out, continue_sae);
	size_t n = select_rows(st, out, NULL);
	if (continue_sae && sae_load_ws(&s, w, e))
		return -1;
	if (continue_sae && continuable(s, e)) {
		sae_free(s);
		return -1;
	}
	resolve_shape(out, s, store_dim(st), n);
	sae_free(s);
	*n_rows = n;
	return 0;
}

typedef struct enc_fwd {
	train_report_fn fn;
	void *ctx;
	train_report rep;
} enc_fwd;

static int enc_progress(void *ctx, double frac, const char *phase)
{
	enc_fwd *f = ctx;
	f->rep.phase = "encoding", f->rep.frac = frac, f->rep.final = 0;
	(void)phase;
	return f->fn ? f->fn(f->ctx, &f->rep) : 0;
}

int train_ws(struct ws *w, const train_opts *oin, int continue_sae, int resume,
             train_report_fn fn, void *ctx, train_report *final, sf_err *e)
{
	const store *st = ws_store(w);
	char dir[4096], ck[4200];
	if (ws_readonly(w))
		return sf_fail(e, "%s: read-only (%s); cannot train", ws_dir(w), ws_readonly_reason(w));
	if (ws_file(w, "sae", dir, sizeof dir, e))
		return -1;
	snprintf(ck, sizeof ck, "%s/checkpoint.safetensors", dir);
	train_opts o = *oin;
	sae *s = NULL;
	train_state *state = NULL;
	size_t *sel = NULL;
	int rc = -1;
	if (resume) {
		struct stat sb;
		if (stat(ck, &sb))
			return sf_fail(e, "%s: no checkpoint to resume (%s)", ws_dir(w), ck);
		if (train_state_load(&state, &s, &o, ck, e))
			return -1;
		if (strcmp(s->data_fingerprint, ws_fingerprint(w))) {
			sf_fail(e, "%s: checkpoint was made on other data", ck);
			goto out;
		}
		o.threads = oin->threads;
		o.encode_after = oin->encode_after;
		if (o.threads <= 0)
			o.threads = sf_threads();
	}
	resolve_rows(&o, continue_sae);
	sel = malloc((store_nrows(st) ? store_nrows(st) : 1) * sizeof(size_t));
	if (!sel) {
		sf_fail(e, "out of memory");
		goto out;
	}
	size_t n = select_rows(st, &o, sel);
	if (!n) {
		sf_fail(e, "%s: no rows to train on (%s rows of the chosen sides)", store_path(st),
		        o.rows == TRAIN_ROWS_SENTENCE ? "sentence-end" : "any");
		goto out;
	}
	if (!resume) {
		int d = store_dim(st);
		if (continue_sae && (sae_load_ws(&s, w, e) || continuable(s, e)))
			goto out;
		resolve_shape(&o, s, d, n);
		if (!continue_sae) {
			if (o.k > o.m) {
				sf_fail(e, "k %d exceeds the %d latents", o.k, o.m);
				goto out;
			}
			if (train_mem_check(d, o.m, o.k, &o, n, e) || sae_new(&s, d, o.m, o.k, e))
				goto out;
			sae_init(s, o.seed);
			s->normalize = o.normalize;
			s->relu = o.relu;
		}
		snprintf(s->data_fingerprint, sizeof s->data_fingerprint, "%s", ws_fingerprint(w));
	}
	ws_src src_ctx = { st, sel };
	train_source src = { n, store_dim(st), ws_gather, &src_ctx };
	train_state *out_state = NULL;
	train_report rep;
	rc = train_run(s, &src, &o, fn, ctx, state, &out_state, &rep, e);
	if (rc == 1) {
		sf_err e2;
		if (mkdir(dir, 0777) && errno != EEXIST) {
			rc = sf_fail_errno(e, "%s", dir);
		} else if (train_state_save(out_state, s, &o, ck, &e2)) {
			rc = sf_fail(e, "cancelled; checkpoint not saved: %s", e2.msg);
		} else {
			char msg[sizeof e->msg];
			snprintf(msg, sizeof msg, "%s", e->msg);
			sf_fail(e, "%s; checkpoint saved, continue with `safer train %s --resume`", msg,
			        ws_dir(w));
		}
		train_state_free(out_state);
		goto out;
	}
	if (rc)
		goto out;
	free(s->train_json);
	s->train_json = train_opts_json(&o);
	if ((rc = ws_write_begin(w, e)))
		goto out;
	rc = sae_save_ws(w, s, e);
	ws_write_end(w);
	if (rc)
		goto out;
	unlink(ck);
	if (final)
		*final = rep;
	if (o.encode_after) {
		enc_fwd f = { fn, ctx, rep };
		sf_progress p = { enc_progress, &f };
		rc = latents_build(w, s, 0, 1, &p, NULL, e);
		if (rc)
			sf_prefix(e, "SAE saved, but encoding failed (the next command that needs the latents encodes them)");
	}
out:
	train_state_free(state);
	sae_free(s);
	free(sel);
	return rc;
}
