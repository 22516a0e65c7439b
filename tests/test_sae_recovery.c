/* Recovery of planted atoms on the sample data: generate it, make a
 * workspace, train with the defaults `safer train` uses, then for every
 * planted atom take the best cosine over the decoder columns. Asserts
 * >= 90% of atoms at cosine >= 0.9 and NMSE <= 0.15, and prints both,
 * with the generator's parameters as truth.json records them.
 *
 *   test_sae_recovery [DATA_DIR]   (default: generate into a temp dir)
 * Environment: SAFER_TRAIN_ROWS=all|sentence, SAFER_TRAIN_LR, _EPOCHS,
 * _BATCH override the defaults, for exploring (the test uses none). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "engine/formats/safetensors.h"
#include "engine/sae/sae.h"
#include "engine/sae/train.h"
#include "engine/ws/sae_ws.h"
#include "engine/ws/train_ws.h"
#include "engine/ws/workspace.h"
#include "tests/tap.h"

static int on_report(void *ctx, const train_report *r)
{
	(void)ctx;
	if (r->phase && !strcmp(r->phase, "training") &&
	    (r->step % (r->steps / 5 ? r->steps / 5 : 1) == 0 || r->final))
		diag("step %ld/%ld NMSE %.4f L0 %.1f dead %.1f%% %.0f rows/s", r->step, r->steps,
		     r->nmse, r->l0, 100 * r->dead_frac, r->rows_per_s);
	return 0;
}

int main(int argc, char **argv)
{
	char tmp[] = "/tmp/sae_recovery.XXXXXX", data[4096], cmd[8192], p1[4200], p2[4200];
	if (!mkdtemp(tmp)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	const char *bd = getenv("top_builddir");
	if (argc > 1) {
		snprintf(data, sizeof data, "%s", argv[1]);
	} else {
		snprintf(data, sizeof data, "%s/data", tmp);
		snprintf(cmd, sizeof cmd, "%s/sample-data/safer-sample-gen --out %s >/dev/null",
		         bd ? bd : ".", data);
		int rc = system(cmd);
		if (rc) {
			printf("Bail out! sample generator failed: %s\n", cmd);
			return 1;
		}
	}
	sf_err e = {{0}};
	char wsd[4200];
	snprintf(wsd, sizeof wsd, "%s/ws", tmp);
	snprintf(p1, sizeof p1, "%s/pairs.jsonl", data);
	snprintf(p2, sizeof p2, "%s/acts.safetensors", data);
	int rc = ws_init(wsd, p1, p2, &e);
	ok(rc == 0, "workspace on the sample data %s", rc ? e.msg : "");
	ws *w = NULL;
	if (rc || ws_open(&w, wsd, 0, &e)) {
		printf("Bail out! %s\n", e.msg);
		return 1;
	}
	train_opts o;
	train_opts_default(&o);
	const char *v;
	if ((v = getenv("SAFER_TRAIN_ROWS")))
		o.rows = strcmp(v, "all") ? TRAIN_ROWS_SENTENCE : TRAIN_ROWS_ALL;
	if ((v = getenv("SAFER_TRAIN_LR")))
		o.lr = atof(v);
	if ((v = getenv("SAFER_TRAIN_EPOCHS")))
		o.epochs = atoi(v);
	if ((v = getenv("SAFER_TRAIN_BATCH")))
		o.batch = atoi(v);
	o.encode_after = 0;
	train_report fin;
	rc = train_ws(w, &o, 0, 0, on_report, NULL, &fin, &e);
	ok(rc == 0, "train_ws with the defaults %s", rc ? e.msg : "");
	sae *s = NULL;
	if (!rc && sae_load_ws(&s, w, &e))
		ok(0, "load trained SAE: %s", e.msg);
	st_file *af = NULL;
	snprintf(p1, sizeof p1, "%s/atoms.safetensors", data);
	if (s && st_open(&af, p1, &e))
		ok(0, "atoms: %s", e.msg);
	if (s && af) {
		const st_tensor *at = st_find(af, "atoms");
		int na = (int)at->shape[0], d = (int)at->shape[1];
		float *A = malloc((size_t)na * d * sizeof(float));
		memcpy(A, at->data, (size_t)na * d * sizeof(float));
		int hit = 0;
		double sum = 0;
		for (int a = 0; a < na; a++) {
			const float *u = A + (size_t)a * d;
			double nu = 0, best = -1;
			for (int i = 0; i < d; i++)
				nu += (double)u[i] * u[i];
			for (int j = 0; j < s->m; j++) {
				const float *wv = s->W_dec + (size_t)j * d;
				double dot = 0, nw = 0;
				for (int i = 0; i < d; i++)
					dot += (double)u[i] * wv[i], nw += (double)wv[i] * wv[i];
				double c = dot / sqrt(nu * nw + 1e-30);
				if (c > best)
					best = c;
			}
			hit += best >= 0.9;
			sum += best;
		}
		double frac = (double)hit / na;
		snprintf(p2, sizeof p2, "%s/truth.json", data);
		json_t *truth = json_load_file(p2, 0, NULL);
		char *params = truth ? json_dumps(json_object_get(truth, "params"), JSON_COMPACT) : NULL;
		diag("sample data %s, generator parameters: %s", data, params ? params : "?");
		free(params);
		json_decref(truth);
		diag("SAE d %d m %d k %d; training options: %s", s->d, s->m, s->k,
		     s->train_json ? s->train_json : "?");
		diag("recovered %d of %d planted atoms (%.1f%%) at cosine >= 0.9; mean best cosine "
		     "%.3f; NMSE %.4f, L0 %.1f, dead %.1f%%", hit, na, 100 * frac, sum / na, fin.nmse,
		     fin.l0, 100 * fin.dead_frac);
		ok(frac >= 0.9, "recovers >= 90%% of planted atoms at cosine >= 0.9 (%.1f%%)",
		   100 * frac);
		ok(fin.nmse <= 0.15, "NMSE <= 0.15 (%.4f)", fin.nmse);
		free(A);
	}
	st_close(af);
	sae_free(s);
	ws_close(w);
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
	if (system(cmd))
		diag("could not remove %s", tmp);
	return done_testing();
}
