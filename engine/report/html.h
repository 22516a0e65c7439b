/* The report as one self-contained HTML page: inline CSS, charts as
 * inline SVG, no script, nothing fetched. Every text is escaped (& < > "
 * ') after textsafe, so that no dataset text becomes markup. */
#ifndef ENGINE_REPORT_HTML_H
#define ENGINE_REPORT_HTML_H

#include <stdio.h>

#include "engine/report/writer.h"

void report_html_writer(rep_writer *w, FILE *f);

#endif
