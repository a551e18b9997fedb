/* role.c - see role.h. */
#include "core/role.h"

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
