/* The judge's reply (engine/judge/reply.h), from a server or a program:
 * the chat-completions JSON, the score and explanation in its text, and
 * the message of an error reply. Whatever the bytes: no crash, a score in
 * 0..5, valid UTF-8 out, one-line error messages. */
#include "engine/base/textsafe.h"
#include "engine/judge/reply.h"
#include "tests/fuzz/fuzz.h"

static void check_text(const char *text)
{
	int s = judge_parse_score(text);
	FUZZ_CHECK(s >= 0 && s <= 5, "a score is 0..5");
	char *x = judge_parse_explanation(text);
	FUZZ_CHECK(x != NULL, "an explanation is made");
	FUZZ_CHECK(fuzz_strlen(x) <= fuzz_strlen(text), "the explanation is part of the text");
	FUZZ_CHECK(textsafe_utf8_valid(x, fuzz_strlen(x)), "the explanation is valid UTF-8");
	free(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	sf_judge_reply r;
	sf_err e = {{0}};
	if (judge_reply_parse(&r, body, size, &e) == 0) {
		FUZZ_CHECK(textsafe_utf8_valid(r.content, fuzz_strlen(r.content)), "content is UTF-8");
		FUZZ_CHECK(r.prompt_tokens >= 0 && r.completion_tokens >= 0, "token counts");
		check_text(r.content);
		judge_reply_free(&r);
	} else {
		FUZZ_CHECK_MSG(e.msg);
	}
	if (judge_reply_text(&r, body, size, &e) == 0) {
		check_text(r.content);
		judge_reply_free(&r);
	}
	char msg[300];
	judge_error_message(body, size, msg, sizeof msg);
	FUZZ_CHECK(strlen(msg) < sizeof msg, "the message fits");
	FUZZ_CHECK(!strchr(msg, '\n') && textsafe_utf8_valid(msg, strlen(msg)),
	           "the message is one line of UTF-8");
	return 0;
}
