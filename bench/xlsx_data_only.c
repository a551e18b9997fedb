/* xlsx_data_only.c - the baseline of the report benchmark (issue 5): how long
 * libxlsxwriter alone needs to write a Data sheet of the wave's shape.
 *
 *   xlsx_data_only WAVE_ID OUT.xlsx [--kinds]    (DATABASE_URL names the database)
 *
 * Reads the wave's respondents (layer key and scores) into memory first, not
 * timed, then times only the writing: a workbook in constant_memory mode with
 * one sheet "Data", a header row, and one row per respondent. workbook_close,
 * where the zip is written, is inside the timing.
 *
 * Default (the baseline of the ratio): the layer key as a string, then the
 * answered items as numbers (60 per respondent in the benchmark wave: 1 + 60
 * columns).
 *
 * --kinds (a diagnosis, not the baseline): the cells the report's Data sheet
 * writes (reports/report_sheets_data.c): one column per item (1 + 80), likert
 * and grade answers as numbers, intent and choice answers as their option key
 * and "weet niet" as words, i.e. as strings, nothing for an unanswered item.
 *
 * Prints "data_only_seconds S rows R cols C".
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#define MAX_ITEMS 1024
#define MAX_OPTIONS 32

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* An item of the instrument, for --kinds. */
typedef struct item {
    int number; /* likert or grade: written as a number */
    char *key;
    char *options[MAX_OPTIONS];
    int n_options;
} item;

/* Splits PostgreSQL's text array "{a,b,c}" (plain keys, no quoting needed). */
static int split_array(char *text, char **out, int max)
{
    int n = 0;
    char *s = text + (*text == '{');
    size_t len = strlen(s);
    if (len && s[len - 1] == '}') s[len - 1] = '\0';
    for (char *tok = strtok(s, ","); tok && n < max; tok = strtok(NULL, ","))
        out[n++] = strdup(tok);
    return n;
}

static int load_items(PGconn *c, const char *wave, item *items, int *n_items)
{
    const char *p[] = {wave};
    PGresult *r = PQexecParams(
        c,
        "SELECT it->>'key', it->>'type' IN ('likert', 'grade'),"
        " coalesce((SELECT array_agg(o->>'key' ORDER BY n)"
        "   FROM jsonb_array_elements(it->'options') WITH ORDINALITY x(o, n)), '{}')"
        " FROM waves w JOIN instruments i ON i.id = w.instrument_id,"
        " jsonb_array_elements(i.definition::jsonb->'items') WITH ORDINALITY t(it, ord)"
        " WHERE w.id = $1 ORDER BY ord",
        1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "xlsx_data_only: %s", PQerrorMessage(c));
        PQclear(r);
        return -1;
    }
    *n_items = PQntuples(r) < MAX_ITEMS ? PQntuples(r) : MAX_ITEMS;
    for (int i = 0; i < *n_items; i++) {
        items[i].key = strdup(PQgetvalue(r, i, 0));
        items[i].number = PQgetvalue(r, i, 1)[0] == 't';
        items[i].n_options = split_array(PQgetvalue(r, i, 2), items[i].options, MAX_OPTIONS);
    }
    PQclear(r);
    return 0;
}

