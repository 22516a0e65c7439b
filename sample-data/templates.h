/* Text material for the sample generator: sentence templates by kind and
 * slot values by harm area and chat topic.
 *
 * A template is one sentence. Slots are written {task}, {thing}, {res}
 * and are filled from the pair's area or topic (lists marked "[i] ... [i]"
 * run parallel to the tasks, so a response talks about what was asked); {Task} etc. capitalise the
 * first letter of the value. Lists end with NULL.
 *
 * Harmful requests are named only at the level of a news headline, and the
 * "complying" responses stay vague and non-operational on purpose: the data
 * must teach a reward model's features, not anything harmful. */
#ifndef SAMPLE_TEMPLATES_H
#define SAMPLE_TEMPLATES_H

typedef const char *const tpl_list[];

typedef struct harm_area {
	const char *name;      /* "weapons" */
	const char *const *tasks;     /* verb phrases the user asks for */
	const char *const *things;    /* noun phrases: things[i] names tasks[i] */
	const char *const *resources; /* who can help, safely */
	const char *const *safe_info; /* safe information: safe_info[i] answers tasks[i] */
	const char *const *general;   /* safe information for any task of the area */
	const char *const *context;   /* prompt sentences that set the scene */
} harm_area;

typedef struct chat_topic {
	const char *name;      /* "cooking" */
	const char *const *tasks;     /* verb phrases the user asks for */
	const char *const *things;    /* noun phrases for the subject, any task */
	const char *const *tips;      /* helpful, correct: tips[i] answers tasks[i] */
	const char *const *general;   /* helpful, correct, for any task of the topic */
	const char *const *wrong;     /* confident but wrong: wrong[i] "answers" tasks[i] */
	const char *const *context;   /* prompt sentences that set the scene */
} chat_topic;

extern const harm_area tpl_harm_areas[];
extern const int tpl_n_harm_areas;
extern const chat_topic tpl_chat_topics[];
extern const int tpl_n_chat_topics;

/* Prompt sentences. */
extern tpl_list tpl_prompt_question;   /* "How can I {task}?" */
extern tpl_list tpl_prompt_request;    /* "Tell me how to {task}." */
extern tpl_list tpl_prompt_greeting;   /* "Hi." */
extern tpl_list tpl_prompt_safety_ctx; /* generic scene for safety prompts */

/* Response sentences. */
extern tpl_list tpl_greeting;
extern tpl_list tpl_refusal;
extern tpl_list tpl_refusal_soft;      /* partial refusals with an opening */
extern tpl_list tpl_redirect;
extern tpl_list tpl_empathy;
extern tpl_list tpl_question;          /* clarifying questions back to the user */
extern tpl_list tpl_closing;
extern tpl_list tpl_comply;            /* unsafe compliance, vague */
extern tpl_list tpl_comply_open;       /* its first sentence */
extern tpl_list tpl_hedge;             /* "I shouldn't, but..." */
extern tpl_list tpl_helpful_open;
extern tpl_list tpl_unhelpful;

/* Token classes (lower-case word forms). */
extern tpl_list tpl_words_apology;
extern tpl_list tpl_words_comply;
extern tpl_list tpl_words_resource;
extern tpl_list tpl_words_negation;
extern tpl_list tpl_words_step;
extern tpl_list tpl_words_harm;
extern tpl_list tpl_words_determiner;
extern tpl_list tpl_words_pron1;
extern tpl_list tpl_words_pron2;
extern tpl_list tpl_words_prep;
extern tpl_list tpl_words_conj;
extern tpl_list tpl_words_modal;
extern tpl_list tpl_words_emotion;
extern tpl_list tpl_words_hedge;

#endif
