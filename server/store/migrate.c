/* migrate.c - see migrate.h. */
#include "server/store/migrate.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store/db.h"

/* Any constant will do, as long as nothing else in the database uses it. */
#define MIGRATION_LOCK_ID "7245120001"

static int is_migration_name(const char *name)
{
    size_t n = strlen(name);
    return n > 8 && name[0] >= '0' && name[0] <= '9' && name[1] >= '0' && name[1] <= '9' &&
           name[2] >= '0' && name[2] <= '9' && name[3] == '_' && !strcmp(name + n - 4, ".sql");
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The migration files of dir, sorted; *n receives the count. Caller frees
 * each name and the array. */
static char **list_migrations(const char *dir, size_t *n, tm_error *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        tm_error_set(err, 500, "cannot open the migrations directory %s (set SQL_DIR)", dir);
        return NULL;
    }
    char **names = NULL;
    size_t cap = 0;
    *n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!is_migration_name(e->d_name)) continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown) break;
            names = grown;
        }
        names[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    if (*n) qsort(names, *n, sizeof *names, by_name);
    return names ? names : calloc(1, sizeof *names);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = size >= 0 ? malloc((size_t)size + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    if (buf) buf[size] = '\0';
    fclose(f);
    return buf;
}

/* Applies one file in its own transaction. A migration file holds several
 * statements, which PQexecParams cannot run: PQexec is used for the file's
 * own text only (never for anything built from input). */
static int apply_one(PGconn *conn, const char *dir, const char *name, tm_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *sql = read_file(path);
    if (!sql) return tm_error_set(err, 500, "cannot read migration %s", path);

    if (db_exec(conn, "BEGIN", 0, NULL, err) != 0) {
        free(sql);
        return -1;
    }
    PGresult *r = PQexec(conn, sql);
    free(sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
        tm_error_set(err, 500, "migration %s failed: %s", name, msg ? msg : PQerrorMessage(conn));
        PQclear(r);
        PQclear(PQexec(conn, "ROLLBACK"));
        return -1;
    }
    PQclear(r);
    const char *params[] = {name};
    if (db_exec(conn, "INSERT INTO schema_migrations (version) VALUES ($1)", 1, params, err) != 0 ||
        db_exec(conn, "COMMIT", 0, NULL, err) != 0) {
        PQclear(PQexec(conn, "ROLLBACK"));
        return -1;
    }
    return 0;
}

static int is_applied(PGconn *conn, const char *name, int *applied, tm_error *err)
{
    const char *params[] = {name};
    PGresult *r =
        db_query(conn, "SELECT 1 FROM schema_migrations WHERE version = $1", 1, params, err);
    if (!r) return -1;
    *applied = PQntuples(r) > 0;
    PQclear(r);
    return 0;
}

int migrate_run(PGconn *conn, const char *dir, int *applied, tm_error *err)
{
    if (applied) *applied = 0;
    size_t n = 0;
    char **names = list_migrations(dir, &n, err);
    if (!names) return -1;

    int rc = db_exec(conn, "SELECT pg_advisory_lock(" MIGRATION_LOCK_ID ")", 0, NULL, err);
    if (rc == 0)
        rc = db_exec(conn,
                     "CREATE TABLE IF NOT EXISTS schema_migrations ("
                     " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                     0, NULL, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        int done = 0;
        rc = is_applied(conn, names[i], &done, err);
        if (rc == 0 && !done) {
            rc = apply_one(conn, dir, names[i], err);
            if (rc == 0 && applied) (*applied)++;
        }
    }
    tm_error ignored = TM_ERROR_INIT;
    db_exec(conn, "SELECT pg_advisory_unlock(" MIGRATION_LOCK_ID ")", 0, NULL, &ignored);
    tm_error_clear(&ignored);

    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}
