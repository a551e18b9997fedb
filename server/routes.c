/* routes.c - every address the server answers, in one table. */
#include "routes.h"

const route app_routes[] = {
    {"GET", "/healthz", handle_healthz, ROUTE_PUBLIC, 0, NULL, NULL},
    {"GET", "/metrics", handle_metrics, ROUTE_PUBLIC, 0, NULL, NULL},
    {"GET", "/api/v1/instruments", handle_instruments_list, ROUTE_API_KEY, 0, NULL, NULL},
    {"GET", "/api/v1/instruments/{key}", handle_instrument_get, ROUTE_API_KEY, 0, NULL, NULL},
    {NULL, NULL, NULL, ROUTE_PUBLIC, 0, NULL, NULL},
};
