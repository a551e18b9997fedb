/* svg_bar.c - see svg_bar.h. */
#include "reports/html/svg_bar.h"

#include <math.h>

#define BAR_W 160.0
#define BAR_H 14.0

int svg_bar(strbuf *b, double value, double max, const char *colour)
{
    double r = isnan(value) || max <= 0 ? 0 : value / max;
    if (r < 0) r = 0;
    if (r > 1) r = 1;
    strbuf_addf(b,
                "<svg class=\"bar\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" "
                "preserveAspectRatio=\"none\" aria-hidden=\"true\" focusable=\"false\"><rect "
                "width=\"%.0f\" height=\"%.0f\" "
                "rx=\"3\" fill=\"#e5e7eb\"/>",
                BAR_W, BAR_H, BAR_W, BAR_H);
    if (r > 0)
        strbuf_addf(b, "<rect width=\"%.1f\" height=\"%.0f\" rx=\"3\" fill=\"%s\"/>", BAR_W * r,
                    BAR_H, colour);
    return strbuf_adds(b, "</svg>");
}
