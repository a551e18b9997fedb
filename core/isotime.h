/* isotime.h - the one form of a time the API takes: ISO 8601 with a date,
 * a time and an offset, "2027-04-01T17:00:00+02:00" (or "Z" for UTC;
 * seconds and a fraction optional). Anything else is refused by name rather
 * than guessed at: "01-04-2027" is not read as 4 January, and a time
 * without an offset is not taken as UTC. Only the form is checked here; the
 * calendar (30 February) is PostgreSQL's, when the value is stored.
 */
#ifndef TM_ISOTIME_H
#define TM_ISOTIME_H

/* Whether s has the form above (also: month 01-12, day 01-31, hour 00-23,
 * minute and second 00-59, an offset up to 18:00). */
int isotime_valid(const char *s);

/* Whether s is a date "YYYY-MM-DD" and t a time "HH:MM" as the console's
 * date and time fields send them. t may be NULL (only the date is judged). */
int isotime_local_valid(const char *s, const char *t);

#endif
