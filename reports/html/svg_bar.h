/* svg_bar.h - one horizontal bar as inline SVG: the thermometer of a theme
 * (a value on 0..max, filled in its band's colour on a grey track). No
 * script, no style attribute; decorative (aria-hidden), the number beside it
 * carries the value.
 *
 *   svg_bar(&sb, 64.3, 100, "#FFC000");
 */
#ifndef TM_SVG_BAR_H
#define TM_SVG_BAR_H

#include "core/strbuf.h"

/* Appends the bar's <svg> element; a value outside 0..max is drawn at the
 * nearer end, NAN as an empty track. colour is "#rrggbb" from the caller's
 * own code (not escaped). Returns 0, or -1 when b failed. */
int svg_bar(strbuf *b, double value, double max, const char *colour);

#endif
