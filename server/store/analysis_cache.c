/* analysis_cache.c - see analysis_cache.h. */
#include "server/store/analysis_cache.h"

#include <stdlib.h>

#include "server/store/db.h"
#include "server/store/sql.h"

json_t *store_analysis_cache_get(PGconn *c, long long wave, tm_error *err)
{
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {wt};
    PGresult *r =
        db_query(c, "SELECT analysis::text FROM wave_analysis_cache WHERE wave_id = $1", 1, p, err);
    if (!r) return NULL;
    json_t *a = PQntuples(r) ? json_loads(PQgetvalue(r, 0, 0), 0, NULL) : NULL;
    PQclear(r);
    return a;
}

int store_analysis_cache_put(PGconn *c, long long wave, json_t *analysis, tm_error *err)
{
    char wt[24];
    store_sql_id(wave, wt);
    char *text = json_dumps(analysis, JSON_COMPACT | JSON_REAL_PRECISION(17));
    if (!text) return tm_error_set(err, 500, "out of memory caching an analysis");
    const char *p[] = {wt, text};
    int rc = db_exec(c,
                     "INSERT INTO wave_analysis_cache (wave_id, analysis) VALUES ($1, $2::json)"
                     " ON CONFLICT (wave_id) DO UPDATE SET analysis = EXCLUDED.analysis,"
                     " computed_at = now()",
                     2, p, err);
    free(text);
    return rc;
}
