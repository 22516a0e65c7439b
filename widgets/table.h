/* A scrollable table with sortable columns and a selected row.
 *
 * The table does not own its data: a cell callback renders row r, column c
 * into a buffer (the text is made safe when drawn). Rows are the owner's
 * view order, so a million rows cost nothing until drawn. The table keeps
 * the sort column and direction; changing them returns WF_SORT and the
 * owner re-sorts its view (wtable_sort_perm helps). */
#ifndef WIDGETS_TABLE_H
#define WIDGETS_TABLE_H

#include <curses.h>
#include <stddef.h>

#include "widgets/search.h"
#include "widgets/widget.h"

typedef struct wtable_col {
	const char *title;
	int width;   /* columns; the last column with flex takes what is left */
	int right;   /* right-aligned (numbers) */
	int flex;
} wtable_col;

/* Text of cell (row, col) into buf (n bytes); may set *attr to a theme
 * attribute for that cell (defaults to normal). */
typedef void (*wtable_cell_fn)(void *ctx, size_t row, int col, char *buf, size_t n,
                               attr_t *attr);

typedef struct wtable {
	const char *title;     /* in the top border (may be NULL) */
	const wtable_col *cols;
	int ncols;
	size_t nrows;
	size_t sel, top;       /* selected row; first row shown */
	int sort_col;          /* -1: none */
	int sort_desc;
	int focused;
	int page;              /* rows shown by the last draw */
	int border;            /* draw a box */
	wtable_cell_fn cell;
	void *ctx;
	const wsearch *hl;     /* matches of this search drawn highlighted; may be NULL */
	const int *drop;       /* [ncols] or NULL: when the table is too narrow,
	                        * columns go in this order (1 first); 0 never */
} wtable;

void wtable_init(wtable *t, const wtable_col *cols, int ncols, wtable_cell_fn cell, void *ctx);
void wtable_set_rows(wtable *t, size_t nrows); /* keeps sel in range */
void wtable_select(wtable *t, size_t row);      /* and scroll it into view */
void wtable_draw(WINDOW *w, wrect r, wtable *t);
/* Arrows, j/k, PgUp/PgDn, Ctrl-B/F, Ctrl-D/U (half a page), g/G, Home/End, Enter (WF_ACCEPT),
 * < and > (sort column), s (next sort column), r (reverse). */
int wtable_key(wtable *t, int key);
/* A click at screen (y, x) inside r: selects a row (WF_SELECT), or sorts
 * by the clicked column title (WF_SORT). */
int wtable_click(wtable *t, wrect r, int y, int x);
/* Set the sort column; clicking the current one reverses. */
void wtable_sort_by(wtable *t, int col, int desc);

/* Sort perm[0..n) with cmp(a, b, ctx) (stable; desc reverses). */
void wtable_sort_perm(size_t *perm, size_t n, int (*cmp)(size_t a, size_t b, void *ctx),
                      void *ctx, int desc);

#endif
