/* api_keys.c - API keys over the API, for admins: GET /api/v1/keys (id,
 * name, role, organisations, created, last used, expires, revoked), POST
 * /api/v1/keys {name, role, organisations, expires_at} (the key itself in
 * the answer, once) and DELETE /api/v1/keys/{id} (revoked at once). Each
 * change is written to the audit log with it. */
#include "server/app/apikeys.h"
#include "server/app/audit.h"
#include "server/web/routes.h"

void route_keys_list(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *list = apikeys_list(req->db, &err);
    http_respond_result(res, 200, list ? json_pack("{s:o}", "keys", list) : NULL, &err);
}

void route_keys_create(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *k = audit_begin(req->db, &err) == 0 ? apikeys_create(req->db, req->json, &err) : NULL;
    if (!k)
        audit_abort(req->db);
    else if (audit_commit(req->db, &req->who, "key.create", "key",
                          json_integer_value(json_object_get(k, "id")),
                          json_pack("{s:O, s:O}", "name", json_object_get(k, "name"), "role",
                                    json_object_get(k, "role")),
                          &err) != 0) {
        json_decref(k);
        k = NULL;
    }
    http_respond_result(res, 201, k, &err);
}

void route_key_revoke(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    long long id = http_param_id(req, 0);
    int rc = audit_begin(req->db, &err) == 0 ? apikeys_revoke(req->db, id, &err) : -1;
    if (rc != 0)
        audit_abort(req->db);
    else
        rc = audit_commit(req->db, &req->who, "key.revoke", "key", id, NULL, &err);
    http_respond_result(
        res, 200, rc == 0 ? json_pack("{s:I, s:b}", "id", (json_int_t)id, "revoked", 1) : NULL,
        &err);
}
