/* report_xlsx.h - the Excel report of one wave: the gap report for
 * consultants ("full") and the short summary for the council ("council").
 *
 * The workbook is written with libxlsxwriter in constant-memory mode from the
 * analysis JSON (docs/method.md, method 2) and, for the Data sheet, from a
 * stream of respondent rows. Every figure in it is the analysis value at full
 * precision with a display format; a cell whose group is smaller than the
 * wave's minimum group size k reads "< k" in grey, and nothing of a layer the
 * analysis suppressed is written (its name and response counts excepted).
 * Measures are named by reports/analysis/measures.h, the council's sentences
 * and plain words come from reports/analysis/story.h (the web page of the
 * summary, reports/html, uses the same).
 *
 * Sheets, in this order (English titles with lang "en"):
 *
 *   full:    Samenvatting, Gesprek, Doorfluisteren, Kloven, Per vraag,
 *            Regelkaart, Respons, [Trend], [Benchmark], Open antwoorden,
 *            Verantwoording, [Data]
 *            ([...]: only when the analysis has entries, Data only with rows)
 *   council: Samenvatting, Per thema, Respons en uitleg: one A4 landscape
 *            page each. Page 1: title, organisation and wave, the response
 *            in one line, the chain chart (beleving per layer, one line per
 *            theme), the thermometer per theme and 3-5 plain sentences. No
 *            p-values, no per-item figures, no data.
 *
 *   report_input r = {.in = in, .analysis = a, .progress = p, .rows = &src,
 *                     .lang = "nl", .generated_at = "2026-11-24 10:15",
 *                     .product_version = "1.0.0"};
 *   tm_error err = TM_ERROR_INIT;
 *   if (report_write_xlsx(&r, "/tmp/x.xlsx", &err) < 0) ...err.message...
 */
#ifndef TM_REPORT_XLSX_H
#define TM_REPORT_XLSX_H

#include <jansson.h>
#include <stdint.h>

#include "core/error.h"
#include "core/instrument.h"

/* The rows of the Data sheet: one per respondent of a non-suppressed layer.
 * next() fills *layer (index into in->layers), *scores (in->n_items values in
 * the encoding of core/answers.h: 0 unanswered, -1 "weet niet", the likert or
 * grade value, intent/choice option index + 1) and *extra (the text and
 * multiple-choice answers as a JSON object, or NULL). Both pointers are
 * borrowed and need stay valid only until the next call. Returns 1 for a row,
 * 0 at the end, -1 on error (the report then fails). */
typedef struct report_row_source {
    void *ctx;
    int (*next)(void *ctx, int *layer, const int16_t **scores, json_t **extra);
} report_row_source;

/* Everything a report is made of. All pointers are borrowed. */
typedef struct report_input {
    const instrument *in;     /* labels, item texts, band bounds */
    json_t *analysis;         /* the analysis JSON as docs/method.md describes it */
    json_t *progress;         /* {"layers":[{"layer","invited","started","submitted","imported"}]};
                                 may be NULL (the analysis' "response" is used) */
    json_t *open_answers;     /* [{"item","layer","answers":[...]}]; may be NULL */
    report_row_source *rows;  /* Data sheet rows; NULL gives no Data sheet */
    int council;              /* 1: council variant (no Open antwoorden, no Data) */
    const char *lang;         /* "nl" (default) or "en" */
    const char *generated_at; /* shown as is, e.g. "2026-11-24 10:15" */
    const char *product_version; /* shown in Verantwoording */
} report_input;

/* Writes the workbook to path (created or replaced). Returns 0, or -1 with err
 * set (status 500 for a write failure, 400 for unusable input); a partly
 * written file is removed. Reads the row source to its end. */
int report_write_xlsx(const report_input *r, const char *path, tm_error *err);

/* The download name, different for each variant and language:
 * "Thermometer_<organisation>_<wave>_<variant>_<lang>_<date>.xlsx" with
 * variant "volledig" or "raad" in Dutch and "full" or "council" in English
 * (lang "nl" or "en"), ASCII letters, digits and '-' only (accents are
 * dropped from their letters, everything else becomes '-'), so it can go
 * into a Content-Disposition header unquoted and unencoded. organisation,
 * wave and date may be NULL or empty and are then left out. Returns a new
 * string the caller frees, or NULL when out of memory. */
