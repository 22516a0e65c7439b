/* The judge's request (safer-method.md §5a): a system line and a user
 * message holding the §5 rubric, one line per context
 *   Token: <token> | Activation: <value> | Context: <window>
 * and the reply format `Score: N` / `Explanation: ...`, sent as one
 * chat-completions request body. */
#ifndef ENGINE_JUDGE_PROMPT_H
#define ENGINE_JUDGE_PROMPT_H

#include "engine/analysis/top.h"
#include "engine/base/err.h"
#include "engine/formats/store.h"

#define JUDGE_TEMPERATURE 0.1
#define JUDGE_MAX_REPLY_TOKENS 256

extern const char judge_system_line[];

/* The user message for j (its contexts' text made valid UTF-8, each
 * context on one line). malloc'd; NULL (and e) when out of memory. */
char *judge_prompt_user(const sf_judge_input *j, const store *s, sf_err *e);
/* The request body {"model", "messages": [system, user], "temperature",
 * "max_tokens"} as JSON text (malloc'd). */
char *judge_request_body(const char *model, const char *user, sf_err *e);

#endif
