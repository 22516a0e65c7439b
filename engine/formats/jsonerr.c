#include "engine/formats/jsonerr.h"

#include <stdio.h>

const char *jsonerr_line(const json_error_t *je, char buf[24])
{
	buf[0] = '\0';
	if (je->line > 0)
		snprintf(buf, 24, ":%d", je->line);
	return buf;
}
