/* imports.c - see imports.h. */
#include "server/store/imports.h"

#include <stdlib.h>

#include "server/store/db.h"
#include "server/store/sql.h"

json_t *store_imports_list(PGconn *c, long long wave, tm_error *err)
{
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {wt};
    PGresult *r =
        db_query(c,
                 "SELECT id, rows, " UTC_TEXT(
                     "created_at") " FROM import_batches WHERE wave_id = $1 ORDER BY id DESC",
                 1, p, err);
    if (!r) return NULL;
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(r); i++)
        json_array_append_new(list,
                              json_pack("{s:I, s:I, s:s}", "id",
                                        (json_int_t)strtoll(PQgetvalue(r, i, 0), NULL, 10), "rows",
                                        (json_int_t)strtoll(PQgetvalue(r, i, 1), NULL, 10),
                                        "created_at", PQgetvalue(r, i, 2)));
    PQclear(r);
    return list;
}

int store_imports_undo(PGconn *c, long long wave, long long batch, long long *rows, tm_error *err)
{
    char wt[24], bt[24];
    store_sql_id(wave, wt);
    store_sql_id(batch, bt);
    const char *p[] = {wt, bt};
    int own;
    if (db_begin(c, &own, err) != 0) return -1;
    /* The lock keeps a close from slipping in between (as the import does). */
    PGresult *r =
        db_query(c,
                 "SELECT status = 'closed' OR (closes_at IS NOT NULL AND closes_at <= now())"
                 " FROM waves WHERE id = $1 FOR UPDATE",
                 1, p, err);
    if (!r) goto fail;
    int closed = PQntuples(r) == 0 || PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    if (closed) {
        tm_error_set(err, 409, "wave %lld is closed: its responses can no longer change", wave);
        goto fail;
    }
    r = db_query(c, "DELETE FROM import_batches WHERE wave_id = $1 AND id = $2 RETURNING rows", 2,
                 p, err);
    if (!r) goto fail;
    if (PQntuples(r) != 1) {
        PQclear(r);
        tm_error_set(err, 404, "import %lld is not an import of wave %lld", batch, wave);
        goto fail;
    }
    *rows = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return db_commit(c, own, err);
fail:
    db_rollback(c, own);
    return -1;
}
