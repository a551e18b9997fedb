/* sql.c - see sql.h. */
#include "server/store/sql.h"

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
    return who && who->key_id_text[0] ? who->key_id_text : "0";
}
