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

/* The caller of a request: an API key, or a person signed in to the console
 * (server/app/sessions.h). An admin sees every organisation; a consultant
 * or viewer those granted to the key or the person. */
typedef struct caller {
    role role;
    long long key_id;     /* the API key; 0 for a person */
    char key_id_text[24]; /* key_id as text, handy as a query parameter */
    long long user_id;    /* the person; 0 for an API key */
    char principal[32];   /* "key:ID" or "user:ID": whose organisations (IN_SCOPE) */
} caller;

/* Fills who as an API key's or a person's caller. */
void caller_set_key(caller *who, role r, long long key_id);
void caller_set_user(caller *who, role r, long long user_id);

/* "admin", "consultant", "viewer" (or "none"). Static string. */
const char *role_name(role r);

/* Parses a role name; returns 0, or -1 when it is not one. */
int role_parse(const char *s, role *out);

/* Whether the role may change data (admin, consultant): a viewer only reads. */
int role_may_write(role r);

#endif
