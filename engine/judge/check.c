/* The explanation check's prompt and answers (see check.h). */
#include "engine/judge/check.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/base/textsafe.h"

char *judge_check_prompt(const char *explanation, const char *const *snippets, int n,
                         sf_err *e)
{
	static const char head[] =
		"A latent feature of a sparse autoencoder, trained on a reward model's hidden states, "
		"has been explained as follows:\nExplanation: ";
	static const char mid[] =
		"\n\nBelow are numbered text snippets. For each one, say whether this feature would "
		"activate on it, judging only from the explanation.\n\n";
	static const char tail[] = "\nReply with one line per snippet, in order, in the form "
	                           "`N: yes` or `N: no`, and nothing else.\n";
	size_t len = sizeof head + strlen(explanation) + sizeof mid + sizeof tail + 16;
	for (int i = 0; i < n; i++)
		len += strlen(snippets[i]) + 16;
	char *out = malloc(len), *p = out;
	if (!out) {
		sf_fail(e, "out of memory");
		return NULL;
	}
	p += sprintf(p, "%s%s%s", head, explanation, mid);
	for (int i = 0; i < n; i++) {
		p += sprintf(p, "%d: ", i + 1);
		for (const char *c = snippets[i]; *c; c++)
			*p++ = (*c == '\n' || *c == '\r' || *c == '\t') ? ' ' : *c;
		*p++ = '\n';
	}
	strcpy(p, tail);
	char *safe = textsafe_dup(out, strlen(out), TEXTSAFE_UTF8_ONLY);
	free(out);
	if (!safe)
		sf_fail(e, "out of memory");
	return safe;
}

int judge_check_parse(const char *reply, int n, signed char *answers)
{
	int got = 0;
	for (int i = 0; i < n; i++)
		answers[i] = -1;
	const char *line = reply;
	while (line && *line) {
		const char *p = line, *eol = strchr(line, '\n');
		while (*p && strchr(" \t*#-_(`", *p) && p != eol)
			p++;
		if (isdigit((unsigned char)*p)) {
			long k = strtol(p, (char **)&p, 10);
			while (*p && strchr(" \t*_:.)-=`", *p) && p != eol)
				p++;
			int a = !strncasecmp(p, "yes", 3) ? 1 : !strncasecmp(p, "no", 2) ? 0 : -1;
			if (k >= 1 && k <= n && a >= 0 && answers[k - 1] < 0) {
				answers[k - 1] = (signed char)a;
				got++;
			}
		}
		line = eol ? eol + 1 : NULL;
	}
	return got;
}
