/* role.c - see role.h. */
#include "core/role.h"

#include <stdio.h>
#include <string.h>

const char *role_name(role r)
{
    switch (r) {
    case ROLE_ADMIN:
        return "admin";
    case ROLE_CONSULTANT:
        return "consultant";
    case ROLE_VIEWER:
        return "viewer";
    default:
        return "none";
    }
}

int role_parse(const char *s, role *out)
{
    for (role r = ROLE_ADMIN; r <= ROLE_VIEWER; r++)
        if (s && !strcmp(s, role_name(r))) {
            *out = r;
            return 0;
        }
    return -1;
}

int role_may_write(role r)
{
    return r == ROLE_ADMIN || r == ROLE_CONSULTANT;
}

void caller_set_key(caller *who, role r, long long key_id)
{
    memset(who, 0, sizeof *who);
    who->role = r;
    who->key_id = key_id;
    snprintf(who->key_id_text, sizeof who->key_id_text, "%lld", key_id);
    snprintf(who->principal, sizeof who->principal, "key:%lld", key_id);
}

void caller_set_user(caller *who, role r, long long user_id)
{
    memset(who, 0, sizeof *who);
    who->role = r;
    who->user_id = user_id;
    snprintf(who->principal, sizeof who->principal, "user:%lld", user_id);
}
