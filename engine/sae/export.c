/* Writing an SAE in the SAELens or sparsify layout (export.h).
 *
 * Shapes: d model width, m latents; W_enc is kept [m,d] and transposed to
 * SAELens's [d,m] on the way out. */
#include "engine/sae/export.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/base/atomic.h"
#include "engine/formats/safetensors.h"

int sae_export_layout_parse(const char *s, int *layout)
{
	if (!strcmp(s, "saelens"))
		*layout = SAE_EXPORT_SAELENS;
	else if (!strcmp(s, "sparsify"))
		*layout = SAE_EXPORT_SPARSIFY;
	else
		return -1;
	return 0;
}

void sae_export_caveat(const sae *s, int layout, char *out, size_t n)
{
	const char *lib = layout == SAE_EXPORT_SAELENS ? "SAELens" : "sparsify";
	out[0] = 0;
	if (s->normalize == SAE_NORM_STANDARDIZE)
		snprintf(out, n, layout == SAE_EXPORT_SAELENS ?
		         "SAELens reads normalize_activations layer_norm with eps 1e-5 where this SAE "
		         "standardises with 1e-6; safer reads it back as written" :
		         "sparsify applies no input normalisation: standardise rows ((x - mean) / "
		         "(std + 1e-6)) before encoding with it there; safer reads it back as written");
	else if (s->kind == SAE_KIND_TOPK && !s->relu)
		snprintf(out, n, "%s applies ReLU to the kept values, this raw TopK SAE does not: "
		         "its negative kept values read as 0 there; safer reads it back as written", lib);
}

static const char *saelens_norm(int norm)
{
	/* SAELens has no standardize: layer_norm is the same but for eps */
	return norm == SAE_NORM_NONE ? "none" :
	       norm == SAE_NORM_CONST_NORM ? "constant_norm_rescale" : "layer_norm";
}

static json_t *saelens_cfg(const sae *s, const char *hook, const char *model)
{
	json_t *c = json_object();
	json_object_set_new(c, "d_in", json_integer(s->d));
	json_object_set_new(c, "d_sae", json_integer(s->m));
	json_object_set_new(c, "dtype", json_string("float32"));
	json_object_set_new(c, "device", json_string("cpu"));
	json_object_set_new(c, "apply_b_dec_to_input", json_true());
	json_object_set_new(c, "normalize_activations", json_string(saelens_norm(s->normalize)));
	json_object_set_new(c, "reshape_activations", json_string("none"));
	json_t *md = json_object();
	json_object_set_new(md, "model_name", model ? json_string(model) : json_null());
	json_object_set_new(md, "hook_name", hook ? json_string(hook) : json_null());
	json_object_set_new(md, "sae_lens_version", json_string("6.0.0"));
	json_object_set_new(c, "metadata", md);
	/* read by SAELens's older-config path, ignored by the 6.x one */
	json_object_set_new(c, "hook_name", hook ? json_string(hook) : json_null());
	const char *arch = s->kind == SAE_KIND_JUMPRELU ? "jumprelu" :
	                   s->kind == SAE_KIND_RELU ? "standard" : "topk";
	if (s->kind == SAE_KIND_TOPK)
		json_object_set_new(c, "k", json_integer(s->k));
	json_object_set_new(c, "architecture", json_string(arch));
	return c;
}

static json_t *sparsify_cfg(const sae *s)
{
	json_t *c = json_object();
	json_object_set_new(c, "activation", json_string("topk"));
	json_object_set_new(c, "expansion_factor", json_integer(s->m / s->d > 0 ? s->m / s->d : 1));
	json_object_set_new(c, "normalize_decoder", json_true());
	json_object_set_new(c, "num_latents", json_integer(s->m));
	json_object_set_new(c, "k", json_integer(s->k));
	json_object_set_new(c, "multi_topk", json_false());
	json_object_set_new(c, "skip_connection", json_false());
	json_object_set_new(c, "transcode", json_false());
	json_object_set_new(c, "d_in", json_integer(s->d));
	return c;
}

