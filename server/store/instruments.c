/* instruments.c - see instruments.h. */
#include "server/store/instruments.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store/db.h"

static int is_instrument_file(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && !strcmp(name + n - 5, ".json") && strcmp(name, "schema.json") != 0 &&
           name[0] != '.';
}

static int sync_file(PGconn *conn, const char *path, int *inserted, tm_error *err)
{
    instrument *in = instrument_load_file(path, err);
    if (!in) return -1;
    char *canonical = json_dumps(in->definition, JSON_SORT_KEYS | JSON_COMPACT);
    const char *params[] = {in->key, in->version, in->sha256, canonical};
    PGresult *r = canonical ? db_query(conn,
                                       "INSERT INTO instruments (key, version, version_order, "
                                       " sha256, definition)"
                                       " VALUES ($1, $2, string_to_array($2, '.')::int[], $3, $4)"
                                       " ON CONFLICT (key, version) DO NOTHING RETURNING id",
                                       4, params, err)
                            : NULL;
    int rc = r ? 0 : -1;
    if (r && PQntuples(r) == 1) {
        *inserted = 1;
    } else if (r) {
        PQclear(r);
        r = db_query(conn, "SELECT sha256 FROM instruments WHERE key = $1 AND version = $2", 2,
                     params, err);
        if (!r) {
            rc = -1;
        } else if (PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), in->sha256) != 0) {
            rc = tm_error_set(err, 409,
                              "%s: instrument \"%s\" version %s is already in use with different "
                              "content; waves keep the instrument they started with, so give the "
                              "changed file a new \"version\"",
                              path, in->key, in->version);
        }
    }
    if (!canonical) rc = tm_error_set(err, 500, "out of memory storing %s", path);
    PQclear(r);
    free(canonical);
    instrument_free(in);
    return rc;
}

int store_instruments_sync_dir(PGconn *conn, const char *dir, int *loaded, tm_error *err)
{
    if (loaded) *loaded = 0;
    DIR *d = opendir(dir);
    if (!d)
        return tm_error_set(err, 500,
                            "cannot open the instruments directory %s (set "
                            "INSTRUMENTS_DIR)",
                            dir);
    int rc = 0, count = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        if (!is_instrument_file(e->d_name)) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        int inserted = 0;
        rc = sync_file(conn, path, &inserted, err);
        count += inserted;
    }
    closedir(d);
    if (loaded) *loaded = count;
    return rc;
}

int store_instruments_resolve(PGconn *conn, const char *ref, int *id, tm_error *err)
{
    char key[128];
    const char *at = strchr(ref, '@');
    size_t klen = at ? (size_t)(at - ref) : strlen(ref);
    if (klen == 0 || klen >= sizeof key)
        return tm_error_set(err, 422, "instrument \"%s\" is not a valid instrument name", ref);
    memcpy(key, ref, klen);
    key[klen] = '\0';
    const char *params[] = {key, at ? at + 1 : NULL};
    PGresult *r = db_query(conn,
                           "SELECT id FROM instruments WHERE key = $1"
                           " AND ($2::text IS NULL OR version = $2)"
                           " ORDER BY version_order DESC LIMIT 1",
                           2, params, err);
    if (!r) return -1;
    int rc = 0;
    if (PQntuples(r) == 0)
        rc = tm_error_set(err, 422, "unknown instrument \"%s\" (see GET /api/v1/instruments)", ref);
    else
        *id = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    return rc;
}

json_t *store_instruments_list(PGconn *conn, tm_error *err)
{
    PGresult *r = db_query(conn,
                           "SELECT DISTINCT ON (key) key, version, sha256,"
                           " definition::json->'title' FROM instruments"
                           " ORDER BY key, version_order DESC",
                           0, NULL, err);
    if (!r) return NULL;
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(r); i++) {
        json_t *title = json_loads(PQgetvalue(r, i, 3), 0, NULL);
        json_array_append_new(list,
                              json_pack("{s:s, s:s, s:s, s:o}", "key", PQgetvalue(r, i, 0),
                                        "version", PQgetvalue(r, i, 1), "sha256",
                                        PQgetvalue(r, i, 2), "title", title ? title : json_null()));
    }
    PQclear(r);
    return list;
}

instrument *store_instruments_load(PGconn *conn, int id, tm_error *err)
{
    char idbuf[16];
    snprintf(idbuf, sizeof idbuf, "%d", id);
    const char *params[] = {idbuf};
    PGresult *r =
        db_query(conn, "SELECT definition FROM instruments WHERE id = $1", 1, params, err);
    if (!r) return NULL;
    instrument *in = NULL;
    if (PQntuples(r) == 0) {
        tm_error_set(err, 404, "instrument %d does not exist", id);
    } else {
        json_error_t jerr;
        json_t *def = json_loads(PQgetvalue(r, 0, 0), 0, &jerr);
        if (!def)
            tm_error_set(err, 500, "stored instrument %d is not valid JSON: %s", id, jerr.text);
        else
            in = instrument_load(def, err);
        json_decref(def);
    }
    PQclear(r);
    return in;
}