char *report_filename(const char *organisation, const char *wave, const char *date, int council,
                      const char *lang);

/* ------------------------------------------------------------------------
 * Internal: shared by the files of reports/xlsx/, one prefix each:
 *   report_xlsx.c        report_   the workbook (above)
 *   report_rx.c          rx_       the report being written: lookups, texts
 *   report_rows.c        rs_       the row writer of a sheet
 *   report_sheets_*.c    rx_sheet_ one function per sheet (summary, council,
 *                                  talk: Gesprek and Regelkaart, gaps, misc,
 *                                  data)
 *   report_text.c        rt_       the words (report_text.h)
 * Nothing outside reports/xlsx/ defines REPORT_XLSX_INTERNAL.
 * ------------------------------------------------------------------------ */
#ifdef REPORT_XLSX_INTERNAL
#include <xlsxwriter.h>

#include "core/strbuf.h"
#include "core/text.h"
#include "reports/analysis/measures.h"
#include "reports/analysis/story.h"
#include "reports/xlsx/report_text.h"

/* Formats, created once per workbook. */
typedef struct rx_formats {
    lxw_format *title, *subtitle, *section, *note, *label, *text, *wrap, *bold, *wrap_bold;
    lxw_format *wrap_pad; /* wrapped and indented: text right of a column of figures */
    lxw_format *sentence; /* a sentence of the council's page, wrapped, 11 pt */
    lxw_format *head, *head_c, *head_num,
        *head_pad;              /* header row: left, centred, numbers, indented */
    lxw_format *pad, *int_left; /* indented text; a whole number on the left */
    lxw_format *num0, *num1, *num2, *p, *int0, *pct0, *pct1, *signed1, *signed0;
    lxw_format *num1_bold;                  /* a significant difference */
    lxw_format *sig;                        /* the "*" of significance */
    lxw_format *supp;                       /* "< k" in grey */
    lxw_format *dash;                       /* "–" for a statistic that cannot be computed */
    lxw_format *band_text[3], *band_num[3]; /* goed, aandacht, zorg */
    lxw_format *up, *down;                  /* a significant change: higher, lower */
    lxw_format *conflict;                   /* a rule cell in a conflict: bold, boxed */
    lxw_format *total_label, *total_int, *total_pct, *total_pct0;
} rx_formats;

enum { RX_BAND_GOED, RX_BAND_AANDACHT, RX_BAND_ZORG };

/* One report being written. */
typedef struct rx {
    const report_input *r;
    const instrument *in;
    json_t *a; /* the analysis */
    const char *lang;
    lxw_workbook *wb;
    rx_formats f;
    int k;                            /* minimum group size */
    char supp_text[16];               /* "< 5" */
    uint32_t suppressed;              /* bit i: layer i is suppressed */
    int chain[INSTRUMENT_MAX_LAYERS]; /* layer indices in chain order */
    size_t n_chain;
    int active[INSTRUMENT_MAX_LAYERS]; /* the chain without suppressed layers */
    size_t n_active;
    const char *organisation, *wave_name;
    json_t *progress_layers;       /* the response counts per layer: progress, else the analysis' */
    char header[256], footer[256]; /* page header and footer */
    strbuf scratch;                /* text being built (a filled template, joined answers): reset
                                      before each use, valid until the next */
    tm_error *err;
} rx;

/* A worksheet written strictly row by row (constant-memory mode). The first
 * libxlsxwriter error sticks; rs_close turns it into a tm_error. */
#define RS_TRACKED_COLS 32
#define RS_ROW_PT 15.75 /* the default row height of every sheet (21 px) */
typedef struct rs_sheet {
    rx *x;
    double width[RS_TRACKED_COLS]; /* column widths set, for wrapped notes */
    lxw_worksheet *ws;
    const char *name;
    lxw_row_t row;  /* the current row */
    lxw_error lerr; /* first error, LXW_NO_ERROR when none */
    lxw_row_t err_row;
    lxw_col_t err_col;
} rs_sheet;

