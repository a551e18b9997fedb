/* report_xlsx.c - the Excel report: the workbook, its formats, its
 * properties and page texts, the order of the sheets, and the file name.
 *
 * The workbook is opened in libxlsxwriter's constant-memory mode: each row is
 * flushed to a temporary file as soon as a later row is touched, so every
 * sheet is written strictly top to bottom (report_rows.c) and merges and row
 * heights happen only on the current row. Charts and conditional formats are
 * objects of their own and can be added at any time.
 *
 * What the sheets look up in the analysis is in report_rx.c, the sheets
 * themselves in report_sheets_*.c.
 */
#define REPORT_XLSX_INTERNAL
#include "reports/xlsx/report_xlsx.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/utf8.h"

/* ------------------------------------------------------------------------
 * Formats
 * ------------------------------------------------------------------------ */

#define C_NAVY 0x1F3864
#define C_GREY 0x7F7F7F
#define C_HEAD 0xD9E1F2
#define C_LINE 0x8EA9DB

static const struct {
    lxw_color_t fill, font;
} band_colours[3] = {
    {0xC6EFCE, 0x006100}, /* goed: green */
    {0xFFEB9C, 0x7F4F00}, /* aandacht: amber */
    {0xFFC7CE, 0x9C0006}, /* zorg: red */
};

static lxw_format *fmt(rx *x, int *ok)
{
    lxw_format *f = workbook_add_format(x->wb);
    if (!f) *ok = 0;
    return f;
}

static lxw_format *fmt_num(rx *x, int *ok, const char *num_format)
{
    lxw_format *f = fmt(x, ok);
    if (f) format_set_num_format(f, num_format);
    return f;
}

static lxw_format *fmt_head(rx *x, int *ok, uint8_t align)
{
    lxw_format *f = fmt(x, ok);
    if (!f) return f;
    format_set_bold(f);
    format_set_bg_color(f, C_HEAD);
    format_set_bottom(f, LXW_BORDER_THIN);
    format_set_bottom_color(f, C_LINE);
    format_set_text_wrap(f);
    format_set_align(f, align);
    format_set_align(f, LXW_ALIGN_VERTICAL_BOTTOM);
    return f;
}

