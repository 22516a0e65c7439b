/* Where a JSON text failed to parse, for one-line messages. jansson gives
 * line -1 for errors without a position (out of memory, a text it never
 * read): such a message names the file alone, never "file:-1:". */
#ifndef ENGINE_FORMATS_JSONERR_H
#define ENGINE_FORMATS_JSONERR_H

#include <jansson.h>

/* ":LINE" when the error has a line, else "" (in buf, of 24 bytes). */
const char *jsonerr_line(const json_error_t *je, char buf[24]);

#endif