/* Cell state of a statistics object (a measure or an item cell). */
typedef enum rx_cell { RX_ABSENT, RX_SUPPRESSED, RX_OK } rx_cell;

/* --- sheets (report_sheets_*.c); each returns 0 or -1 with x->err --- */
int rx_sheet_summary(rx *x);
int rx_sheet_talk(rx *x);
int rx_sheet_chain(rx *x);
int rx_sheet_gaps(rx *x);
int rx_sheet_items(rx *x);
int rx_sheet_rules(rx *x);
int rx_sheet_response(rx *x);
int rx_sheet_trend(rx *x);
int rx_sheet_benchmark(rx *x);
int rx_sheet_open(rx *x);
int rx_sheet_method(rx *x);
int rx_sheet_data(rx *x);
int rx_sheet_council_front(rx *x);
int rx_sheet_council_themes(rx *x);
int rx_sheet_council_reading(rx *x);

/* --- the row writer (report_rows.c) --- */

/* Adds the worksheet named by text id `name`, with the page setup (A4
 * landscape, fit to width, header and footer). Returns 0 or -1 with x->err. */
int rs_open(rx *x, rs_sheet *s, rt_id name);
/* The same fit to exactly one page (the council's pages). */
int rs_open_page(rx *x, rs_sheet *s, rt_id name);
/* Turns the sticky error into x->err. Returns 0 or -1. */
int rs_close(rs_sheet *s);
/* Records e when it is the first error. */
void rs_check(rs_sheet *s, lxw_error e, lxw_col_t col);
void rs_next(rs_sheet *s); /* to the next row */
void rs_str(rs_sheet *s, lxw_col_t col, const char *text, lxw_format *f);
void rs_num(rs_sheet *s, lxw_col_t col, double v, lxw_format *f);
/* A JSON number, or "–" (null, absent, not a number). */
void rs_jnum(rs_sheet *s, lxw_col_t col, json_t *v, lxw_format *f);
/* Field `key` of a statistics object (a number), "< k" when the object is
 * suppressed, "–" when absent or null. */
void rs_stat(rs_sheet *s, lxw_col_t col, json_t *stat, const char *key, lxw_format *f);
/* A number, or nothing at all (chart data: a blank is a gap in a line). */
void rs_jnum_or_blank(rs_sheet *s, lxw_col_t col, json_t *v, lxw_format *f);
void rs_merge(rs_sheet *s, lxw_col_t first, lxw_col_t last, const char *text, lxw_format *f);
void rs_height(rs_sheet *s, double height); /* of the current row */
void rs_width(rs_sheet *s, lxw_col_t first, lxw_col_t last, double width, lxw_format *f);
/* Title row, then an optional note merged over columns 0..last. */
void rs_title(rs_sheet *s, const char *title, const char *note, lxw_col_t last);
/* When layers are suppressed, a note naming them (merged over columns
 * 0..last) and a blank row. Returns 0, or -1 when out of memory. */
int rs_suppressed_note(rs_sheet *s, lxw_col_t last);
/* A merged row of wrapped text over columns 0..last, its height set from
 * the text's length and the columns' widths (pt: the font size). */
void rs_wrapped(rs_sheet *s, lxw_col_t last, const char *text, lxw_format *f, double pt);
/* The height in points a row needs for text wrapped in a column of width
 * units at font size pt. */
double rs_text_height(const char *text, double width, double pt);
/* A chart anchored at (row, col), scaled to width x height pixels. */
void rs_chart(rs_sheet *s, lxw_row_t row, lxw_col_t col, lxw_chart *chart, int width, int height);
/* A new chart, or NULL with the sheet's error set. */
lxw_chart *rs_new_chart(rs_sheet *s, uint8_t type);
/* Excel's A1 name of a cell, into buf; returns buf. */
char *rs_cell_name(char *buf, size_t size, lxw_row_t row, lxw_col_t col);

/* --- the analysis and the texts (report_rx.c) --- */

