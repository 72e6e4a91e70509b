/* Grafana grid auto-layout: rows and panels of a dashboard placed on the 24-column grid, left to
 * right and wrapping, so no two panels overlap. A pure function of widths and heights. */
#ifndef GOOSE_GRAFANA_LAYOUT_H
#define GOOSE_GRAFANA_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#define GRAFANA_GRID_COLUMNS 24
#define GRAFANA_DEFAULT_HEIGHT 8
/* auto-width panels are never narrower than this, so a line holds at most four of them */
#define GRAFANA_MIN_AUTO_WIDTH 6

/* One element of the panel list, in document order: a row header or a panel. */
struct grafana_cell {
	bool is_row;
	int width;  /* 1-24, or 0: share the line's free columns evenly */
	int height; /* >= 1, or 0: GRAFANA_DEFAULT_HEIGHT */
};

struct grafana_rect {
	int x, y, w, h;
};

/* Places `count` cells into `rects` (parallel arrays). A row header takes a full-width line of
 * height 1; the panels after it fill lines: a panel starts a new line when its width (or
 * GRAFANA_MIN_AUTO_WIDTH for an auto panel) no longer fits; auto panels of a line then share
 * its free columns, the leftmost taking the remainder. A line is as tall as its tallest panel.
 * Widths over 24 are clamped to 24. */
void grafana_layout(const struct grafana_cell *cells, size_t count, struct grafana_rect *rects);

/* True when the two rectangles share any grid cell. */
bool grafana_rects_overlap(const struct grafana_rect *a, const struct grafana_rect *b);

#endif
