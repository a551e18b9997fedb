/* waves.h - the waves table: a wave is one measurement of one organisation
 * with one stored instrument version, from draft through open to closed.
 *
 * Functions that take a caller return 404 for a wave outside the caller's
 * organisations, so a key never learns that another organisation's wave
 * exists. Which role may change a wave is decided before these are called.
 */
#ifndef TM_STORE_WAVES_H
#define TM_STORE_WAVES_H

#include <jansson.h>
#include <libpq-fe.h>

#include "core/error.h"
#include "core/role.h"

typedef struct wave_info {
    long long id;
    long long organisation_id;
    int instrument_id;
    char status[8]; /* effective: "closed" once closes_at has passed */
    int accepting;  /* open, past opens_at, before closes_at */
    int min_group_size;
    long long previous_wave_id; /* 0 = none */
    char name[256];
    char organisation[256];
    char instrument[160]; /* "key@version" */
    char collection[8];   /* "online" (invitations, open links) or "import" (bulk import) */
} wave_info;

/* A new wave, its fields checked by the caller (server/app/waves.c). */
typedef struct wave_new {
    long long organisation_id;
    int instrument_id;
    const char *name;
    int min_group_size;
    long long previous_wave_id; /* 0 = none */
    const char *opens_at;       /* timestamptz text or NULL */
    const char *closes_at;      /* timestamptz text or NULL */
    const char *collection;     /* "online" or "import" (issue 10, shared) */
    int is_test;                /* marked as a test: may be deleted (issue 14) */
} wave_new;

/* Reads wave id as seen by who (NULL = no scope check). 404 "wave N does
 * not exist" when it does not exist or is out of scope. */
int store_waves_get(PGconn *c, const caller *who, long long id, wave_info *w, tm_error *err);

/* The wave as API JSON (new reference), or NULL with err (404). */
json_t *store_waves_json(PGconn *c, long long id, tm_error *err);

/* The waves of organisation org as API JSON, newest first (new reference);
 * 404 when org is out of who's scope. */
json_t *store_waves_of_organisation(PGconn *c, const caller *who, long long org, tm_error *err);

/* Inserts w; *id receives the new wave's id. */
int store_waves_insert(PGconn *c, const wave_new *w, long long *id, tm_error *err);

/* Whether text reads as a PostgreSQL timestamptz: 1 yes, 0 no, -1 with err
 * (503) when the database could not tell. */
int store_waves_time_valid(PGconn *c, const char *text, tm_error *err);

/* Whether wave prev belongs to organisation org and has the same
 * instrument key as instrument_ref ("key" or "key@version"): 1, 0, or -1. */
int store_waves_previous_fits(PGconn *c, long long prev, long long org, const char *instrument_ref,
                              tm_error *err);

/* Sets the status ("open" or "closed"); 409 for a transition that makes no
 * sense (closing a draft is allowed: a wave may be abandoned). Closing
 * forgets the wave's unsubmitted drafts. */
int store_waves_set_status(PGconn *c, long long id, const char *status, tm_error *err);

/* The latest closed wave of each other organisation marked as a benchmark
 * peer (never a demo organisation) with the same instrument key as wave:
 * their ids in a new JSON array (the benchmark). A demo organisation's wave
 * is compared with the other demo organisations only, so the demo shows a
 * benchmark while no real municipality ever meets made-up answers. */
json_t *store_waves_benchmark(PGconn *c, long long wave, tm_error *err);

#endif
