/* Label carry-over from a replaced SAE (carry_ws.h). */
#include "engine/ws/carry_ws.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/formats/safetensors.h"
#include "engine/sae/sae.h"
#include "engine/ws/sae_ws.h"
#include "engine/ws/workspace.h"

static int hex16(const char *s)
{
	if (strlen(s) != 16)
		return 0;
	for (int i = 0; i < 16; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return 0;
	return 1;
}

static int kept_path(struct ws *w, const char *fp, char *out, size_t n, sf_err *e)
{
	char name[64];
	snprintf(name, sizeof name, "sae-%s.safetensors", fp);
	return ws_file(w, name, out, n, e);
}

int carry_ws_available(struct ws *w, const char *fp)
{
	char p[4096];
	return hex16(fp) && !kept_path(w, fp, p, sizeof p, NULL) && access(p, F_OK) == 0;
}

/* The kept decoder W_dec [m, d] (F32, as safer writes it). */
static int old_decoder(struct ws *w, const char *fp, int d, float **dec, int *m, sf_err *e)
{
	char p[4096];
	if (kept_path(w, fp, p, sizeof p, e))
		return -1;
	if (access(p, F_OK))
		return sf_fail(e, "%s: the weights of SAE %s are not kept (only those of an SAE that "
		               "had labels when it was replaced are)", ws_dir(w), fp);
	st_file *f;
	if (st_open(&f, p, e))
		return -1;
	const st_tensor *t = st_find(f, "W_dec");
	int rc = 0;
	if (!t || t->dtype != ST_F32 || t->ndim != 2 || t->shape[1] != d || t->shape[0] <= 0 ||
	    t->shape[0] > (1 << 24))
		rc = sf_fail(e, "%s: no F32 decoder W_dec [m, %d]", p, d);
	else if (!(*dec = malloc(t->nelem * sizeof(float))))
		rc = sf_fail(e, "%s: out of memory", p);
	else {
		memcpy(*dec, t->data, t->nelem * sizeof(float));
		*m = (int)t->shape[0];
	}
	st_close(f);
	return rc;
}

int carry_ws_suggest(struct ws *w, const char *from, double min_cos, sf_labels *old,
                     sf_carry **out, size_t *n, sf_err *e)
{
	*out = NULL;
	*n = 0;
	labels_init(old, 0);
	if (!hex16(from))
		return sf_fail(e, "--carry-from needs an SAE fingerprint (16 hex digits), not '%s'",
		               from);
	char cur[17];
	if (sae_ws_fingerprint(w, cur, e))
		return -1;
	if (!strcmp(cur, from))
		return sf_fail(e, "SAE %s is the workspace's own SAE: nothing to carry", from);
	sae *s;
	if (sae_load_ws(&s, w, e))
		return -1;
	float *dec = NULL;
	int m_old = 0;
	char lp[4096], name[64];
	snprintf(name, sizeof name, "labels-%s.msgpack", from);
	int rc = old_decoder(w, from, s->d, &dec, &m_old, e);
	if (!rc && !ws_file(w, name, lp, sizeof lp, e) && access(lp, F_OK))
		rc = sf_fail(e, "%s: no labels of SAE %s", lp, from);
	else if (!rc && (rc = labels_load_file(old, lp, m_old, e)) == 0 && old->sae[0] &&
	         strcmp(old->sae, from))
		rc = sf_fail(e, "%s: holds the labels of SAE %s, not of SAE %s", lp, old->sae, from);
	int *feat = NULL;
	size_t nf = 0;
	if (!rc && !(feat = malloc((old->n ? old->n : 1) * sizeof *feat)))
		rc = sf_fail(e, "out of memory");
	for (size_t i = 0; !rc && i < old->n; i++)
		if (old->v[i].name[0] || old->v[i].safety > 0)
			feat[nf++] = old->v[i].feature;
	if (!rc)
		rc = carry_match(dec, m_old, s->W_dec, s->m, s->d, feat, nf, min_cos, out, n, e);
	free(feat);
	free(dec);
	sae_free(s);
	if (rc)
		labels_free(old);
	return rc;
}

void carry_ws_note(char *out, size_t n, const sf_label *lb, const char *from, const sf_carry *c)
{
	char tail[120];
	snprintf(tail, sizeof tail, "%scarried from SAE %s feature %d (decoder cosine %.3f)",
	         lb->note[0] ? " | " : "", from, c->old_feature, c->cosine);
	size_t room = n - 1 - strlen(tail);
	size_t keep = strlen(lb->note) < room ? strlen(lb->note) : room;
	while (keep > 0 && ((unsigned char)lb->note[keep] & 0xc0) == 0x80)
		keep--; /* never cut a UTF-8 character */
	snprintf(out, n, "%.*s%s", (int)keep, lb->note, tail);
}