int main(int argc, char **argv)
{
    const char *conninfo = getenv("DATABASE_URL");
    int kinds = argc == 4 && !strcmp(argv[3], "--kinds");
    if ((argc != 3 && !kinds) || !conninfo) {
        fprintf(stderr, "usage: DATABASE_URL=... xlsx_data_only WAVE_ID OUT.xlsx [--kinds]\n");
        return 2;
    }
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "xlsx_data_only: %s", PQerrorMessage(c));
        return 1;
    }
    static item items[MAX_ITEMS];
    int n_items = 0;
    if (kinds && load_items(c, argv[1], items, &n_items) != 0) return 1;
    const char *p[] = {argv[1]};
    /* Layer key from the wave's own instrument; the baseline keeps the
     * answered scores only, --kinds every score by item. */
    PGresult *r = PQexecParams(
        c,
        kinds ? "SELECT i.definition::jsonb #>> ARRAY['layers', r.layer::text, 'key'],"
                " array_to_string(r.scores, ',')"
                " FROM responses r JOIN waves w ON w.id = r.wave_id"
                " JOIN instruments i ON i.id = w.instrument_id"
                " WHERE r.wave_id = $1 ORDER BY r.id"
              : "SELECT i.definition::jsonb #>> ARRAY['layers', r.layer::text, 'key'],"
                " array_to_string(array(SELECT s FROM unnest(r.scores) s WHERE s <> 0), ',')"
                " FROM responses r JOIN waves w ON w.id = r.wave_id"
                " JOIN instruments i ON i.id = w.instrument_id"
                " WHERE r.wave_id = $1 ORDER BY r.id",
        1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "xlsx_data_only: %s", PQerrorMessage(c));
        return 1;
    }
    int rows = PQntuples(r);
    if (rows < 0) rows = 0;
    /* Parse into memory: the timed part below only writes. */
    int cols = 0;
    for (int i = 0; i < rows; i++) {
        int n = 1;
        for (const char *s = PQgetvalue(r, i, 1); *s; s++)
            n += *s == ',';
        if (n > cols) cols = n;
    }
    if (cols > 16000) cols = 16000;
    size_t nrows = rows > 0 ? (size_t)rows : 1, ncols = cols > 0 ? (size_t)cols : 1;
    double *vals = calloc(nrows * ncols, sizeof *vals);
    int *nvals = calloc(nrows, sizeof *nvals);
    char **layer = calloc(nrows, sizeof *layer);
    if (!vals || !nvals || !layer) {
        fprintf(stderr, "xlsx_data_only: out of memory\n");
        return 1;
    }
    for (int i = 0; i < rows; i++) {
        layer[i] = strdup(PQgetvalue(r, i, 0));
        char *s = PQgetvalue(r, i, 1), *end;
        while (*s && nvals[i] < cols) {
            vals[(size_t)i * (size_t)cols + (size_t)nvals[i]++] = strtod(s, &end);
            s = *end == ',' ? end + 1 : end;
            if (end == s && *s) break;
        }
    }
    PQclear(r);
    PQfinish(c);

    double t0 = now_s();
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(argv[2], &opt);
    if (!wb) {
        fprintf(stderr, "xlsx_data_only: cannot create %s\n", argv[2]);
        return 1;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Data");
    lxw_error e = worksheet_write_string(ws, 0, 0, "laag", NULL);
    char head[32];
    for (int k = 0; k < cols && e == LXW_NO_ERROR; k++) {
        snprintf(head, sizeof head, "vraag %d", k + 1);
        e = worksheet_write_string(ws, 0, (lxw_col_t)(k + 1),
                                   kinds && k < n_items ? items[k].key : head, NULL);
    }
    for (int i = 0; i < rows && e == LXW_NO_ERROR; i++) {
        lxw_row_t row = (lxw_row_t)(i + 1);
        e = worksheet_write_string(ws, row, 0, layer[i], NULL);
        const double *v = vals + (size_t)i * (size_t)cols;
        for (int k = 0; k < nvals[i] && e == LXW_NO_ERROR; k++) {
            lxw_col_t col = (lxw_col_t)(k + 1);
            if (!kinds) {
                e = worksheet_write_number(ws, row, col, v[k], NULL);
                continue;
            }
            int s = (int)v[k];
            if (s == -1)
                e = worksheet_write_string(ws, row, col, "weet niet", NULL);
            else if (s > 0 && k < n_items && items[k].number)
                e = worksheet_write_number(ws, row, col, s, NULL);
            else if (s > 0 && k < n_items && s <= items[k].n_options)
                e = worksheet_write_string(ws, row, col, items[k].options[s - 1], NULL);
        }
    }
    lxw_error ce = workbook_close(wb);
    double t1 = now_s();
    if (e != LXW_NO_ERROR || ce != LXW_NO_ERROR) {
        fprintf(stderr, "xlsx_data_only: %s\n", lxw_strerror(e != LXW_NO_ERROR ? e : ce));
        return 1;
    }
    printf("data_only_seconds %.3f rows %d cols %d\n", t1 - t0, rows, cols + 1);
    for (int i = 0; i < rows; i++)
        free(layer[i]);
    free(layer);
    free(vals);
    free(nvals);
    for (int i = 0; i < n_items; i++) {
        free(items[i].key);
        for (int k = 0; k < items[i].n_options; k++)
            free(items[i].options[k]);
    }
    return 0;
}
