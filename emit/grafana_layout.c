/* Grafana grid auto-layout: lines of panels on the 24-column grid, wrapped left to right; see
 * grafana_layout.h for the rules. */
#include "grafana_layout.h"

#include "banned.h"

static int clamp_width(int width)
{
	if (width <= 0)
		return 0;
	return width > GRAFANA_GRID_COLUMNS ? GRAFANA_GRID_COLUMNS : width;
}

static int effective_height(const struct grafana_cell *cell)
{
	return cell->height > 0 ? cell->height : GRAFANA_DEFAULT_HEIGHT;
}

/* Places cells [first, end) (panels only) on one line at `y`; returns the line's height. */
static int place_line(const struct grafana_cell *cells, size_t first, size_t end, int y, struct grafana_rect *rects)
{
	int fixed_columns = 0, auto_count = 0;
	for (size_t i = first; i < end; i++) {
		if (clamp_width(cells[i].width))
			fixed_columns += clamp_width(cells[i].width);
		else
			auto_count++;
	}
	int free_columns = GRAFANA_GRID_COLUMNS - fixed_columns;
	int share = auto_count ? free_columns / auto_count : 0;
	int remainder = auto_count ? free_columns % auto_count : 0;
	int x = 0, line_height = 0;
	for (size_t i = first; i < end; i++) {
		int width = clamp_width(cells[i].width);
		if (!width) {
			width = share + (remainder > 0);
			if (remainder > 0)
				remainder--;
		}
		rects[i] = (struct grafana_rect){ .x = x, .y = y, .w = width, .h = effective_height(&cells[i]) };
		x += width;
		if (rects[i].h > line_height)
			line_height = rects[i].h;
	}
	return line_height;
}

void grafana_layout(const struct grafana_cell *cells, size_t count, struct grafana_rect *rects)
{
	int y = 0;
	size_t line_start = 0;
	int line_columns = 0; /* columns the current line needs at least */
	for (size_t i = 0; i <= count; i++) {
		bool at_end = i == count;
		int needed = 0;
		if (!at_end && !cells[i].is_row) {
			needed = clamp_width(cells[i].width);
			if (!needed)
				needed = GRAFANA_MIN_AUTO_WIDTH;
		}
		/* close the open line before a row header, at the end, or when this panel does not fit */
		bool close_line = at_end || cells[i].is_row || line_columns + needed > GRAFANA_GRID_COLUMNS;
		if (close_line && i > line_start) {
			y += place_line(cells, line_start, i, y, rects);
			line_columns = 0;
		}
		if (at_end)
			break;
		if (cells[i].is_row) {
			rects[i] = (struct grafana_rect){ .x = 0, .y = y, .w = GRAFANA_GRID_COLUMNS, .h = 1 };
			y += 1;
			line_start = i + 1;
			continue;
		}
		if (close_line)
			line_start = i;
		line_columns += needed;
	}
}

bool grafana_rects_overlap(const struct grafana_rect *a, const struct grafana_rect *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}
