/* console_collect.h - how answers reach a wave, in the console: progress,
 * invitations (a CSV for a mail merge, shown once), open links, the import
 * and its undo. console_wave.c puts these sections on the wave's page. */
#ifndef TM_CONSOLE_COLLECT_H
#define TM_CONSOLE_COLLECT_H

#include "server/app/wave_admin.h"
#include "server/web/console.h"

/* The sections of the wave's page below its facts: progress, invitations
 * and links (online waves), the import (import waves), by status. */
void console_collect_sections(console_page *p, const wave_details *d);

/* The wave's page (console_wave.c), with an error of a form on it, or a
 * piece of HTML shown once (a new open link). */
void console_wave_page(http_request *req, http_response *res, int status, const tm_error *form_err,
                       const char *shown_once_html);

#endif