/* Remove the files of a half-written temporary directory, then it. */
static void remove_tmp(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[4300];
	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
			unlink(p);
		}
	if (d)
		closedir(d);
	rmdir(dir);
}

static int write_files(const sae *s, int layout, const char *tmp, const char *hook,
                       const char *model, sf_err *e)
{
	char path[4300];
	int lens = layout == SAE_EXPORT_SAELENS;
	size_t md = (size_t)s->m * s->d;
	float *wt = NULL;
	if (lens) {
		if (!(wt = malloc(md * sizeof *wt)))
			return sf_fail(e, "out of memory for the encoder of %d x %d", s->m, s->d);
		for (size_t j = 0; j < (size_t)s->m; j++)
			for (size_t c = 0; c < (size_t)s->d; c++)
				wt[c * s->m + j] = s->W_enc[j * s->d + c];
	}
	st_tensor_in t[5] = {
		{ lens ? "W_enc" : "encoder.weight", ST_F32, 2,
		  { lens ? s->d : s->m, lens ? s->m : s->d }, lens ? wt : s->W_enc },
		{ lens ? "b_enc" : "encoder.bias", ST_F32, 1, { s->m }, s->b_lat },
		{ "W_dec", ST_F32, 2, { s->m, s->d }, s->W_dec },
		{ "b_dec", ST_F32, 1, { s->d }, s->b_pre },
		{ "threshold", ST_F32, 1, { s->m }, s->threshold },
	};
	snprintf(path, sizeof path, "%s/%s", tmp, lens ? "sae_weights.safetensors" : "sae.safetensors");
	int rc = st_write(path, t, s->threshold ? 5 : 4, NULL, e);
	free(wt);
	if (rc)
		return -1;
	json_t *c = lens ? saelens_cfg(s, hook, model) : sparsify_cfg(s);
	/* safer's own reading of it, which both libraries ignore */
	json_object_set_new(c, "normalize", json_string(sae_norm_name(s->normalize)));
	json_object_set_new(c, "relu", json_boolean(s->kind != SAE_KIND_TOPK || s->relu));
	char *txt = json_dumps(c, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(c);
	if (!txt)
		return sf_fail(e, "%s: cannot format cfg.json", tmp);
	snprintf(path, sizeof path, "%s/cfg.json", tmp);
	rc = atomic_write(path, txt, strlen(txt), e);
	free(txt);
	return rc;
}

int sae_export(const sae *s, int layout, const char *dir, const char *hook, const char *model,
               sf_err *e)
{
	if (layout == SAE_EXPORT_SPARSIFY && s->kind != SAE_KIND_TOPK)
		return sf_fail(e, "%s: sparsify holds TopK SAEs only; this one is %s (write it for "
		               "SAELens)", dir, sae_kind_name(s->kind));
	struct stat st;
	if (lstat(dir, &st) == 0)
		return sf_fail(e, "%s: exists; give a new directory", dir);
	if (errno != ENOENT)
		return sf_fail_errno(e, "%s", dir);
	char tmp[4200];
	if (snprintf(tmp, sizeof tmp, "%s.new-XXXXXX", dir) >= (int)sizeof tmp)
		return sf_fail(e, "%s: path too long", dir);
	if (!mkdtemp(tmp))
		return sf_fail_errno(e, "%s", tmp);
	if (write_files(s, layout, tmp, hook ? hook : s->hook, model, e)) {
		remove_tmp(tmp);
		return -1;
	}
	/* a directory that appeared meanwhile is not replaced: rename fails on
	 * a non-empty one, and an empty one holds nothing to lose */
	if (rename(tmp, dir)) {
		sf_fail_errno(e, "%s", dir);
		remove_tmp(tmp);
		return -1;
	}
	return fsync_parent_dir(dir, e);
}
