/* Reading the judge's reply: the chat-completions JSON, then the score and
 * explanation in its message text. Replies are hostile input: the caller
 * bounds their size; everything here checks types and lengths. */
#ifndef ENGINE_JUDGE_REPLY_H
#define ENGINE_JUDGE_REPLY_H

#include <stddef.h>

#include "engine/base/err.h"

typedef struct sf_judge_reply {
	char *content;   /* choices[0].message.content, valid UTF-8 (malloc'd) */
	long prompt_tokens, completion_tokens; /* from "usage", 0 when absent */
} sf_judge_reply;

/* Parse a 200 reply body. Fails (e says what is wrong) on anything that is
 * not a chat-completions object with a string content. */
int judge_reply_parse(sf_judge_reply *out, const char *body, size_t len, sf_err *e);
/* A reply that is the message text itself (a local program's stdout):
 * made valid UTF-8, no token counts. */
int judge_reply_text(sf_judge_reply *out, const char *text, size_t len, sf_err *e);
void judge_reply_free(sf_judge_reply *r);

/* The score in the message text, tolerant of the forms models write:
 * "Score: 5", "score: [5]", "**Score:** 5", "Score = 4/5". 1..5, or 0 when
 * there is none. */
int judge_parse_score(const char *text);
/* The explanation: the text after "Explanation:" (any case, markdown
 * emphasis around it allowed), else the whole text without the score line;
 * trimmed. malloc'd. */
char *judge_parse_explanation(const char *text);

/* The message of an error reply ({"error": {"message": ...}}, {"error":
 * "..."}, {"message": ...}, or the body itself as text), at most cap-1
 * bytes into out, valid UTF-8, on one line. */
void judge_error_message(const char *body, size_t len, char *out, size_t cap);

#endif
