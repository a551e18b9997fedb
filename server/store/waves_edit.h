/* waves_edit.h - the waves table as the console edits it: a wave with all
 * it shows (dates in Europe/Amsterdam time for the forms, the collection
 * mode, the test mark, unsent drafts), a draft's fields changed, a draft
 * or test wave deleted, and the time checks and conversions the services
 * need (PostgreSQL's time zone data does the conversion).
 */
#ifndef TM_STORE_WAVES_EDIT_H
#define TM_STORE_WAVES_EDIT_H

#include <jansson.h>
#include <libpq-fe.h>

#include "core/error.h"
#include "server/store/waves.h"

typedef struct wave_details {
    wave_info info;
    char collection[8]; /* "online" or "import" */
    int is_test;
    char opens_at[24], closes_at[24];     /* ISO 8601 UTC, "" when not set */
    char opens_date[12], opens_time[8];   /* Europe/Amsterdam, "" when not set */
    char closes_date[12], closes_time[8]; /* idem */
    char created_at[24];
    long long drafts; /* unsent drafts closing would discard */
} wave_details;

/* Wave id (already found in the caller's scope): 0, or -1 with err (404). */
int store_waves_details(PGconn *c, long long id, wave_details *d, tm_error *err);

/* A draft's new fields, checked by the caller. */
typedef struct wave_edit {
    const char *name;
    const char *opens_at, *closes_at; /* timestamptz text or NULL */
    int min_group_size;
    long long previous_wave_id; /* 0 = none */
    const char *collection;     /* "online" or "import" */
    int is_test;
} wave_edit;

/* Changes wave id while it is a draft: 409 when it is not (any more), or
 * when the collection mode would change under invitations, links or
 * responses it has already. */
int store_waves_update(PGconn *c, long long id, const wave_edit *e, tm_error *err);

/* Deletes wave id with everything in it, when it is a draft or marked as a
 * test: 409 otherwise, or when another wave names it as its previous one. */
int store_waves_delete(PGconn *c, long long id, tm_error *err);

/* Whether closes is after opens (either may be NULL: then 1) and closes is
 * in the future (NULL: 1): bit 1 set when closes is not after opens, bit 2
 * when closes is not in the future; -1 with err. The texts must be valid
 * (store_waves_time_valid). */
int store_waves_times_order(PGconn *c, const char *opens, const char *closes, tm_error *err);

/* A Europe/Amsterdam date ("2027-04-01") and time ("17:00") as ISO 8601
 * UTC ("2027-04-01T15:00:00Z") into out: 1, 0 when PostgreSQL does not
 * take them as a date and time (30 February), -1 with err. */
int store_waves_local_to_utc(PGconn *c, const char *date, const char *time, char out[24],
                             tm_error *err);

/* The collection mode of wave id ("online", "import") into out. Shared with
 * issue 10: a wave's collection mode. */
int store_waves_collection(PGconn *c, long long id, char out[8], tm_error *err);

#endif
