/* audit.c - see audit.h. */
#include "server/app/audit.h"

#include "server/store/audit.h"

int audit_begin(PGconn *c, tm_error *err)
{
    int own;
    return db_begin(c, &own, err);
}

int audit_commit(PGconn *c, const caller *who, const char *action, const char *object_type,
                 long long object_id, json_t *detail, tm_error *err)
{
    int rc = store_audit_insert(c, who, action, object_type, object_id, detail, err);
    json_decref(detail);
    if (rc == 0) rc = db_commit(c, 1, err);
    if (rc != 0) db_rollback(c, 1);
    return rc;
}

void audit_abort(PGconn *c)
{
    db_rollback(c, 1);
}

json_t *audit_result(PGconn *c, const caller *who, json_t *result, const char *action,
                     const char *object_type, long long object_id, json_t *detail, tm_error *err)
{
    if (!result) {
        json_decref(detail);
        audit_abort(c);
        return NULL;
    }
    if (object_id <= 0) object_id = json_integer_value(json_object_get(result, "id"));
    if (audit_commit(c, who, action, object_type, object_id, detail, err) != 0) {
        json_decref(result);
        return NULL;
    }
    return result;
}

int audit_note(PGconn *c, const caller *who, const char *action, const char *object_type,
               long long object_id, json_t *detail, tm_error *err)
{
    int rc = store_audit_insert(c, who, action, object_type, object_id, detail, err);
    json_decref(detail);
    return rc;
}

json_t *audit_list(PGconn *c, int limit, long long before, tm_error *err)
{
    return store_audit_list(c, limit, before, err);
}
