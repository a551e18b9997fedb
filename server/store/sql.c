/* sql.c - see sql.h. */
#include "server/store/sql.h"

#include "server/store/db.h"

#include <stdio.h>
#include <stdlib.h>

void store_sql_wave_row(PGresult *r, int row, int col, wave_info *w)
{
    w->id = strtoll(PQgetvalue(r, row, col), NULL, 10);
    w->organisation_id = strtoll(PQgetvalue(r, row, col + 1), NULL, 10);
    w->instrument_id = atoi(PQgetvalue(r, row, col + 2));
    snprintf(w->status, sizeof w->status, "%s", PQgetvalue(r, row, col + 3));
    w->accepting = PQgetvalue(r, row, col + 4)[0] == 't';
    w->min_group_size = atoi(PQgetvalue(r, row, col + 5));
    w->previous_wave_id = strtoll(PQgetvalue(r, row, col + 6), NULL, 10);
    snprintf(w->name, sizeof w->name, "%s", PQgetvalue(r, row, col + 7));
    snprintf(w->organisation, sizeof w->organisation, "%s", PQgetvalue(r, row, col + 8));
    snprintf(w->instrument, sizeof w->instrument, "%s", PQgetvalue(r, row, col + 9));
    snprintf(w->collection, sizeof w->collection, "%s", PQgetvalue(r, row, col + 10));
}

void store_sql_id(long long id, char buf[24])
{
    snprintf(buf, 24, "%lld", id);
}

const char *store_sql_role(const caller *who)
{
    return who ? role_name(who->role) : "admin";
}

const char *store_sql_key(const caller *who)
{
    return who && who->principal[0] ? who->principal : "none";
}

void store_sql_bytea(const unsigned char *b, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    out[0] = '\\';
    out[1] = 'x';
    for (size_t i = 0; i < n; i++) {
        out[2 + 2 * i] = hex[b[i] >> 4];
        out[3 + 2 * i] = hex[b[i] & 15];
    }
    out[2 + 2 * n] = '\0';
}

PGresult *store_sql_probe(PGconn *c, const char *sql, int n, const char *const *params,
                          tm_error *err)
{
    int in_tx = PQtransactionStatus(c) == PQTRANS_INTRANS;
    tm_error ignored = TM_ERROR_INIT;
    if (in_tx && db_exec(c, "SAVEPOINT probe", 0, NULL, err) != 0) return NULL;
    PGresult *r = db_query(c, sql, n, params, &ignored);
    tm_error_clear(&ignored);
    if (PQstatus(c) != CONNECTION_OK) {
        PQclear(r);
        tm_error_set(err, 503, "the database connection was lost; try again shortly");
        return NULL;
    }
    if (in_tx && db_exec(c, r ? "RELEASE SAVEPOINT probe" : "ROLLBACK TO SAVEPOINT probe", 0, NULL,
                         err) != 0) {
        PQclear(r);
        return NULL;
    }
    return r;
}
