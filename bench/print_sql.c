/* print_sql.c - prints the two SQL statements of a submission exactly as the
 * server runs them (server/store/respondents.c: store_respondents_find_sql,
 * store_respondents_submit_sql), one per line, so that bench/run.sh gives
 * pgbench the server's own SQL rather than a copy that could drift from it.
 *
 *   line 1: the token look-up   ($1: hex of the token hash)
 *   line 2: the submit          ($1 invitation id, $2 the seal key's id, $3 the
 *                                sealed answers, both hex)
 *
 * Built by bench/run.sh with the Makefile's flags, linked against the
 * project's library objects in build/rel/.
 */
#include <stdio.h>
#include <string.h>

#include "server/store/respondents.h"

int main(void)
{
    /* One statement per line: refuse a statement with a line break in it
     * rather than hand pgbench half of one. */
    if (strchr(store_respondents_find_sql, '\n') || strchr(store_respondents_submit_sql, '\n')) {
        fprintf(stderr, "print_sql: a statement spans lines; bench/run.sh expects one per line\n");
        return 1;
    }
    printf("%s\n%s\n", store_respondents_find_sql, store_respondents_submit_sql);
    return 0;
}