/* The entry of array `arr` whose member `field` equals key, or NULL. */
json_t *rx_find(json_t *arr, const char *field, const char *key);
/* The numeric value at obj[key], or NAN when absent/null/not a number. */
double rx_dbl(json_t *obj, const char *key);
/* State of a statistics object: absent/null, suppressed (also when n < k,
 * a guard against a careless producer), or usable. */
rx_cell rx_cell_state(const rx *x, json_t *stat);
/* Index of layer key, or -1. Whether that layer is suppressed (unknown
 * layers count as suppressed: nothing is written for them). */
int rx_layer(const rx *x, const char *key);
int rx_layer_suppressed(const rx *x, const char *key);
/* Labels in the report language; never NULL (the key when unlabelled). */
const char *rx_layer_label(const rx *x, const char *key);
const char *rx_theme_label(const rx *x, const char *key);
const char *rx_domain_label(const rx *x, const char *key);
/* Text of id in the report language. */
const char *rx_t(const rx *x, rt_id id);
/* Band index of "goed"/"aandacht"/"zorg", or -1. */
int rx_band(const char *band);
/* The labels of the suppressed layers, ", "-separated in chain order, into
 * buf ("" when none); returns buf. */
char *rx_suppressed_names(const rx *x, char *buf, size_t size);
/* The template tmpl (a text of report_text.h) filled from vars, see
 * core/text.h; in x->scratch, so valid until its next use. NULL with x->err
 * set when memory runs out. */
const char *rx_fill(rx *x, const char *tmpl, const tm_text_var *vars);
/* Sets x->err to "out of memory" and returns -1. */
int rx_oom(rx *x);

/* Layer pairs (of gaps or links), kept in chain order: pairs of layers that
 * are adjacent among the shown layers first, then the longer spans. */
typedef struct rx_pair {
    int from, to; /* layer indices */
} rx_pair;
#define RX_MAX_PAIRS 64
/* Inserts p into the ordered set out of n pairs (capacity RX_MAX_PAIRS);
 * returns the new count (n when p is present already or out is full). */
size_t rx_pair_add(const rx *x, rx_pair *out, size_t n, rx_pair p);
/* Collects into out the pairs of the entries of member `member` ("gaps" or
 * "links") of every entry of `groups` (themes or domains), for measure
 * `measure` (NULL: any), leaving out pairs that touch a layer not shown.
 * Returns the count. */
size_t rx_pairs(const rx *x, json_t *groups, const char *member, const char *mkey, rx_pair *out);
/* Whether the ends of p are not neighbours among the shown layers. */
int rx_pair_is_span(const rx *x, rx_pair p);
/* "from → to" with the layers' labels, into buf; returns buf. */
char *rx_pair_label(const rx *x, rx_pair p, char *buf, size_t size);
/* The entry of `arr` (gaps or links) for pair p and measure (NULL: any). */
json_t *rx_pair_find(const rx *x, json_t *arr, rx_pair p, const char *mkey);
/* The measure of the theme's carry-through index and temperature (its
 * carry_measure; for an analysis without one: "knowledge" when the theme has
 * intent items, else "score"). */
const char *rx_carry_measure(const rx *x, const char *theme);
/* The reader's name of measure key m ("beleving", "kennis": measures.h);
 * the key itself when unknown. */
const char *rx_measure_label(const rx *x, const char *m);
/* The template tmpl with the report's standard values filled in ({k},
 * {goed}, {aandacht}, {score}, {Score}, {knowledge}, {Knowledge},
 * {score_description}, {knowledge_description}) and then vars (may be
 * NULL); like rx_fill, in x->scratch. */
const char *rx_fill_std(rx *x, const char *tmpl, const tm_text_var *vars);
/* The sentence of a story fact (reports/analysis/story.h) in x->scratch, or
 * NULL with x->err set. */
const char *rx_story(rx *x, const story_fact *f);
/* A word of the council summary (story.h) with vars filled in, in
 * x->scratch; NULL with x->err set. */
const char *rx_word(rx *x, story_word_id id, const tm_text_var *vars);
/* The band word of a thermometer band ("vraagt aandacht"), "–" when none. */
const char *rx_band_label(const rx *x, const char *band);
#endif /* REPORT_XLSX_INTERNAL */

#endif