static int formats_create(rx *x)
{
    rx_formats *F = &x->f;
    int ok = 1;
    F->title = fmt(x, &ok);
    F->subtitle = fmt(x, &ok);
    F->section = fmt(x, &ok);
    F->note = fmt(x, &ok);
    F->label = fmt(x, &ok);
    F->text = fmt(x, &ok);
    F->wrap = fmt(x, &ok);
    F->wrap_bold = fmt(x, &ok);
    F->wrap_pad = fmt(x, &ok);
    F->sentence = fmt(x, &ok);
    F->bold = fmt(x, &ok);
    F->sig = fmt(x, &ok);
    F->supp = fmt(x, &ok);
    F->dash = fmt(x, &ok);
    F->head = fmt_head(x, &ok, LXW_ALIGN_LEFT);
    F->head_c = fmt_head(x, &ok, LXW_ALIGN_CENTER);
    F->head_num = fmt_head(x, &ok, LXW_ALIGN_RIGHT);
    F->head_pad = fmt_head(x, &ok, LXW_ALIGN_LEFT);
    F->pad = fmt(x, &ok);
    F->int_left = fmt_num(x, &ok, "0");
    F->num0 = fmt_num(x, &ok, "0");
    F->num1 = fmt_num(x, &ok, "0.0");
    F->num2 = fmt_num(x, &ok, "0.00");
    F->p = fmt_num(x, &ok, "[<0.001]0.0E+00;0.000");
    F->int0 = fmt_num(x, &ok, "0");
    F->pct0 = fmt_num(x, &ok, "0%");
    F->pct1 = fmt_num(x, &ok, "0.0%");
    F->signed1 = fmt_num(x, &ok, "+0.0;-0.0;0.0");
    F->signed0 = fmt_num(x, &ok, "+0;-0;0");
    F->num1_bold = fmt_num(x, &ok, "0.0");
    F->up = fmt_num(x, &ok, "+0.0;-0.0;0.0");
    F->down = fmt_num(x, &ok, "+0.0;-0.0;0.0");
    F->conflict = fmt_num(x, &ok, "+0;-0;0");
    F->total_label = fmt(x, &ok);
    F->total_int = fmt_num(x, &ok, "0");
    F->total_pct = fmt_num(x, &ok, "0.0%");
    F->total_pct0 = fmt_num(x, &ok, "0%");
    for (int b = 0; b < 3; b++) {
        F->band_text[b] = fmt(x, &ok);
        F->band_num[b] = fmt_num(x, &ok, "0.0");
    }
    if (!ok) return rx_oom(x);

    /* figures beside wrapped text line up with its first line */
    lxw_format *top[] = {F->int_left, F->num0,     F->num1,    F->num2,    F->p,         F->int0,
                         F->pct0,     F->pct1,     F->signed1, F->signed0, F->num1_bold, F->up,
                         F->down,     F->conflict, F->supp,    F->dash,    F->sig};
    for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
        format_set_align(top[i], LXW_ALIGN_VERTICAL_TOP);
    for (int b = 0; b < 3; b++) {
        format_set_align(F->band_text[b], LXW_ALIGN_VERTICAL_TOP);
        format_set_align(F->band_num[b], LXW_ALIGN_VERTICAL_TOP);
    }
    format_set_bold(F->title);
    format_set_font_size(F->title, 16);
    format_set_font_color(F->title, C_NAVY);
    format_set_font_size(F->subtitle, 12);
    format_set_font_color(F->subtitle, C_NAVY);
    format_set_bold(F->section);
    format_set_font_size(F->section, 12);
    format_set_font_color(F->section, C_NAVY);
    format_set_italic(F->note);
    format_set_font_size(F->note, 9);
    format_set_font_color(F->note, 0x404040);
    format_set_text_wrap(F->note);
    format_set_align(F->note, LXW_ALIGN_VERTICAL_TOP);
    format_set_bold(F->label);
    format_set_align(F->label, LXW_ALIGN_VERTICAL_TOP);
    format_set_align(F->text, LXW_ALIGN_VERTICAL_TOP);
    format_set_text_wrap(F->wrap);
    format_set_align(F->wrap, LXW_ALIGN_VERTICAL_TOP);
    format_set_text_wrap(F->wrap_pad);
    format_set_indent(F->wrap_pad, 1);
    format_set_align(F->wrap_pad, LXW_ALIGN_VERTICAL_TOP);
    format_set_text_wrap(F->wrap_bold);
    format_set_bold(F->wrap_bold);
    format_set_align(F->wrap_bold, LXW_ALIGN_VERTICAL_TOP);
    format_set_text_wrap(F->sentence);
    format_set_font_size(F->sentence, 11);
    format_set_align(F->sentence, LXW_ALIGN_VERTICAL_TOP);
    format_set_bold(F->bold);
    format_set_indent(F->pad, 1);
    format_set_indent(F->head_pad, 1);
    format_set_align(F->int_left, LXW_ALIGN_LEFT);
    format_set_bold(F->sig);
    format_set_align(F->sig, LXW_ALIGN_CENTER);
    format_set_bold(F->num1_bold);
    format_set_font_color(F->supp, C_GREY);
    format_set_italic(F->supp);
    format_set_align(F->supp, LXW_ALIGN_RIGHT);
    format_set_font_color(F->dash, C_GREY);
    format_set_align(F->dash, LXW_ALIGN_RIGHT);
    format_set_bg_color(F->up, band_colours[RX_BAND_GOED].fill);
    format_set_font_color(F->up, band_colours[RX_BAND_GOED].font);
    format_set_bold(F->up);
    format_set_bg_color(F->down, band_colours[RX_BAND_ZORG].fill);
    format_set_font_color(F->down, band_colours[RX_BAND_ZORG].font);
    format_set_bold(F->down);
    format_set_bold(F->conflict);
    format_set_border(F->conflict, LXW_BORDER_MEDIUM);
    format_set_border_color(F->conflict, 0x9C0006);
    lxw_format *totals[4] = {F->total_label, F->total_int, F->total_pct, F->total_pct0};
    for (int i = 0; i < 4; i++) {
        format_set_bold(totals[i]);
        format_set_top(totals[i], LXW_BORDER_THIN);
    }
    for (int b = 0; b < 3; b++) {
        lxw_format *pair[2] = {F->band_text[b], F->band_num[b]};
        for (int i = 0; i < 2; i++) {
            format_set_bg_color(pair[i], band_colours[b].fill);
            format_set_font_color(pair[i], band_colours[b].font);
            format_set_bold(pair[i]);
        }
        format_set_align(F->band_text[b], LXW_ALIGN_CENTER);
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * The workbook
 * ------------------------------------------------------------------------ */

/* Copies src into dst (size bytes) doubling '&' (page header codes), at
 * most max bytes and never ending inside a character. */
static void header_escape(char *dst, size_t size, const char *src, size_t max)
{
    size_t n = 0;
    if (max >= size) max = size - 1;
    for (const char *p = src ? src : ""; *p; p++) {
        size_t need = *p == '&' ? 2 : 1;
        if (n + need > max) break;
        if (*p == '&') dst[n++] = '&';
        dst[n++] = *p;
    }
    dst[n] = '\0';
    utf8_cut_tail(dst);
}

static void page_texts(rx *x)
{
    char org[80], wave[80], when[40];
    header_escape(org, sizeof org, x->organisation, 70);
    header_escape(wave, sizeof wave, x->wave_name, 70);
    header_escape(when, sizeof when, x->r->generated_at, 30);
    snprintf(x->header, sizeof x->header, "&L&B%s&B&C%s&R%s", org, rx_t(x, RT_REPORT), wave);
    snprintf(x->footer, sizeof x->footer, "&L&A&C%s &P %s &N&R%s", rx_t(x, RT_PAGE), rx_t(x, RT_OF),
             when);
}

/* The chain and which layers are suppressed, from the analysis (and, as a
 * second guard, any layer with fewer than k completed questionnaires). */
static void layers_derive(rx *x)
{
    json_t *chain = json_object_get(x->a, "chain"), *e;
    size_t i, j;
    json_array_foreach(chain, i, e)
    {
        int li = rx_layer(x, json_string_value(e));
        if (li >= 0 && x->n_chain < INSTRUMENT_MAX_LAYERS) x->chain[x->n_chain++] = li;
    }
    if (x->n_chain == 0)
        for (size_t l = 0; l < x->in->n_layers && l < INSTRUMENT_MAX_LAYERS; l++)
            x->chain[x->n_chain++] = (int)l;

    const char *groups[2] = {"themes", "domains"};
    for (int g = 0; g < 2; g++) {
        json_t *arr = json_object_get(x->a, groups[g]), *grp;
        json_array_foreach(arr, i, grp)
        {
            json_array_foreach(json_object_get(grp, "layers"), j, e)
            {
                int li = rx_layer(x, json_string_value(json_object_get(e, "layer")));
                if (li >= 0 && json_is_true(json_object_get(e, "suppressed")))
                    x->suppressed |= 1u << li;
            }
        }
    }
    json_t *counts[2] = {json_object_get(x->a, "response"),
                         json_object_get(x->r->progress, "layers")};
    x->progress_layers = json_array_size(counts[1]) ? counts[1] : counts[0];
    for (int c = 0; c < 2; c++) {
        json_array_foreach(counts[c], i, e)
        {
            int li = rx_layer(x, json_string_value(json_object_get(e, "layer")));
            double sub = rx_dbl(e, "submitted");
            if (li >= 0 &&
                (json_is_true(json_object_get(e, "suppressed")) || (!isnan(sub) && sub < x->k)))
                x->suppressed |= 1u << li;
        }
    }
    for (size_t c = 0; c < x->n_chain; c++)
        if (!((x->suppressed >> x->chain[c]) & 1u)) x->active[x->n_active++] = x->chain[c];
}

static int properties_set(rx *x)
{
    char title[300], keywords[300], comments[400], author[120];
    snprintf(title, sizeof title, "%s – %s", rx_t(x, RT_REPORT), x->wave_name);
    snprintf(keywords, sizeof keywords, "%s, %s, %s", rx_t(x, RT_REPORT), x->organisation,
             x->wave_name);
    snprintf(comments, sizeof comments, "%s: %s; %s: %s; %s", rx_t(x, RT_WAVE), x->wave_name,
             rx_t(x, RT_GENERATED), x->r->generated_at ? x->r->generated_at : "",
             rx_t(x, x->r->council ? RT_VARIANT_COUNCIL : RT_VARIANT_FULL));
    snprintf(author, sizeof author, "%s %s", rx_t(x, RT_REPORT),
             x->r->product_version ? x->r->product_version : "");
    lxw_doc_properties p = {
        .title = title,
        .subject = (char *)x->organisation,
        .author = author,
        .company = (char *)x->organisation,
        .category = (char *)rx_t(x, RT_REPORT),
        .keywords = keywords,
        .comments = comments,
        .status = (char *)rx_t(x, x->r->council ? RT_VARIANT_COUNCIL : RT_VARIANT_FULL)};
    lxw_error e = workbook_set_properties(x->wb, &p);
    if (e == LXW_NO_ERROR)
        e = workbook_set_custom_property_string(x->wb, rx_t(x, RT_ORGANISATION), x->organisation);
    if (e == LXW_NO_ERROR)
        e = workbook_set_custom_property_string(x->wb, rx_t(x, RT_WAVE), x->wave_name);
    if (e != LXW_NO_ERROR)
        return tm_error_set(x->err, 500, "could not set the report's properties: %s",
                            lxw_strerror(e));
    return 0;
}

static int has_entries(json_t *a, const char *key)
{
    json_t *v = json_object_get(a, key);
    return json_is_array(v) && json_array_size(v) > 0;
}

static int sheets_write(rx *x)
{
    if (x->r->council)
        return rx_sheet_council_front(x) < 0 || rx_sheet_council_themes(x) < 0 ||
                       rx_sheet_council_reading(x) < 0
                   ? -1
                   : 0;
    if (rx_sheet_summary(x) < 0 || rx_sheet_talk(x) < 0 || rx_sheet_chain(x) < 0 ||
        rx_sheet_gaps(x) < 0 || rx_sheet_items(x) < 0 || rx_sheet_rules(x) < 0 ||
        rx_sheet_response(x) < 0)
        return -1;
    if (has_entries(x->a, "trend") && rx_sheet_trend(x) < 0) return -1;
    if (has_entries(x->a, "benchmark") && rx_sheet_benchmark(x) < 0) return -1;
    if (rx_sheet_open(x) < 0 || rx_sheet_method(x) < 0) return -1;
    if (x->r->rows && rx_sheet_data(x) < 0) return -1;
    return 0;
}

static int input_check(const report_input *r, const char *path, tm_error *err)
{
    if (!r || !r->in || !path)
        return tm_error_set(err, 500, "report: no instrument or no output file given");
    if (!json_is_object(r->analysis))
        return tm_error_set(err, 400, "report: the analysis is not a JSON object");
    if (!json_is_array(json_object_get(r->analysis, "themes")))
        return tm_error_set(err, 400, "report: the analysis has no \"themes\" array");
    return 0;
}

int report_write_xlsx(const report_input *r, const char *path, tm_error *err)
{
    if (input_check(r, path, err) < 0) return -1;
    rx x = {.r = r, .in = r->in, .a = r->analysis, .err = err};
    x.lang = tm_text_lang(r->lang);
    strbuf_init(&x.scratch, 1u << 20);
    json_t *wave = json_object_get(r->analysis, "wave");
    double k = rx_dbl(wave, "min_group_size");
    x.k = isnan(k) || k < 3 ? (isnan(k) ? 5 : 3) : (int)k;
    snprintf(x.supp_text, sizeof x.supp_text, "< %d", x.k);
    x.organisation = json_string_value(json_object_get(wave, "organisation"));
    x.wave_name = json_string_value(json_object_get(wave, "name"));
    if (!x.organisation) x.organisation = "";
    if (!x.wave_name) x.wave_name = "";
    layers_derive(&x);
    page_texts(&x);

    /* fail before any work (and before libxlsxwriter complains on stderr) */
    FILE *probe = fopen(path, "wb");
    if (!probe)
        return tm_error_set(err, 500, "could not create the report file %s: %s", path,
                            strerror(errno));
    fclose(probe);

    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    x.wb = workbook_new_opt(path, &opt);
    if (!x.wb) {
        unlink(path);
        return tm_error_set(err, 500, "could not start the workbook %s", path);
    }
    int rc = 0;
    if (formats_create(&x) < 0 || properties_set(&x) < 0 || sheets_write(&x) < 0) rc = -1;
    if (rc < 0) {
        lxw_workbook_free(x.wb); /* writes nothing */
        unlink(path);
    } else {
        lxw_error e = workbook_close(x.wb);
        if (e != LXW_NO_ERROR) {
            unlink(path);
            rc = tm_error_set(err, 500, "could not write the report to %s: %s", path,
                              lxw_strerror(e));
        }
    }
    strbuf_release(&x.scratch);
    return rc;
}

/* ------------------------------------------------------------------------
 * The file name
 * ------------------------------------------------------------------------ */

/* ASCII for the Latin-1 letters U+00C0..U+00FF ("-" for × and ÷). */
static const char *const latin1[64] = {
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I",  "I",
    "D", "N", "O", "O", "O", "O", "O",  "-", "O", "U", "U", "U", "U", "Y", "TH", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "-", "o", "u", "u", "u", "u", "y", "th", "y",
};

/* The ASCII form of part in buf (at most size - 1 characters): letters and
 * digits kept, accents dropped, anything else one '-' (no leading, trailing
 * or double '-'). */
static void name_part(char *buf, size_t size, const char *part)
{
    size_t n = 0, left = strlen(part);
    int dash = 0;
    while (left > 0) {
        uint32_t c;
        size_t len = utf8_decode(part, left, &c);
        if (len == 0) c = 0xFFFD, len = 1; /* a stray byte: not a letter */
        part += len;
        left -= len;
        char one[2] = {(char)c, 0};
        const char *out = NULL;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            out = one;
        else if (c >= 0xC0 && c <= 0xFF)
            out = latin1[c - 0xC0];
        if (!out || strcmp(out, "-") == 0) {
            dash = 1;
            continue;
        }
        size_t need = strlen(out) + (dash && n > 0);
        if (n + need + 1 > size) break;
        if (dash && n > 0) buf[n++] = '-';
        dash = 0;
        for (; *out; out++)
            buf[n++] = *out;
    }
    buf[n] = '\0';
}

char *report_filename(const char *organisation, const char *wave, const char *date, int council,
                      const char *lang)
{
    lang = tm_text_lang(lang);
    const char *parts[5] = {organisation, wave,
                            rt_get(council ? RT_FILE_COUNCIL : RT_FILE_FULL, lang), lang, date};
    char part[61];
    strbuf name = STRBUF_INIT(256);
    strbuf_adds(&name, "Thermometer");
    for (int i = 0; i < 5; i++) {
        if (!parts[i]) continue;
        name_part(part, sizeof part, parts[i]);
        if (!part[0]) continue;
        strbuf_addch(&name, '_');
        strbuf_adds(&name, part);
    }
    strbuf_adds(&name, ".xlsx");
    return strbuf_detach(&name, NULL);
}
