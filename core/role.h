/* role.h - who is asking: the role of an API key and the key itself.
 *
 * Every room needs these: the web room checks whether a route may be used
 * by the role, the services pass the caller on, and the store limits what a
 * query sees to the caller's organisations. The roles' names are also their
 * text in the database (api_keys.role).
 */
#ifndef TM_ROLE_H
#define TM_ROLE_H

typedef enum role { ROLE_NONE = 0, ROLE_ADMIN, ROLE_CONSULTANT, ROLE_VIEWER } role;

/* The caller of an API request: filled when its key has been checked. An
 * admin sees every organisation; a consultant or viewer those granted to
 * the key. */
typedef struct caller {
    role role;
    long long key_id;
    char key_id_text[24]; /* key_id as text, handy as a query parameter */
} caller;

/* "admin", "consultant", "viewer" (or "none"). Static string. */
const char *role_name(role r);

/* Parses a role name; returns 0, or -1 when it is not one. */
int role_parse(const char *s, role *out);

/* Whether the role may change data (admin, consultant): a viewer only reads. */
int role_may_write(role r);

#endif
