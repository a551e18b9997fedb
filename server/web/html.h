/* html.h - moved to core/html.h (reports/html escapes with it too); this
 * name stays so that pages of the web room may include either. */
#ifndef TM_HTML_H
#define TM_HTML_H

#include "core/html.h"

#endif
