/* routes.h - the route table and the handlers behind it, grouped by
 * resource (routes_*.c). Handlers validate the request, call the store
 * modules, and shape the JSON or HTML; they do no statistics and write no SQL
 * of their own beyond calling the store.
 */
#ifndef TM_ROUTES_H
#define TM_ROUTES_H

#include "http.h"

/* The whole table, ending with a NULL method. */
extern const route app_routes[];

/* routes_system.c */
void handle_healthz(http_request *req, http_response *res);
void handle_metrics(http_request *req, http_response *res);
void handle_instruments_list(http_request *req, http_response *res);
void handle_instrument_get(http_request *req, http_response *res);

#endif
