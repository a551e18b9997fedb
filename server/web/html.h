/* html.h - moved to core/html.h (the web page of the council summary in
 * reports/html escapes with it too). This header stays only so that branches
 * written before the move still build; include "core/html.h". */
#include "core/html.h"
