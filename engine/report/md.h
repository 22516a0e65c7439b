/* The report as Markdown that reads in a plain viewer: tables as pipe
 * tables, charts as rows of block characters in code blocks (numbers
 * only), and every text with the Markdown specials backslash-escaped
 * after textsafe, so that no dataset text becomes markup or HTML. */
#ifndef ENGINE_REPORT_MD_H
#define ENGINE_REPORT_MD_H

#include <stdio.h>

#include "engine/report/writer.h"

void report_md_writer(rep_writer *w, FILE *f);

#endif
