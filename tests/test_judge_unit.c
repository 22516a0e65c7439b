/* The judge's parsers and verdict store: tolerant score parsing, the
 * explanation, error messages, URL and --cmd checks, and verdict files
 * (round trip, atomic replace, every malformed field refused with the
 * file named). The HTTP client is tested end to end in test_judge.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/judge/command.h"
#include "engine/judge/http.h"
#include "engine/judge/reply.h"
#include "engine/judge/verdicts.h"
#include "tests/tap.h"

static void scores(void)
{
	static const struct {
		const char *text;
		int want;
	} t[] = {
		{ "Score: 5\nExplanation: x", 5 },
		{ "score: [3]", 3 },
		{ "**Score:** 4\n**Explanation:** y", 4 },
		{ "Score = 2/5", 2 },
		{ "SCORE:1", 1 },
		{ "The score is high.\nScore: (4)", 4 },
		{ "Score: 6", 0 },
		{ "Score: 0", 0 },
		{ "Score: 45", 0 },
		{ "Score: 4.5", 0 },
		{ "no number here", 0 },
		{ "Score:", 0 },
		{ "", 0 },
		{ "Explanation: first\nScore: 3", 3 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int got = judge_parse_score(t[i].text);
		ok(got == t[i].want, "score of \"%.20s...\" is %d (got %d)", t[i].text, t[i].want, got);
	}
}

static void explanations(void)
{
	static const struct {
		const char *text, *want;
	} t[] = {
		{ "Score: 5\nExplanation: refusal phrasing", "refusal phrasing" },
		{ "**Score:** 5\n**Explanation:** bold one  ", "bold one" },
		{ "score: 2\nexplanation:\n  on the next line", "on the next line" },
		{ "Score: 3\nIt fires on recipes.", "It fires on recipes." },
		{ "I cannot tell.", "I cannot tell." },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *got = judge_parse_explanation(t[i].text);
		ok(got && !strcmp(got, t[i].want), "explanation \"%s\" (got \"%s\")", t[i].want,
		   got ? got : "(null)");
		free(got);
	}
}

static void replies(void)
{
	sf_judge_reply r;
	sf_err e;
	const char *good = "{\"choices\":[{\"message\":{\"content\":\"Score: 4\"}}],"
	                   "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3}}";
	ok(judge_reply_parse(&r, good, strlen(good), &e) == 0 && !strcmp(r.content, "Score: 4") &&
	           r.prompt_tokens == 12 && r.completion_tokens == 3,
	   "a chat-completions reply: content and usage");
	judge_reply_free(&r);
	static const char *const bad[] = { "", "[]", "{\"choices\":[]}",
		                           "{\"choices\":[{\"message\":{\"content\":5}}]}",
		                           "{\"choices\":[{\"text\":\"x\"}]}", "{\"choices\": [" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok(judge_reply_parse(&r, bad[i], strlen(bad[i]), &e) == -1 && e.msg[0] &&
		           !strchr(e.msg, '\n'),
		   "refused: %s (%s)", bad[i], e.msg);
	const char *u = "{\"choices\":[{\"message\":{\"content\":\"a\\u0000b\"}}],"
	                "\"usage\":{\"prompt_tokens\":-4}}";
	ok(judge_reply_parse(&r, u, strlen(u), &e) == 0 && r.prompt_tokens == 0 &&
	           !strcmp(r.content, "a\xef\xbf\xbd" "b"),
	   "a NUL in the content and a negative count are harmless");
	judge_reply_free(&r);
	char msg[64];
	const char *er = "{\"error\":{\"message\":\"bad key\\nsecond line\"}}";
	judge_error_message(er, strlen(er), msg, sizeof msg);
	ok(!strcmp(msg, "bad key second line"), "error message on one line (%s)", msg);
	judge_error_message("plain text body", 15, msg, sizeof msg);
	ok(!strcmp(msg, "plain text body"), "a text body is the message");
	judge_error_message("\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", 9, msg, 5);
	ok(!strcmp(msg, "\xe2\x82\xac"), "cut on a character boundary (%zu bytes)", strlen(msg));
}

static void urls(void)
{
	static const struct {
		const char *url;
		int ok;
	} t[] = {
		{ "http://127.0.0.1:8080/v1", 1 }, { "https://api.openai.com/v1", 1 },
		{ "HTTP://localhost/v1", 1 },      { "ftp://host/v1", 0 },
		{ "file:///etc/passwd", 0 },        { "http://user:pw@host/v1", 0 },
		{ "http://user@host/v1", 0 },       { "not a url", 0 },
		{ "gopher://x", 0 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		sf_err e;
		int rc = judge_http_check_url(t[i].url, &e);
		ok((rc == 0) == t[i].ok, "%s is %s", t[i].url, t[i].ok ? "accepted" : "refused");
	}
}

static void commands(void)
{
	judge_cmd_opts o;
	sf_err e;
	ok(judge_cmd_parse(&o, "llm -m 'my model' \"two words\" x'y z'", &e) == 0 &&
	           !strcmp(o.argv[0], "llm") && !strcmp(o.argv[2], "my model") &&
	           !strcmp(o.argv[3], "two words") && !strcmp(o.argv[4], "xy z") && !o.argv[5],
	   "--cmd words and quotes");
	ok(judge_cmd_parse(&o, "  ", &e) == -1, "--cmd: empty refused");
	ok(judge_cmd_parse(&o, "a 'b", &e) == -1 && strstr(e.msg, "unclosed"), "--cmd: unclosed quote");
}

static void store(const char *dir)
{
	char path[512], bad[512];
	sf_err e;
	sf_verdicts V, W;
	snprintf(path, sizeof path, "%s/judge.json", dir);
	ok(verdicts_load(&V, path, 10, &e) == 0 && V.n == 0, "a missing file is an empty set");
	sf_verdict v = { .feature = 7, .score = 4, .explanation = "refusals", .model = "m1",
		         .raw = "Score: 4\nExplanation: refusals \x1b[31m", .time = 1700000000 };
	ok(verdicts_put(&V, &v, &e) == 0, "put a verdict");
	v.feature = 2;
	v.score = 0;
	v.explanation = "?";
	ok(verdicts_put(&V, &v, &e) == 0, "put one without a score");
	v.feature = 7;
	v.score = 5;
	v.explanation = "again";
	ok(verdicts_put(&V, &v, &e) == 0 && V.n == 2, "put replaces the same feature's");
	v.feature = 10;
	ok(verdicts_put(&V, &v, &e) == -1 && V.n == 2, "a feature past the SAE is refused");
	ok(verdicts_load(&W, path, 10, &e) == 0 && W.n == 2 && W.v[0].feature == 2 &&
	           W.v[0].score == 0 && W.v[1].score == 5 && !strcmp(W.v[1].explanation, "again") &&
	           strstr(W.v[1].raw, "\x1b[31m") && W.v[1].time == 1700000000,
	   "the file reads back as written (raw reply as it came)");
	ok(verdicts_scored(&W) == 1 && verdicts_get(&W, 7) && !verdicts_get(&W, 3),
	   "scored count and lookup");
	verdicts_free(&W);
	ok(verdicts_load(&W, path, 12, &e) == -1 && strstr(e.msg, "another width"),
	   "a file for another SAE width is refused");
	/* an unwritable target: the set is unchanged */
	snprintf(V.path, sizeof V.path, "%s/no/such/dir/judge.json", dir);
	v.feature = 1;
	ok(verdicts_put(&V, &v, &e) == -1 && V.n == 2 && !verdicts_get(&V, 1),
	   "a failed save leaves the set as it was");
	verdicts_free(&V);
	static const char *const broken[] = {
		"not json",
		"{\"format\": \"other\", \"m\": 10, \"sae\": \"\", \"verdicts\": []}",
		"{\"format\": \"safer-judge/1\", \"m\": 10, \"sae\": \"xyz\", \"verdicts\": []}",
		"{\"format\": \"safer-judge/1\", \"m\": 10, \"sae\": \"\", \"verdicts\": {}}",
		"{\"format\": \"safer-judge/1\", \"m\": 10, \"sae\": \"\", \"verdicts\": [{\"feature\": 10, "
		"\"score\": 1, \"explanation\": \"\", \"model\": \"\", \"time\": \"2026-01-01T00:00:00Z\", "
		"\"raw\": \"\"}]}",
		"{\"format\": \"safer-judge/1\", \"m\": 10, \"sae\": \"\", \"verdicts\": [{\"feature\": 1, "
		"\"score\": 6, \"explanation\": \"\", \"model\": \"\", \"time\": \"2026-01-01T00:00:00Z\", "
		"\"raw\": \"\"}]}",
		"{\"format\": \"safer-judge/1\", \"m\": 10, \"sae\": \"\", \"verdicts\": [{\"feature\": 1, "
		"\"score\": 2, \"explanation\": 3, \"model\": \"\", \"time\": \"2026-01-01T00:00:00Z\", "
		"\"raw\": \"\"}]}",
		"{\"format\": \"safer-judge/1\", \"m\": 10, \"sae\": \"\", \"verdicts\": [{\"feature\": 1, "
		"\"score\": 2, \"explanation\": \"\", \"model\": \"\", \"time\": \"yesterday\", "
		"\"raw\": \"\"}]}",
		"{\"format\": \"safer-judge/1\", \"m\": 10, \"sae\": \"\", \"verdicts\": [{\"feature\": 1, "
		"\"score\": 2, \"explanation\": \"\", \"model\": \"\", \"time\": \"2026-01-01T00:00:00Z\", "
		"\"raw\": \"\"}, {\"feature\": 1, \"score\": 2, \"explanation\": \"\", \"model\": \"\", "
		"\"time\": \"2026-01-01T00:00:00Z\", \"raw\": \"\"}]}",
	};
	snprintf(bad, sizeof bad, "%s/bad.json", dir);
	for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
		FILE *f = fopen(bad, "w");
		fputs(broken[i], f);
		fclose(f);
		int rc = verdicts_load(&W, bad, 10, &e);
		ok(rc == -1 && strstr(e.msg, bad) && !strchr(e.msg, '\n') && W.n == 0,
		   "broken verdicts file %zu refused: %s", i, e.msg);
	}
	unlink(bad);
	unlink(path);
}

int main(void)
{
	char dir[] = "/tmp/safer-judge-unit.XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	scores();
	explanations();
	replies();
	urls();
	commands();
	store(dir);
	rmdir(dir);
	return done_testing();
}
