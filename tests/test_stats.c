/* test_stats.c -- Criterion tests for reports/stats.{h,c}.
 *
 * Two kinds of test:
 *
 * 1. NIST StRD certified data sets (univariate NumAcc1-4, Michelso, Lew,
 *    Lottery, Mavro; ANOVA SmLs01-09, SiRstv, AtmWtAg). The .dat files are
 *    parsed at test time from $NIST_DIR (default tests/data/nist-strd,
 *    relative to the repository root) and the certified values
 *    are read from their headers. Every data set is run twice:
 *
 *    (a) "as parsed": every value through strtod(), i.e. what any caller with
 *        doubles would pass. The data then are no longer the certified data:
 *        1000000000000.4 (SmLs07) becomes 1000000000000.4000244..., and
 *        10000000.1 (NumAcc4) is off by up to 2^-30. That representation
 *        error, not the algorithm, bounds the attainable agreement with the
 *        certified values. The "floor" column below is the relative error of
 *        the EXACT statistics of the binary64 data (computed with rational
 *        arithmetic, see tests/stats_README.md) against the certified values;
 *        no double implementation can beat it except by luck. Tolerances are
 *        the next 1-2-5 step at or above 3x the floor, and at least 1e-14.
 *        Measured, this code matches the exact binary64 statistics to within
 *        1.1e-15 relative on every set, i.e. it sits on the floor.
 *
 *    (b) "decimal-shifted": each value's decimal text minus the first value's
 *        decimal text, done exactly in 64-bit integer arithmetic, then one
 *        rounding (a division by a power of ten). Sd, F, R^2, residual SD
 *        and the sums of squares are shift-invariant and the certified mean
 *        shifts by the same origin, so the certified values still apply,
 *        now to data that binary64 represents to ~1e-17 relative. Here every statistic must
 *        agree to 1e-13 relative (>= 13 significant digits): the certified
 *        values are printed to 15 significant digits (rounding <= 5e-15
 *        relative) and the algorithm's own error is ~1e-15; the largest
 *        deviation measured in run (b) is 3.3e-15 (AtmWtAg SS within).
 *
 *    Both runs go through the array (two-pass) path AND the accumulator
 *    (Welford / Chan merge) path; the ANOVA (b) run also goes through
 *    per-group (n, mean, sd) summaries fed to stats_anova_from_accs().
 *
 * 2. Hand-checked examples. Expected numbers were computed independently of
 *    GSL with python3 + mpmath 1.3.0 at 50 significant digits from the
 *    textbook definitions (t tail via the regularised incomplete beta
 *    function, t quantile by root finding, F tail likewise), or with exact
 *    rational arithmetic; the script is in tests/stats_README.md. Each value
 *    carries a comment saying where it came from.
 *
 * Tolerances for hand-checked values:
 *   TOL_ARITH 1e-14  plain arithmetic (a handful of roundings, plus inputs
 *                    such as 71.2 that are not exact in binary: ~1e-16 each)
 *   TOL_GSL   1e-12  anything through a GSL cdf/quantile: GSL aims at double
 *                    precision; gsl_cdf_tdist_Pinv's Newton loop stops once
 *                    the step is < 1e-10 |x|, which after a quadratically
 *                    convergent step leaves ~1e-15; measured <= 2e-15, so
 *                    1e-12 leaves a 500x margin without hiding real errors
 *                    (a wrong df or a one-sided p is off by > 1e-3).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/analysis/stats.h"

#define TOL_ARITH 1e-14
#define TOL_GSL 1e-12
#define TOL_SHIFTED 1e-13

/* ------------------------------------------------------------------------ */
/* Assertion helpers                                                        */
/* ------------------------------------------------------------------------ */

/* |actual - expected| <= tol * |expected| (absolute when expected == 0).
 * A NAN actual fails (the comparison is false). */
#define ASSERT_REL(actual, expected, tol, what)                                                    \
    do {                                                                                           \
        double a_ = (actual), e_ = (expected), t_ = (tol);                                         \
        double err_ = e_ == 0.0 ? fabs(a_) : fabs(a_ - e_) / fabs(e_);                             \
        cr_assert(err_ <= t_, "%s: got %.17g, expected %.17g (rel err %.3g > tol %.3g)", (what),   \
                  a_, e_, err_, t_);                                                               \
    } while (0)

/* |actual - expected| <= tol * scale. */
#define ASSERT_SCALED(actual, expected, scale, tol, what)                                          \
    do {                                                                                           \
        double a_ = (actual), e_ = (expected), s_ = (scale), t_ = (tol);                           \
        double err_ = fabs(a_ - e_) / s_;                                                          \
        cr_assert(err_ <= t_, "%s: got %.17g, expected %.17g (err/scale %.3g > tol %.3g)", (what), \
                  a_, e_, err_, t_);                                                               \
    } while (0)

#define ASSERT_NAN(x, what) cr_assert(isnan(x), "%s: expected NAN, got %.17g", (what), (double)(x))

#define ASSERT_EXACT(actual, expected, what)                                                       \
    cr_assert((actual) == (expected), "%s: got %.17g, expected exactly %.17g", (what),             \
              (double)(actual), (double)(expected))

/* ------------------------------------------------------------------------ */
/* NIST StRD file access                                                    */
/* ------------------------------------------------------------------------ */

/* Whole file NIST_DIR/name as a NUL-terminated string (caller frees). */
static char *nist_slurp(const char *name)
{
    const char *dir = getenv("NIST_DIR");
    if (dir == NULL || *dir == '\0') dir = "tests/data/nist-strd";
    char path[1024];
    int len = snprintf(path, sizeof path, "%s/%s", dir, name);
    cr_assert(len > 0 && (size_t)len < sizeof path, "path too long");
    FILE *f = fopen(path, "rb");
    cr_assert(f != NULL, "cannot open %s (set NIST_DIR)", path);
    cr_assert(fseek(f, 0, SEEK_END) == 0);
    long size = ftell(f);
    cr_assert(size > 0, "empty or unreadable %s", path);
    rewind(f);
    char *buf = malloc((size_t)size + 1);
    cr_assert(buf != NULL);
    size_t got = fread(buf, 1, (size_t)size, f);
    fclose(f);
    cr_assert(got == (size_t)size, "short read on %s", path);
    buf[size] = '\0';
    return buf;
}

/* Length of the line starting at p (without '\n' or '\r'). */
static size_t line_len(const char *p)
{
    size_t n = strcspn(p, "\n");
    while (n > 0 && p[n - 1] == '\r')
        n--;
    return n;
}

static const char *next_line(const char *p)
{
    const char *e = strchr(p, '\n');
    return e ? e + 1 : NULL;
}

/* First line that starts with prefix (at_start) or contains it. */
static const char *find_line(const char *buf, const char *needle, int at_start)
{
    size_t nl = strlen(needle);
    for (const char *p = buf; p != NULL && *p; p = next_line(p)) {
        size_t len = line_len(p);
        if (at_start) {
            if (len >= nl && strncmp(p, needle, nl) == 0) return p;
        } else {
            for (size_t i = 0; i + nl <= len; i++)
                if (strncmp(p + i, needle, nl) == 0) return p;
        }
    }
    return NULL;
}

/* Numeric tokens of one line: a token counts when it starts with a digit,
 * sign or '.', and strtod consumes all of it ("n-1)", "r(1):", "-----" do
 * not). Writes up to max token start pointers and values; returns count. */
static int line_numbers(const char *line, const char **starts, double *vals, int max)
{
    size_t len = line_len(line);
    char tmp[512];
    int count = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && isspace((unsigned char)line[i]))
            i++;
        size_t j = i;
        while (j < len && !isspace((unsigned char)line[j]))
            j++;
        if (j > i && j - i < sizeof tmp) {
            char c = line[i];
            if (isdigit((unsigned char)c) || c == '-' || c == '+' || c == '.') {
                memcpy(tmp, line + i, j - i);
                tmp[j - i] = '\0';
                char *end;
                double v = strtod(tmp, &end);
                if (end != tmp && *end == '\0' && count < max) {
                    if (starts) starts[count] = line + i;
                    if (vals) vals[count] = v;
                    count++;
                }
            }
        }
        i = j;
    }
    return count;
}

/* Last numeric value on the first line matching needle; the token start is
 * stored in *tok when tok is non-NULL. */
static double cert_value(const char *buf, const char *needle, int at_start, const char **tok)
{
    const char *line = find_line(buf, needle, at_start);
    cr_assert(line != NULL, "no line with \"%s\" in certified values", needle);
    const char *starts[8];
    double vals[8];
    int n = line_numbers(line, starts, vals, 8);
    cr_assert(n > 0, "no number on the \"%s\" line", needle);
    if (tok) *tok = starts[n - 1];
    return vals[n - 1];
}

/* The data block: lines after the last line that starts with "Data:". */
static const char *data_start(const char *buf)
{
    const char *last = NULL;
    for (const char *p = buf; p != NULL && *p; p = next_line(p))
        if (strncmp(p, "Data:", 5) == 0) last = p;
    cr_assert(last != NULL, "no Data: line");
    return next_line(last);
}

/* A plain decimal token [+-]digits[.digits] held exactly: m * 10^-d. */
typedef struct decimal {
    long long m;
    int d;
} decimal;

static decimal decimal_parse(const char *tok)
{
    const char *p = tok;
    int neg = 0, digits = 0;
    decimal x = {0, 0};
    if (*p == '+' || *p == '-') neg = (*p++ == '-');
    for (int frac = 0; isdigit((unsigned char)*p) || (*p == '.' && !frac); p++) {
        if (*p == '.') {
            frac = 1;
            continue;
        }
        cr_assert(++digits <= 18, "too many digits in %.40s", tok);
        x.m = x.m * 10 + (*p - '0');
        x.d += frac;
    }
    cr_assert(digits > 0 && (*p == '\0' || isspace((unsigned char)*p)),
              "not a plain decimal: %.40s", tok);
    if (neg) x.m = -x.m;
    return x;
}

/* a - b for exact decimals, with a single rounding: the difference is formed
 * exactly in 64-bit integers on the common scale, then divided by the (exact)
 * power of ten. */
static double decimal_sub(decimal a, decimal b)
{
    int d = a.d > b.d ? a.d : b.d;
    long long ma = a.m, mb = b.m;
    for (int i = a.d; i < d; i++)
        ma *= 10;
    for (int i = b.d; i < d; i++)
        mb *= 10;
    long long diff = ma - mb;
    cr_assert(llabs(diff) < (1LL << 53), "difference not exact in a double");
    double scale = 1.0;
    for (int i = 0; i < d; i++)
        scale *= 10.0; /* exact up to 1e22 */
    return (double)diff / scale;
}

/* ---- univariate ---- */

typedef struct nist_uni {
    size_t n;       /* values read */
    double n_cert;  /* "Number of Observations" */
    double *x;      /* (a) values as parsed by strtod */
    double *xs;     /* (b) decimal-shifted values: value - origin */
    decimal origin; /* the first value, exactly */
    double mean;    /* certified mean, strtod */
    double mean_s;  /* certified mean - origin, decimal-exact */
    double sd;      /* certified sd */
} nist_uni;

static void nist_uni_load(const char *name, nist_uni *u)
{
    char file[128];
    snprintf(file, sizeof file, "univariate-%s.dat", name);
    char *buf = nist_slurp(file);
    const char *mean_tok;
    u->mean = cert_value(buf, "Sample Mean", 1, &mean_tok);
    u->sd = cert_value(buf, "Sample Standard Deviation", 1, NULL);
    u->n_cert = cert_value(buf, "Number of Observations", 1, NULL);

    const char *data = data_start(buf);
    size_t cap = 0;
    for (const char *p = data; p != NULL && *p; p = next_line(p))
        cap++;
    u->x = malloc(cap * sizeof *u->x);
    u->xs = malloc(cap * sizeof *u->xs);
    cr_assert(u->x != NULL && u->xs != NULL);
    u->n = 0;
    u->origin = (decimal){0, 0};
    for (const char *p = data; p != NULL && *p; p = next_line(p)) {
        const char *tok;
        double v;
        int k = line_numbers(p, &tok, &v, 1);
        if (k == 0) continue; /* "-----" separator, blank lines */
        decimal dv = decimal_parse(tok);
        if (u->n == 0) u->origin = dv;
        u->x[u->n] = v;
        u->xs[u->n] = decimal_sub(dv, u->origin);
        u->n++;
    }
    u->mean_s = decimal_sub(decimal_parse(mean_tok), u->origin);
    free(buf);
}

static void nist_uni_free(nist_uni *u)
{
    free(u->x);
    free(u->xs);
}

/* ---- ANOVA ---- */

typedef struct nist_anova {
    size_t k, n;                /* groups (max treatment label), observations */
    size_t *sizes;              /* per group */
    double **g;                 /* (a) per-group values as parsed */
    double **gs;                /* (b) per-group decimal-shifted values */
    double *block;              /* storage behind g */
    double *block_s;            /* storage behind gs */
    double df_b, ss_b, ms_b, f; /* certified "Between" line */
    double df_w, ss_w, ms_w;    /* certified "Within" line */
    double r2, rsd;
} nist_anova;

static void nist_anova_load(const char *name, nist_anova *a)
{
    char file[128];
    snprintf(file, sizeof file, "anova-%s.dat", name);
    char *buf = nist_slurp(file);
    double v[8];
    const char *between = find_line(buf, "Between", 1);
    const char *within = find_line(buf, "Within", 1);
    cr_assert(between != NULL && within != NULL, "no Between/Within line");
    cr_assert(line_numbers(between, NULL, v, 8) == 4, "Between: 4 numbers");
    a->df_b = v[0];
    a->ss_b = v[1];
    a->ms_b = v[2];
    a->f = v[3];
    cr_assert(line_numbers(within, NULL, v, 8) == 3, "Within: 3 numbers");
    a->df_w = v[0];
    a->ss_w = v[1];
    a->ms_w = v[2];
    a->r2 = cert_value(buf, "R-Squared", 0, NULL);
    a->rsd = cert_value(buf, "Standard Deviation", 0, NULL);

    const char *data = data_start(buf);
    /* Pass 1: number of groups and their sizes; origin. */
    a->k = 0;
    a->n = 0;
    decimal origin = {0, 0};
    for (const char *p = data; p != NULL && *p; p = next_line(p)) {
        const char *tok[2];
        if (line_numbers(p, tok, v, 2) != 2) continue;
        cr_assert(v[0] >= 1 && v[0] == floor(v[0]), "bad treatment label");
        if (a->n == 0) origin = decimal_parse(tok[1]);
        if ((size_t)v[0] > a->k) a->k = (size_t)v[0];
        a->n++;
    }
    cr_assert(a->k >= 2 && a->n > a->k);
    a->sizes = calloc(a->k, sizeof *a->sizes);
    a->g = calloc(a->k, sizeof *a->g);
    a->gs = calloc(a->k, sizeof *a->gs);
    a->block = malloc(a->n * sizeof *a->block);
    a->block_s = malloc(a->n * sizeof *a->block_s);
    cr_assert(a->sizes && a->g && a->gs && a->block && a->block_s);
    for (const char *p = data; p != NULL && *p; p = next_line(p)) {
        if (line_numbers(p, NULL, v, 2) == 2) a->sizes[(size_t)v[0] - 1]++;
    }
    size_t off = 0;
    for (size_t i = 0; i < a->k; i++) {
        a->g[i] = a->block + off;
        a->gs[i] = a->block_s + off;
        off += a->sizes[i];
        a->sizes[i] = 0; /* refilled in pass 2 */
    }
    /* Pass 2: fill. */
    for (const char *p = data; p != NULL && *p; p = next_line(p)) {
        const char *tok[2];
        if (line_numbers(p, tok, v, 2) != 2) continue;
        size_t gi = (size_t)v[0] - 1;
        a->g[gi][a->sizes[gi]] = v[1];
        a->gs[gi][a->sizes[gi]] = decimal_sub(decimal_parse(tok[1]), origin);
        a->sizes[gi]++;
    }
    free(buf);
}

static void nist_anova_free(nist_anova *a)
{
    free(a->sizes);
    free(a->g);
    free(a->gs);
    free(a->block);
    free(a->block_s);
}

/* ------------------------------------------------------------------------ */
/* NIST univariate                                                          */
/* ------------------------------------------------------------------------ */

/* Tolerances for run (a) against the certified values. floor = relative
 * error of the exact sd of the binary64 data (means: <= 6e-16 everywhere).
 *   data set   floor(sd)  tol(sd)
 *   NumAcc1    0          1e-14
 *   NumAcc2    2.2e-16    1e-14
 *   NumAcc3    3.5e-10    2e-9    (values 1000000.x: ulp 1.2e-10)
 *   NumAcc4    5.6e-9     2e-8    (values 10000000.x: ulp 1.9e-9)
 *   Michelso   1.4e-14    5e-14
 *   Lew        4.9e-16    1e-14
 *   Lottery    2.9e-16    1e-14
 *   Mavro      7.6e-14    5e-13
 * Mean: 1e-14 for all (against the strtod() of the certified mean). */
/* Parameters hold the name by value: Criterion runs each test in a fresh
 * worker process, where pointers from the parameter array need not be
 * valid. */
typedef struct uni_case {
    char name[16];
    double tol_sd;
} uni_case;

static uni_case uni_cases[] = {
    {"NumAcc1", 1e-14},  {"NumAcc2", 1e-14}, {"NumAcc3", 2e-9},  {"NumAcc4", 2e-8},
    {"Michelso", 5e-14}, {"Lew", 1e-14},     {"Lottery", 1e-14}, {"Mavro", 5e-13},
};

ParameterizedTestParameters(nist, univariate)
{
    return cr_make_param_array(uni_case, uni_cases, sizeof uni_cases / sizeof uni_cases[0]);
}

/* Summary of x[0..n-1] through the accumulator, added in three chunks
 * merged at the end (exercises Welford and Chan's merge together). */
static void summary_via_chunks(const double *x, size_t n, stats_summary *out)
{
    stats_acc parts[3];
    const size_t cut[4] = {0, n / 3, n / 3 + (n - n / 3) / 2, n};
    for (int c = 0; c < 3; c++) {
        stats_acc_init(&parts[c]);
        for (size_t i = cut[c]; i < cut[c + 1]; i++)
            cr_assert(stats_acc_add(&parts[c], x[i]) == 0);
    }
    cr_assert(stats_acc_merge(&parts[0], &parts[1]) == 0);
    cr_assert(stats_acc_merge(&parts[0], &parts[2]) == 0);
    cr_assert(stats_summary_from_acc(&parts[0], out) == 0);
}

ParameterizedTest(uni_case *c, nist, univariate)
{
    nist_uni u;
    nist_uni_load(c->name, &u);
    cr_assert((double)u.n == u.n_cert, "%s: read %zu values, header says %g", c->name, u.n,
              u.n_cert);
    char what[96];

    /* (a) as parsed: two-pass, Welford, chunked merge. */
    stats_summary s[3];
    cr_assert(stats_summary_compute(u.x, u.n, &s[0]) == 0);
    stats_acc acc = {0}; /* a zeroed struct is a valid empty accumulator */
    for (size_t i = 0; i < u.n; i++)
        cr_assert(stats_acc_add(&acc, u.x[i]) == 0);
    cr_assert(stats_summary_from_acc(&acc, &s[1]) == 0);
    summary_via_chunks(u.x, u.n, &s[2]);
    static const char *path[3] = {"two-pass", "welford", "merged"};
    for (int i = 0; i < 3; i++) {
        cr_assert(s[i].n == u.n);
        snprintf(what, sizeof what, "%s (a) %s mean", c->name, path[i]);
        ASSERT_REL(s[i].mean, u.mean, 1e-14, what);
        snprintf(what, sizeof what, "%s (a) %s sd", c->name, path[i]);
        ASSERT_REL(s[i].sd, u.sd, c->tol_sd, what);
    }

    /* (b) decimal-shifted: >= 13 digits everywhere. The shifted mean is
     * compared on the scale of the shifted data, max(|mean - origin|, sd):
     * relative to the full mean (1e7 for NumAcc4) would be far too lax. */
    cr_assert(stats_summary_compute(u.xs, u.n, &s[0]) == 0);
    stats_acc_init(&acc);
    for (size_t i = 0; i < u.n; i++)
        cr_assert(stats_acc_add(&acc, u.xs[i]) == 0);
    cr_assert(stats_summary_from_acc(&acc, &s[1]) == 0);
    summary_via_chunks(u.xs, u.n, &s[2]);
    double scale = fmax(fabs(u.mean_s), u.sd);
    for (int i = 0; i < 3; i++) {
        snprintf(what, sizeof what, "%s (b) %s mean", c->name, path[i]);
        ASSERT_SCALED(s[i].mean, u.mean_s, scale, TOL_SHIFTED, what);
        snprintf(what, sizeof what, "%s (b) %s sd", c->name, path[i]);
        ASSERT_REL(s[i].sd, u.sd, TOL_SHIFTED, what);
    }
    nist_uni_free(&u);
}

/* ------------------------------------------------------------------------ */
/* NIST ANOVA                                                               */
/* ------------------------------------------------------------------------ */

/* Tolerances for run (a) against the certified values; floor = largest
 * relative error over F, R^2, residual SD, SS and MS of the exact statistics
 * of the binary64 data (per-statistic floors in tests/stats_README.md).
 *   data set        floor     tol
 *   SmLs01-03       6.7e-16   1e-14
 *   SmLs04          8.9e-11   5e-10  (values 1000000.x)
 *   SmLs05-06       1.2e-10   5e-10
 *   SmLs07          9.3e-5    5e-4   (values 1000000000000.x: ulp 1.2e-4,
 *   SmLs08-09       1.2e-4    5e-4    so the 0.1-sized deviations carry a
 *                                     ~1e-4 relative representation error)
 *   SiRstv          8.7e-14   5e-13
 *   AtmWtAg         7.0e-11   5e-10  (deviations ~1e-5 of values ~108)
 * For comparison, the algorithm's own error (distance from the exact binary64
 * statistics) was measured at most 1.1e-15 on every set, on both paths. */
typedef struct anova_case {
    char name[16];
    double tol;
} anova_case;

static anova_case anova_cases[] = {
    {"SmLs01", 1e-14}, {"SmLs02", 1e-14}, {"SmLs03", 1e-14},  {"SmLs04", 5e-10},
    {"SmLs05", 5e-10}, {"SmLs06", 5e-10}, {"SmLs07", 5e-4},   {"SmLs08", 5e-4},
    {"SmLs09", 5e-4},  {"SiRstv", 5e-13}, {"AtmWtAg", 5e-10},
};

ParameterizedTestParameters(nist, anova)
{
    return cr_make_param_array(anova_case, anova_cases, sizeof anova_cases / sizeof anova_cases[0]);
}

static void check_anova(const char *name, const char *run, const stats_anova *r,
                        const nist_anova *a, double tol)
{
    char what[96];
#define CHECK(field, cert)                                                                         \
    do {                                                                                           \
        snprintf(what, sizeof what, "%s %s " #field, name, run);                                   \
        ASSERT_REL(r->field, (cert), tol, what);                                                   \
    } while (0)
    cr_assert(r->k == a->k && r->n == a->n, "%s %s: k/n", name, run);
    /* Degrees of freedom are integers: exact. */
    ASSERT_EXACT(r->df1, a->df_b, "df1");
    ASSERT_EXACT(r->df2, a->df_w, "df2");
    CHECK(f, a->f);
    CHECK(eta2, a->r2);
    CHECK(resid_sd, a->rsd);
    CHECK(ss_between, a->ss_b);
    CHECK(ss_within, a->ss_w);
    CHECK(ms_between, a->ms_b);
    CHECK(ms_within, a->ms_w);
#undef CHECK
    /* p is not certified; it must at least be a probability, and tiny for
     * these strongly significant sets (F = 21 on (8, 180) df and up), except
     * SiRstv (F = 1.18). */
    cr_assert(r->p >= 0.0 && r->p <= 1.0, "%s %s: p = %g", name, run, r->p);
}

ParameterizedTest(anova_case *c, nist, anova)
{
    nist_anova a;
    nist_anova_load(c->name, &a);
    stats_anova r;
    stats_acc *acc = calloc(a.k, sizeof *acc);
    cr_assert(acc != NULL);

    /* (a) as parsed: raw two-pass path, then Welford accumulators per group
     * (the path the analysis uses: no arrays kept). */
    cr_assert(stats_anova_compute((const double *const *)a.g, a.sizes, a.k, &r) == 0);
    check_anova(c->name, "(a) raw", &r, &a, c->tol);
    for (size_t i = 0; i < a.k; i++)
        for (size_t j = 0; j < a.sizes[i]; j++)
            cr_assert(stats_acc_add(&acc[i], a.g[i][j]) == 0);
    cr_assert(stats_anova_from_accs(acc, a.k, &r) == 0);
    check_anova(c->name, "(a) accumulators", &r, &a, c->tol);

    /* (b) decimal-shifted: raw, accumulators, and stored summaries
     * (n, mean, sd) per group as the JSON layer would keep them. */
    cr_assert(stats_anova_compute((const double *const *)a.gs, a.sizes, a.k, &r) == 0);
    check_anova(c->name, "(b) raw", &r, &a, TOL_SHIFTED);
    for (size_t i = 0; i < a.k; i++) {
        stats_acc_init(&acc[i]);
        for (size_t j = 0; j < a.sizes[i]; j++)
            cr_assert(stats_acc_add(&acc[i], a.gs[i][j]) == 0);
    }
    cr_assert(stats_anova_from_accs(acc, a.k, &r) == 0);
    check_anova(c->name, "(b) accumulators", &r, &a, TOL_SHIFTED);
    for (size_t i = 0; i < a.k; i++) {
        stats_summary s;
        cr_assert(stats_summary_compute(a.gs[i], a.sizes[i], &s) == 0);
        cr_assert(stats_acc_from_sd(&acc[i], s.n, s.mean, s.sd) == 0);
    }
    cr_assert(stats_anova_from_accs(acc, a.k, &r) == 0);
    check_anova(c->name, "(b) summaries", &r, &a, TOL_SHIFTED);

    free(acc);
    nist_anova_free(&a);
}

/* ------------------------------------------------------------------------ */
/* Summary                                                                  */
/* ------------------------------------------------------------------------ */

Test(summary, small_example)
{
    double x[] = {1, 2, 3, 4};
    stats_summary s;
    cr_assert(stats_summary_compute(x, 4, &s) == 0);
    cr_assert(s.n == 4);
    ASSERT_EXACT(s.mean, 2.5, "mean"); /* 10/4, exact in binary */
    /* sd = sqrt(5/3) = 1.2909944487358056284 (mpmath) */
    ASSERT_REL(s.sd, 1.2909944487358056284, TOL_ARITH, "sd");
    /* t(0.975, 3) = 3.1824463052837095927 (mpmath root of the t cdf), so
     * ci95 = 2.5 -+ 3.18244630528370959 * sqrt(5/3) / 2
     *      = [0.44573974323947797373, 4.5542602567605220263] (mpmath) */
    ASSERT_REL(s.ci95_low, 0.44573974323947797373, TOL_GSL, "ci95_low");
    ASSERT_REL(s.ci95_high, 4.5542602567605220263, TOL_GSL, "ci95_high");
}

Test(summary, not_computable_is_nan)
{
    stats_summary s;
    cr_assert(stats_summary_compute(NULL, 0, &s) == 0);
    cr_assert(s.n == 0);
    ASSERT_NAN(s.mean, "n=0 mean");
    ASSERT_NAN(s.sd, "n=0 sd");
    ASSERT_NAN(s.ci95_low, "n=0 ci low");
    ASSERT_NAN(s.ci95_high, "n=0 ci high");

    double one = 42.5;
    cr_assert(stats_summary_compute(&one, 1, &s) == 0);
    cr_assert(s.n == 1);
    ASSERT_EXACT(s.mean, 42.5, "n=1 mean");
    ASSERT_NAN(s.sd, "n=1 sd");
    ASSERT_NAN(s.ci95_low, "n=1 ci low");
    ASSERT_NAN(s.ci95_high, "n=1 ci high");

    /* Constant data: sd is a real 0, ci collapses onto the mean. */
    double same[] = {75, 75, 75};
    cr_assert(stats_summary_compute(same, 3, &s) == 0);
    ASSERT_EXACT(s.sd, 0.0, "constant sd");
    ASSERT_EXACT(s.ci95_low, 75.0, "constant ci low");
    ASSERT_EXACT(s.ci95_high, 75.0, "constant ci high");
}

Test(summary, bad_arguments)
{
    stats_summary s;
    double x[] = {1, NAN, 3};
    cr_assert(stats_summary_compute(NULL, 3, &s) == -1);
    cr_assert(stats_summary_compute(x, 3, NULL) == -1);
    cr_assert(stats_summary_compute(x, 3, &s) == -1);
    ASSERT_NAN(s.mean, "NaN data leaves NAN");
    double y[] = {1, INFINITY};
    cr_assert(stats_summary_compute(y, 2, &s) == -1);
    cr_assert(stats_summary_from_moments(3, 1.0, -1.0, &s) == -1);
    cr_assert(stats_summary_from_moments(3, NAN, 1.0, &s) == -1);
    cr_assert(stats_summary_from_sd(3, 1.0, -0.5, &s) == -1);
    cr_assert(stats_summary_from_sd(3, 1.0, NAN, &s) == -1);
    ASSERT_NAN(s.sd, "bad sd leaves NAN");
    /* n < 2: sd/m2 are ignored and may be NAN (a stored n=1 summary). */
    cr_assert(stats_summary_from_sd(1, 5.0, NAN, &s) == 0);
    ASSERT_EXACT(s.mean, 5.0, "n=1 mean");
    ASSERT_NAN(s.sd, "n=1 sd");
    cr_assert(stats_summary_from_moments(0, NAN, NAN, &s) == 0);
    ASSERT_NAN(s.mean, "n=0 mean");
}

Test(summary, from_moments_and_sd_agree_with_compute)
{
    double x[] = {3, 4, 5, 6, 8, 9, 10, 12};
    stats_summary a, b, c;
    cr_assert(stats_summary_compute(x, 8, &a) == 0);
    /* exact: mean 57/8, M2 = 7 * 551/56 = 551/8 */
    cr_assert(stats_summary_from_moments(8, 57.0 / 8, 551.0 / 8, &b) == 0);
    cr_assert(stats_summary_from_sd(8, a.mean, a.sd, &c) == 0);
    ASSERT_REL(b.mean, a.mean, TOL_ARITH, "moments mean");
    ASSERT_REL(b.sd, a.sd, TOL_ARITH, "moments sd");
    ASSERT_REL(b.ci95_low, a.ci95_low, TOL_ARITH, "moments ci low");
    ASSERT_REL(b.ci95_high, a.ci95_high, TOL_ARITH, "moments ci high");
    ASSERT_EXACT(c.sd, a.sd, "from_sd keeps sd bit for bit");
    ASSERT_EXACT(c.ci95_low, a.ci95_low, "from_sd ci low");
}

/* ------------------------------------------------------------------------ */
/* Accumulator                                                              */
/* ------------------------------------------------------------------------ */

/* Deterministic pseudo-normal data: xorshift64* + Box-Muller. */
static uint64_t rng_state;
static double rng_uniform(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    uint64_t r = rng_state * 2685821657736338717ULL;
    return ((double)(r >> 11) + 0.5) / 9007199254740992.0; /* (0,1) */
}
static double rng_normal(void)
{
    double u = rng_uniform(), v = rng_uniform();
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* Welford and Chan's merge agree with the two-pass array function to 1e-12
 * relative (the brief's requirement; both are backward stable, measured
 * agreement is ~1e-15). */
Test(acc, agrees_with_two_pass_on_normal_data)
{
    enum { N = 20000 };
    static double x[N];
    static const double centre[] = {60.0, 1e6, -3.5};
    static const double spread[] = {15.0, 1.0, 1e-3};
    rng_state = 0x9E3779B97F4A7C15ULL;
    for (int d = 0; d < 3; d++) {
        for (int i = 0; i < N; i++)
            x[i] = centre[d] + spread[d] * rng_normal();
        stats_summary ref, s;
        cr_assert(stats_summary_compute(x, N, &ref) == 0);

        stats_acc a;
        stats_acc_init(&a);
        for (int i = 0; i < N; i++)
            cr_assert(stats_acc_add(&a, x[i]) == 0);
        cr_assert(stats_summary_from_acc(&a, &s) == 0);
        cr_assert(s.n == N);
        ASSERT_REL(s.mean, ref.mean, 1e-12, "welford mean");
        ASSERT_REL(s.sd, ref.sd, 1e-12, "welford sd");
        ASSERT_REL(s.ci95_low, ref.ci95_low, 1e-12, "welford ci low");

        /* Uneven chunks, one empty, merged in order. */
        static const size_t cuts[] = {0, 1, 1, 777, 5000, 12345, N};
        stats_acc m;
        stats_acc_init(&m);
        for (size_t c = 0; c + 1 < sizeof cuts / sizeof cuts[0]; c++) {
            stats_acc part;
            stats_acc_init(&part);
            for (size_t i = cuts[c]; i < cuts[c + 1]; i++)
                stats_acc_add(&part, x[i]);
            cr_assert(stats_acc_merge(&m, &part) == 0);
        }
        cr_assert(stats_summary_from_acc(&m, &s) == 0);
        cr_assert(s.n == N);
        ASSERT_REL(s.mean, ref.mean, 1e-12, "merged mean");
        ASSERT_REL(s.sd, ref.sd, 1e-12, "merged sd");
    }
}

Test(acc, merge_edge_cases)
{
    stats_acc a, b, empty;
    stats_acc_init(&a);
    stats_acc_init(&b);
    stats_acc_init(&empty);
    double xa[] = {10, 12, 14}; /* mean 12, M2 8 */
    double xb[] = {1000, 1002}; /* different origin: mean 1001, M2 2 */
    for (int i = 0; i < 3; i++)
        stats_acc_add(&a, xa[i]);
    for (int i = 0; i < 2; i++)
        stats_acc_add(&b, xb[i]);

    /* Merging an empty accumulator changes nothing; into an empty one copies. */
    stats_acc before = a;
    cr_assert(stats_acc_merge(&a, &empty) == 0);
    cr_assert(memcmp(&a, &before, sizeof a) == 0);
    stats_acc c;
    stats_acc_init(&c);
    cr_assert(stats_acc_merge(&c, &b) == 0);
    ASSERT_EXACT(stats_acc_mean(&c), 1001.0, "copied mean");

    /* Self-merge: every value twice -> same mean, M2 doubled. */
    stats_acc d = a;
    cr_assert(stats_acc_merge(&d, &d) == 0);
    cr_assert(d.n == 6);
    ASSERT_EXACT(stats_acc_mean(&d), 12.0, "self-merge mean");
    ASSERT_REL(d.m2, 16.0, TOL_ARITH, "self-merge M2");

    /* Different origins: {10,12,14,1000,1002}: mean 2038/5 = 407.6,
     * M2 = sum x^2 - 5 mean^2 = 2004444 - 830688.8 = 5868776/5 = 1173755.2
     * (exact rational arithmetic, python3 fractions). */
    cr_assert(stats_acc_merge(&a, &b) == 0);
    cr_assert(a.n == 5);
    ASSERT_REL(stats_acc_mean(&a), 407.6, TOL_ARITH, "merged mean");
    ASSERT_REL(a.m2, 1173755.2, TOL_ARITH, "merged M2");

    cr_assert(stats_acc_merge(NULL, &b) == -1);
    cr_assert(stats_acc_merge(&a, NULL) == -1);
}

Test(acc, add_rejects_non_finite_and_reads_empty_as_nan)
{
    stats_acc a;
    stats_acc_init(&a);
    ASSERT_NAN(stats_acc_mean(&a), "empty mean");
    ASSERT_NAN(stats_acc_mean(NULL), "NULL mean");
    stats_summary s;
    cr_assert(stats_summary_from_acc(&a, &s) == 0);
    cr_assert(s.n == 0);
    ASSERT_NAN(s.mean, "empty summary mean");
    cr_assert(stats_acc_add(&a, 3.0) == 0);
    stats_acc before = a;
    cr_assert(stats_acc_add(&a, NAN) == -1);
    cr_assert(stats_acc_add(&a, -INFINITY) == -1);
    cr_assert(memcmp(&a, &before, sizeof a) == 0, "acc unchanged");
    cr_assert(stats_acc_add(NULL, 1.0) == -1);
    cr_assert(stats_summary_from_acc(NULL, &s) == -1);
}

Test(acc, from_moments_and_sd)
{
    stats_acc a;
    stats_summary s;
    /* n = 8, mean 57/8, M2 551/8 (the data of Welch example B). */
    cr_assert(stats_acc_from_moments(&a, 8, 7.125, 68.875) == 0);
    cr_assert(stats_summary_from_acc(&a, &s) == 0);
    ASSERT_EXACT(s.mean, 7.125, "mean");
    /* sd = sqrt(551/56) = 3.1367635732209264301 (mpmath) */
    ASSERT_REL(s.sd, 3.1367635732209264301, TOL_ARITH, "sd");
    cr_assert(stats_acc_from_sd(&a, 8, 7.125, s.sd) == 0);
    ASSERT_REL(a.m2, 68.875, TOL_ARITH, "M2 from sd");
    cr_assert(stats_acc_from_sd(&a, 1, 4.0, NAN) == 0); /* sd ignored, n=1 */
    cr_assert(a.n == 1 && a.m2 == 0.0);
    cr_assert(stats_acc_from_moments(&a, 0, NAN, NAN) == 0);
    cr_assert(a.n == 0);
    cr_assert(stats_acc_from_moments(&a, 3, 1.0, -2.0) == -1);
    cr_assert(a.n == 0, "emptied on error");
    cr_assert(stats_acc_from_sd(&a, 3, 1.0, -2.0) == -1);
    cr_assert(stats_acc_from_moments(&a, 3, INFINITY, 1.0) == -1);
    cr_assert(stats_acc_from_moments(NULL, 3, 1.0, 1.0) == -1);
}

/* ------------------------------------------------------------------------ */
/* Welch + Hedges g                                                         */
/* ------------------------------------------------------------------------ */

static void welch_from_sd(size_t n1, double m1, double s1, size_t n2, double m2, double s2,
                          stats_welch *w)
{
    stats_summary a, b;
    cr_assert(stats_summary_from_sd(n1, m1, s1, &a) == 0 || n1 < 2);
    cr_assert(stats_summary_from_sd(n2, m2, s2, &b) == 0 || n2 < 2);
    cr_assert(stats_welch_compute(&a, &b, w) == 0);
}

/* Example A: summaries, unequal n and variances. All expected values from
 * mpmath (50 digits) with the formulas of docs/method.md:
 *   v1 = 12.1^2/12, v2 = 20.3^2/9, se = sqrt(v1+v2),
 *   df = se^4 / (v1^2/11 + v2^2/8), p = I_{df/(df+t^2)}(df/2, 1/2),
 *   q = t(0.975, df) by root finding, s_p^2 = (11*12.1^2 + 8*20.3^2)/19,
 *   J = 1 - 3/(4*21 - 9) = 0.96. */
Test(welch, example_unequal_n_and_variances)
{
    stats_welch w;
    welch_from_sd(12, 71.2, 12.1, 9, 64.5, 20.3, &w);
    ASSERT_REL(w.diff, 6.7, TOL_ARITH, "diff");
    ASSERT_REL(w.se, 7.6150253519677208696, TOL_ARITH, "se");
    ASSERT_REL(w.t, 0.8798394871093530213, TOL_ARITH, "t");
    ASSERT_REL(w.df, 12.20139866780592251, TOL_ARITH, "df");
    ASSERT_REL(w.p, 0.39594487879075169173, TOL_GSL, "p");
    /* q = 2.1748307748214737465 */
    ASSERT_REL(w.ci95_low, -9.8613914865051242071, TOL_GSL, "ci95_low");
    ASSERT_REL(w.ci95_high, 23.261391486505124207, TOL_GSL, "ci95_high");
    /* s_p = 16.07094468778655018, d = 0.41690144108901, g = 0.96 d */
    ASSERT_REL(w.g, 0.40022538344545063598, TOL_ARITH, "g");
}

/* Example B: from raw data through stats_summary_compute.
 *   a = {3,4,5,6,8,9,10,12}: mean 57/8, var 551/56 (exact rationals)
 *   b = {1,2,2,3,3,4,7}:     mean 22/7, var 80/21
 * then the same formulas in mpmath; J = 1 - 3/(4*15-9) = 16/17. */
Test(welch, example_from_raw_data)
{
    double a[] = {3, 4, 5, 6, 8, 9, 10, 12};
    double b[] = {1, 2, 2, 3, 3, 4, 7};
    stats_summary sa, sb;
    stats_welch w;
    cr_assert(stats_summary_compute(a, 8, &sa) == 0);
    cr_assert(stats_summary_compute(b, 7, &sb) == 0);
    cr_assert(stats_welch_compute(&sa, &sb, &w) == 0);
    ASSERT_REL(w.diff, 3.9821428571428571429, TOL_ARITH, "diff"); /* 223/56 */
    ASSERT_REL(w.se, 1.3319641141414224369, TOL_ARITH, "se");
    ASSERT_REL(w.t, 2.989677285494832555, TOL_ARITH, "t");
    ASSERT_REL(w.df, 11.856925218636095963, TOL_ARITH, "df");
    ASSERT_REL(w.p, 0.011414790611636615373, TOL_GSL, "p");
    /* q = 2.1817323453492619522 */
    ASSERT_REL(w.ci95_low, 1.0761536664760395213, TOL_GSL, "ci95_low");
    ASSERT_REL(w.ci95_high, 6.8881320478096747644, TOL_GSL, "ci95_high");
    /* s_p = 2.6563732195078840839 */
    ASSERT_REL(w.g, 1.4109083513340779735, TOL_ARITH, "g");
}

/* Example C: df > 30, where GSL's t cdf switches to its Cornish-Fisher
 * branch (nu > 30 && t^2 < 10 nu). mpmath as in example A. */
Test(welch, example_large_df)
{
    stats_welch w;
    welch_from_sd(40, 50, 10, 35, 45, 12, &w);
    ASSERT_REL(w.diff, 5.0, TOL_ARITH, "diff");
    ASSERT_REL(w.se, 2.5718253662108775238, TOL_ARITH, "se");
    ASSERT_REL(w.t, 1.944144445299799424, TOL_ARITH, "t");
    ASSERT_REL(w.df, 66.475422502833211648, TOL_ARITH, "df");
    ASSERT_REL(w.p, 0.056111908639075536179, TOL_GSL, "p");
    /* q = 1.9962979294604514664; ci low is a small difference of two
     * numbers near 5, so compare it on the scale of se (2.57). */
    ASSERT_SCALED(w.ci95_low, -0.13412965350064213932, 2.5718253662108775238, TOL_GSL, "ci95_low");
    ASSERT_REL(w.ci95_high, 10.134129653500642139, TOL_GSL, "ci95_high");
    ASSERT_REL(w.g, 0.450804583285233204, TOL_ARITH, "g");
}

/* Example D: one side without variance. se = sqrt(0 + 4/4) = 1, t = 2,
 * df = se^4 / (1^2/3) = 3 exactly (= n2 - 1), p = 2 P(T3 > 2)
 * = 0.13932596855884317685, q = t(0.975,3) = 3.1824463052837095927,
 * s_p = sqrt(12/7), J = 8/9, g = 1.3578002059128414834 (all mpmath). */
Test(welch, one_side_without_variance)
{
    stats_welch w;
    welch_from_sd(5, 10, 0, 4, 8, 2, &w);
    ASSERT_EXACT(w.diff, 2.0, "diff");
    ASSERT_EXACT(w.se, 1.0, "se");
    ASSERT_EXACT(w.t, 2.0, "t");
    ASSERT_EXACT(w.df, 3.0, "df is n2-1 exactly (scale-free form)");
    ASSERT_REL(w.p, 0.13932596855884317685, TOL_GSL, "p");
    ASSERT_REL(w.ci95_low, -1.1824463052837095927, TOL_GSL, "ci95_low");
    ASSERT_REL(w.ci95_high, 5.1824463052837095927, TOL_GSL, "ci95_high");
    ASSERT_REL(w.g, 1.3578002059128414834, TOL_ARITH, "g");
}

Test(welch, equal_means_give_p_one)
{
    stats_welch w;
    welch_from_sd(10, 50, 5, 20, 50, 8, &w);
    ASSERT_EXACT(w.diff, 0.0, "diff");
    ASSERT_EXACT(w.t, 0.0, "t");
    ASSERT_EXACT(w.p, 1.0, "p = 2 * Q(0) = 1, capped");
    ASSERT_EXACT(w.g, 0.0, "g");
    ASSERT_EXACT(w.ci95_low, -w.ci95_high, "symmetric ci");
}

Test(welch, huge_t_keeps_p_in_range)
{
    stats_welch w;
    /* t = 100 / sqrt(2 * 1e-12/50) = 5e8: the two-sided p underflows towards 0
     * but must stay a number in [0, 1e-100] (upper tail, no 1 - P). */
    welch_from_sd(50, 100, 1e-6, 50, 0, 1e-6, &w);
    cr_assert(w.t > 1e7);
    cr_assert(w.p >= 0.0 && w.p < 1e-100, "p = %g", w.p);
    cr_assert(isfinite(w.ci95_low) && isfinite(w.ci95_high) && isfinite(w.g));
}

Test(welch, not_computable_cases)
{
    stats_summary a, b, one, none;
    stats_welch w;
    stats_summary_from_sd(10, 60, 10, &a);
    stats_summary_from_sd(8, 55, 12, &b);
    stats_summary_from_sd(1, 70, NAN, &one); /* n = 1: sd NAN, accepted */
    stats_summary_from_sd(0, NAN, NAN, &none);

    /* n1 < 2: diff stays, everything else NAN. */
    cr_assert(stats_welch_compute(&one, &b, &w) == 0);
    ASSERT_EXACT(w.diff, 15.0, "n1=1 diff");
    ASSERT_NAN(w.se, "n1=1 se");
    ASSERT_NAN(w.t, "n1=1 t");
    ASSERT_NAN(w.df, "n1=1 df");
    ASSERT_NAN(w.p, "n1=1 p");
    ASSERT_NAN(w.g, "n1=1 g");
    ASSERT_NAN(w.ci95_low, "n1=1 ci low");
    ASSERT_NAN(w.ci95_high, "n1=1 ci high");
    /* n2 < 2 likewise. */
    cr_assert(stats_welch_compute(&a, &one, &w) == 0);
    ASSERT_EXACT(w.diff, -10.0, "n2=1 diff");
    ASSERT_NAN(w.t, "n2=1 t");
    ASSERT_NAN(w.p, "n2=1 p");
    /* n = 0 on a side: no mean, so no diff either. */
    cr_assert(stats_welch_compute(&none, &a, &w) == 0);
    ASSERT_NAN(w.diff, "n1=0 diff");
    ASSERT_NAN(w.p, "n1=0 p");

    /* se == 0: both sides constant. diff stays; se is a real 0. */
    stats_summary c1, c2;
    stats_summary_from_sd(5, 80, 0, &c1);
    stats_summary_from_sd(6, 75, 0, &c2);
    cr_assert(stats_welch_compute(&c1, &c2, &w) == 0);
    ASSERT_EXACT(w.diff, 5.0, "se=0 diff");
    ASSERT_EXACT(w.se, 0.0, "se=0 se");
    ASSERT_NAN(w.t, "se=0 t");
    ASSERT_NAN(w.df, "se=0 df");
    ASSERT_NAN(w.p, "se=0 p");
    ASSERT_NAN(w.g, "se=0 g (s_p = 0)");
    ASSERT_NAN(w.ci95_low, "se=0 ci low");
    ASSERT_NAN(w.ci95_high, "se=0 ci high");
}

Test(welch, bad_arguments)
{
    stats_summary a, bad;
    stats_welch w;
    stats_summary_from_sd(10, 60, 10, &a);
    bad = a;
    bad.sd = -1.0;
    cr_assert(stats_welch_compute(&a, &bad, &w) == -1);
    ASSERT_NAN(w.diff, "out all NAN on error");
    bad = a;
    bad.mean = INFINITY;
    cr_assert(stats_welch_compute(&bad, &a, &w) == -1);
    bad = a;
    bad.sd = NAN; /* n = 10 needs an sd */
    cr_assert(stats_welch_compute(&bad, &a, &w) == -1);
    cr_assert(stats_welch_compute(NULL, &a, &w) == -1);
    cr_assert(stats_welch_compute(&a, NULL, &w) == -1);
    cr_assert(stats_welch_compute(&a, &a, NULL) == -1);
}

/* ------------------------------------------------------------------------ */
/* Holm-Bonferroni                                                          */
/* ------------------------------------------------------------------------ */

/* Adjusted values are products of a p-value with a small integer and maxima
 * of such: one rounding each, so a few ulps (TOL_ARITH) is plenty. */

Test(holm, ties_and_nan)
{
    /* m' = 4 (NAN skipped). Sorted: 0.01 (i0), 0.03 (i3), 0.04 (i1),
     * 0.04 (i4). Raw products: 4*0.01 = 0.04, 3*0.03 = 0.09, 2*0.04 = 0.08,
     * 1*0.04 = 0.04; running max: 0.04, 0.09, 0.09, 0.09. The tied 0.04s get
     * the same value, whatever their order. */
    double p[] = {0.01, 0.04, NAN, 0.03, 0.04};
    double adj[5];
    cr_assert(stats_holm_adjust(p, 5, adj) == 0);
    ASSERT_REL(adj[0], 0.04, TOL_ARITH, "adj[0]");
    ASSERT_REL(adj[1], 0.09, TOL_ARITH, "adj[1]");
    ASSERT_NAN(adj[2], "adj[2] (NAN stays NAN)");
    ASSERT_REL(adj[3], 0.09, TOL_ARITH, "adj[3]");
    ASSERT_REL(adj[4], 0.09, TOL_ARITH, "adj[4]");
    ASSERT_EXACT(adj[1], adj[4], "ties equal");

    /* Ties that are the smallest values: 4*0.02 = 0.08, 3*0.02 = 0.06,
     * 2*0.02 = 0.04 -> max keeps 0.08 for all three; then 1*0.5 = 0.5. */
    double q[] = {0.5, 0.02, 0.02, 0.02};
    cr_assert(stats_holm_adjust(q, 4, adj) == 0);
    ASSERT_REL(adj[1], 0.08, TOL_ARITH, "tie 1");
    ASSERT_EXACT(adj[2], adj[1], "tie 2");
    ASSERT_EXACT(adj[3], adj[1], "tie 3");
    ASSERT_EXACT(adj[0], 0.5, "largest");
}

Test(holm, cap_at_one)
{
    /* m' = 3: 3*0.4 = 1.2 -> 1, 2*0.45 = 0.9 -> max 1, 1*0.9 -> 1. */
    double p[] = {0.9, 0.4, 0.45};
    double adj[3];
    cr_assert(stats_holm_adjust(p, 3, adj) == 0);
    ASSERT_EXACT(adj[0], 1.0, "cap");
    ASSERT_EXACT(adj[1], 1.0, "cap");
    ASSERT_EXACT(adj[2], 1.0, "cap");
    /* A single p is its own adjusted value; p = 1 stays 1. */
    double one[] = {0.03}, padj;
    cr_assert(stats_holm_adjust(one, 1, &padj) == 0);
    ASSERT_EXACT(padj, 0.03, "m=1");
}

Test(holm, in_place_empty_and_bad)
{
    double p[] = {0.04, 0.01, 0.02};
    /* sorted 0.01, 0.02, 0.04 -> 0.03, 0.04, 0.04 */
    cr_assert(stats_holm_adjust(p, 3, p) == 0);
    ASSERT_REL(p[0], 0.04, TOL_ARITH, "in place [0]");
    ASSERT_REL(p[1], 0.03, TOL_ARITH, "in place [1]");
    ASSERT_REL(p[2], 0.04, TOL_ARITH, "in place [2]");

    cr_assert(stats_holm_adjust(NULL, 0, NULL) == 0);
    double nan2[] = {NAN, NAN}, adj[3] = {7, 7, 7};
    cr_assert(stats_holm_adjust(nan2, 2, adj) == 0);
    ASSERT_NAN(adj[0], "all NAN");
    ASSERT_NAN(adj[1], "all NAN");

    double bad[] = {0.2, 1.5, 0.1};
    adj[0] = adj[1] = adj[2] = 7;
    cr_assert(stats_holm_adjust(bad, 3, adj) == -1);
    ASSERT_EXACT(adj[0], 7.0, "adj untouched on error");
    bad[1] = -0.1;
    cr_assert(stats_holm_adjust(bad, 3, adj) == -1);
    bad[1] = INFINITY;
    cr_assert(stats_holm_adjust(bad, 3, adj) == -1);
    cr_assert(stats_holm_adjust(NULL, 3, adj) == -1);
    cr_assert(stats_holm_adjust(bad, 3, NULL) == -1);
}

/* Against a brute-force transcription of the definition, O(m^2): for each
 * p_i, rank it among the non-NAN p (ties broken by index), then take the max
 * over all p_j ranked at or before it of min(1, (m' - rank_j + 1) p_j). */
Test(holm, matches_definition_on_random_families)
{
    enum { M = 60 };
    double p[M], adj[M];
    rng_state = 12345;
    for (int trial = 0; trial < 50; trial++) {
        for (int i = 0; i < M; i++) {
            double u = rng_uniform();
            /* Coarse grid so ties are common; some NAN; some tiny values. */
            p[i] = u < 0.1 ? NAN : floor(rng_uniform() * 40) / 40 * (u < 0.3 ? 0.01 : 1);
        }
        cr_assert(stats_holm_adjust(p, M, adj) == 0);
        int mm = 0;
        for (int i = 0; i < M; i++)
            mm += !isnan(p[i]);
        for (int i = 0; i < M; i++) {
            if (isnan(p[i])) {
                ASSERT_NAN(adj[i], "NAN in family");
                continue;
            }
            double expect = 0.0;
            for (int j = 0; j < M; j++) {
                if (isnan(p[j])) continue;
                int before_i = p[j] < p[i] || (j <= i && p[j] == p[i]);
                if (!before_i) continue;
                int rank = 1;
                for (int l = 0; l < M; l++)
                    if (!isnan(p[l]) && (p[l] < p[j] || (l < j && p[l] == p[j]))) rank++;
                double v = fmin(1.0, (double)(mm - rank + 1) * p[j]);
                expect = fmax(expect, v);
            }
            ASSERT_EXACT(adj[i], expect, "brute force");
            cr_assert(adj[i] >= p[i] && adj[i] <= 1.0);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* ANOVA (hand-checked)                                                     */
/* ------------------------------------------------------------------------ */

/* Groups {2,3,5,7}, {1,1,2}, {6,8,9,9,10}; exact rational arithmetic:
 * means 17/4, 4/3, 42/5, grand 64/12 = 16/3, SS_between = 2989/30,
 * SS_within = 1477/60, df (2, 9), F = (2989/60)/(1477/540) = 3843/211
 * = 18.213270142180094787, eta2 = 854/1065 = 0.80187793427230046948,
 * residual SD = sqrt(1477/540) = 1.6538395282448612418;
 * p = I_{9/(9+2F)}(9/2, 1) = 0.00068580052596209093796 (mpmath). */
static void check_hand_anova(const stats_anova *r, const char *path)
{
    char what[64];
    cr_assert(r->k == 3 && r->n == 12, "%s k/n", path);
    ASSERT_EXACT(r->df1, 2.0, "df1");
    ASSERT_EXACT(r->df2, 9.0, "df2");
    snprintf(what, sizeof what, "%s ssb", path);
    ASSERT_REL(r->ss_between, 2989.0 / 30, TOL_ARITH, what);
    snprintf(what, sizeof what, "%s ssw", path);
    ASSERT_REL(r->ss_within, 1477.0 / 60, TOL_ARITH, what);
    snprintf(what, sizeof what, "%s F", path);
    ASSERT_REL(r->f, 18.213270142180094787, TOL_ARITH, what);
    snprintf(what, sizeof what, "%s p", path);
    ASSERT_REL(r->p, 0.00068580052596209093796, TOL_GSL, what);
    snprintf(what, sizeof what, "%s eta2", path);
    ASSERT_REL(r->eta2, 0.80187793427230046948, TOL_ARITH, what);
    snprintf(what, sizeof what, "%s resid_sd", path);
    ASSERT_REL(r->resid_sd, 1.6538395282448612418, TOL_ARITH, what);
}

Test(anova, hand_example_all_paths)
{
    double g1[] = {2, 3, 5, 7}, g2[] = {1, 1, 2}, g3[] = {6, 8, 9, 9, 10};
    const double *groups[] = {g1, NULL, g2, g3}; /* empty group ignored */
    size_t sizes[] = {4, 0, 3, 5};
    stats_anova r;
    cr_assert(stats_anova_compute(groups, sizes, 4, &r) == 0);
    check_hand_anova(&r, "raw");

    stats_acc acc[4];
    for (int i = 0; i < 4; i++) {
        stats_acc_init(&acc[i]);
        for (size_t j = 0; j < sizes[i]; j++)
            stats_acc_add(&acc[i], groups[i][j]);
    }
    cr_assert(stats_anova_from_accs(acc, 4, &r) == 0);
    check_hand_anova(&r, "accumulators");

    /* From stored (n, mean, M2) and (n, mean, sd). */
    cr_assert(stats_acc_from_moments(&acc[0], 4, 17.0 / 4, 14.75) == 0);
    cr_assert(stats_acc_from_moments(&acc[1], 0, NAN, NAN) == 0);
    cr_assert(stats_acc_from_sd(&acc[2], 3, 4.0 / 3, sqrt(1.0 / 3)) == 0);
    cr_assert(stats_acc_from_moments(&acc[3], 5, 8.4, 9.2) == 0);
    cr_assert(stats_anova_from_accs(acc, 4, &r) == 0);
    check_hand_anova(&r, "summaries");
}

Test(anova, not_computable_cases)
{
    stats_anova r;
    double a[] = {1, 2, 3}, b[] = {4, 4}, c[] = {5, 5, 5}, one1[] = {1}, one2[] = {3};

    /* k < 2: only one non-empty group. */
    const double *g1[] = {a, NULL};
    size_t s1[] = {3, 0};
    cr_assert(stats_anova_compute(g1, s1, 2, &r) == 0);
    cr_assert(r.k == 1 && r.n == 3);
    ASSERT_NAN(r.df1, "k=1 df1");
    ASSERT_NAN(r.f, "k=1 f");
    ASSERT_NAN(r.p, "k=1 p");
    ASSERT_NAN(r.eta2, "k=1 eta2");
    ASSERT_EXACT(r.ss_within, 2.0, "k=1 ss_within");

    /* SS_within == 0 (constant groups): F undefined, eta2 = 1. */
    const double *g2[] = {b, c};
    size_t s2[] = {2, 3};
    cr_assert(stats_anova_compute(g2, s2, 2, &r) == 0);
    ASSERT_EXACT(r.df2, 3.0, "ssw=0 df2");
    ASSERT_EXACT(r.ss_within, 0.0, "ssw=0");
    ASSERT_NAN(r.f, "ssw=0 f");
    ASSERT_NAN(r.p, "ssw=0 p");
    ASSERT_EXACT(r.eta2, 1.0, "ssw=0 eta2");
    ASSERT_EXACT(r.resid_sd, 0.0, "ssw=0 resid_sd");

    /* N - k < 1: one value per group. */
    const double *g3[] = {one1, one2};
    size_t s3[] = {1, 1};
    cr_assert(stats_anova_compute(g3, s3, 2, &r) == 0);
    ASSERT_EXACT(r.df1, 1.0, "N-k=0 df1");
    ASSERT_EXACT(r.df2, 0.0, "N-k=0 df2");
    ASSERT_NAN(r.ms_within, "N-k=0 ms_within");
    ASSERT_NAN(r.f, "N-k=0 f");
    ASSERT_NAN(r.p, "N-k=0 p");
    ASSERT_NAN(r.resid_sd, "N-k=0 resid_sd");
    ASSERT_EXACT(r.eta2, 1.0, "N-k=0 eta2");

    /* No data at all; all groups equal (SS_total = 0). */
    cr_assert(stats_anova_from_accs(NULL, 0, &r) == 0);
    cr_assert(r.k == 0);
    ASSERT_NAN(r.ss_total, "k=0 ss_total");
    const double *g4[] = {b, b};
    size_t s4[] = {2, 2};
    cr_assert(stats_anova_compute(g4, s4, 2, &r) == 0);
    ASSERT_NAN(r.eta2, "ss_total=0 eta2");
    ASSERT_NAN(r.f, "ss_total=0 f");
}

Test(anova, bad_arguments)
{
    stats_anova r;
    double a[] = {1, NAN}, b[] = {1, 2};
    const double *g[] = {a, b};
    size_t s[] = {2, 2};
    cr_assert(stats_anova_compute(g, s, 2, &r) == -1);
    ASSERT_NAN(r.f, "all NAN on error");
    const double *gn[] = {NULL, b};
    cr_assert(stats_anova_compute(gn, s, 2, &r) == -1);
    cr_assert(stats_anova_compute(NULL, s, 2, &r) == -1);
    cr_assert(stats_anova_compute(g, NULL, 2, &r) == -1);
    cr_assert(stats_anova_compute(g, s, 2, NULL) == -1);
    stats_acc acc[2] = {{2, 0.0, 0.0, -1.0}, {2, 0.0, 0.0, 1.0}};
    cr_assert(stats_anova_from_accs(acc, 2, &r) == -1);
    cr_assert(stats_anova_from_accs(NULL, 2, &r) == -1);
}

/* ------------------------------------------------------------------------ */
/* Scalar helpers                                                           */
/* ------------------------------------------------------------------------ */

Test(helpers, t_crit975)
{
    /* mpmath: root of the t cdf at 0.975. */
    ASSERT_REL(stats_t_crit975(1), 12.706204736174704646, TOL_GSL, "df=1");
    ASSERT_REL(stats_t_crit975(2.5), 3.5746548420036832185, TOL_GSL, "df=2.5");
    ASSERT_REL(stats_t_crit975(10), 2.2281388519862747484, TOL_GSL, "df=10");
    ASSERT_REL(stats_t_crit975(1000), 1.962339080826408485, TOL_GSL, "df=1000");
    /* Normal quantile 1.9599639845400542355 (mpmath, sqrt(2) erfinv(0.95)) */
    ASSERT_REL(stats_t_crit975(INFINITY), 1.9599639845400542355, TOL_GSL, "inf");
    ASSERT_REL(stats_t_crit975(0.5), 164.55767348048853312, TOL_GSL, "df=0.5");
    ASSERT_NAN(stats_t_crit975(0.25), "df<0.5: documented NAN");
    ASSERT_NAN(stats_t_crit975(0), "df=0");
    ASSERT_NAN(stats_t_crit975(-3), "df<0");
    ASSERT_NAN(stats_t_crit975(NAN), "df NAN");
}

Test(helpers, rwg)
{
    /* A = 5: sigma2_EU = (25-1)/12 = 2. */
    ASSERT_EXACT(stats_rwg_compute(10, 1.0, 5), 0.5, "1 - 1/2");
    ASSERT_EXACT(stats_rwg_compute(10, 0.0, 5), 1.0, "full agreement");
    ASSERT_EXACT(stats_rwg_compute(10, sqrt(3.0), 5), 0.0, "1 - 3/2 clamped");
    /* A = 7: sigma2_EU = 48/12 = 4; sd 1.5 -> 1 - 2.25/4 = 0.4375. */
    ASSERT_EXACT(stats_rwg_compute(4, 1.5, 7), 0.4375, "A=7");
    /* From raw answers {4,4,5,3,4}: var = 2/4 = 0.5 -> 1 - 0.5/2 = 0.75. */
    double ans[] = {4, 4, 5, 3, 4};
    stats_summary s;
    stats_summary_compute(ans, 5, &s);
    ASSERT_REL(stats_rwg_compute(s.n, s.sd, 5), 0.75, TOL_ARITH, "raw answers");
    ASSERT_NAN(stats_rwg_compute(1, 0.0, 5), "n<2");
    ASSERT_NAN(stats_rwg_compute(10, 1.0, 1), "A<2");
    ASSERT_NAN(stats_rwg_compute(10, NAN, 5), "sd NAN");
    ASSERT_NAN(stats_rwg_compute(10, -1.0, 5), "sd<0");
}

Test(helpers, clip)
{
    ASSERT_EXACT(stats_clip(103.4, 0, 100), 100.0, "above");
    ASSERT_EXACT(stats_clip(-2.28, 0, 100), 0.0, "below");
    ASSERT_EXACT(stats_clip(42.5, 0, 100), 42.5, "inside");
    ASSERT_NAN(stats_clip(NAN, 0, 100), "NAN stays NAN");
}

/* Wilson score interval. Published values: Newcombe (1998), "Two-sided
 * confidence intervals for the single proportion: comparison of seven
 * methods", Statistics in Medicine 17:857-872, table II, method 3 (score
 * method without continuity correction), to 4 decimals. The 17-digit
 * values are mpmath's (40 digits): the two roots of (x/n - p)^2 =
 * z^2 p (1 - p) / n found by bisection, z from the normal tail by root
 * finding (tests/fixtures/analysis_reference.py, wilson()), so they check
 * the closed form of stats.c against the definition of the interval. */
Test(wilson, published_and_mpmath_values)
{
    static const struct {
        size_t x, n;
        double lo4, hi4; /* Newcombe, 4 decimals */
        double lo, hi;   /* mpmath */
    } cases[] = {
        {81, 263, 0.2553, 0.3662, 0.25528851987827422577, 0.36620957698280007015},
        {15, 148, 0.0624, 0.1605, 0.062386399530736279792, 0.16048724172330803892},
        {0, 20, 0.0, 0.1611, 0.0, 0.16112515805281938715},
        {1, 29, 0.0061, 0.1718, 0.0061132142927626605164, 0.17175521879320288131},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double lo, hi;
        cr_assert_eq(stats_wilson_ci95(cases[i].x, cases[i].n, &lo, &hi), 0);
        cr_assert(fabs(lo - cases[i].lo4) <= 0.00005 && fabs(hi - cases[i].hi4) <= 0.00005,
                  "%zu/%zu: [%.4f, %.4f] against Newcombe's [%.4f, %.4f]", cases[i].x, cases[i].n,
                  lo, hi, cases[i].lo4, cases[i].hi4);
        ASSERT_REL(lo, cases[i].lo, TOL_ARITH, "lo");
        ASSERT_REL(hi, cases[i].hi, TOL_ARITH, "hi");
    }
    /* all correct: the upper bound is exactly 1, the lower n / (n + z^2) */
    double lo, hi;
    cr_assert_eq(stats_wilson_ci95(5, 5, &lo, &hi), 0);
    ASSERT_EXACT(hi, 1.0, "5/5 hi");
    ASSERT_REL(lo, 0.56551753521682517986, TOL_ARITH, "5/5 lo");
    cr_assert_eq(stats_wilson_ci95(0, 7, &lo, &hi), 0);
    ASSERT_EXACT(lo, 0.0, "0/7 lo: exactly 0, not rounding noise");
}

/* For every x of every n up to 60 the bounds satisfy the score equation
 * (p-hat - p)^2 = z^2 p (1 - p) / n, lie in [0, 1] and contain p-hat. */
Test(wilson, bounds_solve_the_score_equation)
{
    double z2 = STATS_Z975 * STATS_Z975;
    for (size_t n = 1; n <= 60; n++)
        for (size_t x = 0; x <= n; x++) {
            double lo, hi, ph = (double)x / (double)n;
            cr_assert_eq(stats_wilson_ci95(x, n, &lo, &hi), 0);
            cr_assert(lo >= 0 && lo <= ph && ph <= hi && hi <= 1, "%zu/%zu", x, n);
            double b[2] = {lo, hi};
            for (int k = 0; k < 2; k++) {
                if ((k == 0 && x == 0) || (k == 1 && x == n)) continue; /* the bound is p-hat */
                double lhs = (ph - b[k]) * (ph - b[k]), rhs = z2 * b[k] * (1 - b[k]) / (double)n;
                ASSERT_REL(lhs, rhs, 1e-12, "score equation");
            }
        }
}

Test(wilson, bad_arguments)
{
    double lo = 0, hi = 0;
    cr_assert_eq(stats_wilson_ci95(0, 0, &lo, &hi), -1, "n = 0");
    ASSERT_NAN(lo, "lo");
    ASSERT_NAN(hi, "hi");
    cr_assert_eq(stats_wilson_ci95(4, 3, &lo, &hi), -1, "x > n");
    cr_assert_eq(stats_wilson_ci95(1, 3, NULL, &hi), -1, "NULL");
}

/* Carry: the example of stats.h. first {9, 80, 10}, last {16, 40, 20}:
 * carry = 100 * 40 / 80 = 50; se = sqrt(20^2 / (16 * 40^2) + 10^2 / (9 *
 * 80^2)) = sqrt(1/64 + 1/576) = sqrt(10/576) = 0.13176156917368247217 and
 * 50 exp(-/+ z se) = [38.620185310824457771, 64.732988199808054853]
 * (mpmath, 40 digits). */
Test(carry, log_scale_interval)
{
    stats_summary f, l;
    stats_summary_from_sd(9, 80, 10, &f);
    stats_summary_from_sd(16, 40, 20, &l);
    stats_carry c;
    cr_assert_eq(stats_carry_compute(&f, &l, &c), 0);
    ASSERT_EXACT(c.carry, 50.0, "carry");
    ASSERT_REL(c.se_log, 0.13176156917368247217, TOL_ARITH, "se_log");
    ASSERT_REL(c.ci95_low, 38.620185310824457771, TOL_ARITH, "low");
    ASSERT_REL(c.ci95_high, 64.732988199808054853, TOL_ARITH, "high");
    /* the interval is symmetric on the log scale: low * high = carry^2 */
    ASSERT_REL(c.ci95_low * c.ci95_high, 2500.0, TOL_ARITH, "geometric symmetry");
}

Test(carry, not_computable_cases)
{
    stats_summary f, l, one;
    stats_carry c;
    stats_summary_from_sd(9, 0, 0, &f); /* first mean 0: no ratio */
    stats_summary_from_sd(16, 40, 20, &l);
    cr_assert_eq(stats_carry_compute(&f, &l, &c), 0);
    ASSERT_NAN(c.carry, "carry");
    ASSERT_NAN(c.ci95_low, "low");
    stats_summary_from_sd(9, 80, 10, &f);
    stats_summary_from_sd(16, 0, 0, &l); /* last mean 0: carry 0, no log */
    cr_assert_eq(stats_carry_compute(&f, &l, &c), 0);
    ASSERT_EXACT(c.carry, 0.0, "carry 0");
    ASSERT_NAN(c.se_log, "se");
    ASSERT_NAN(c.ci95_high, "high");
    stats_summary_from_sd(1, 40, NAN, &one); /* n < 2 */
    cr_assert_eq(stats_carry_compute(&f, &one, &c), 0);
    ASSERT_EXACT(c.carry, 50.0, "carry with n 1");
    ASSERT_NAN(c.ci95_low, "no interval with n 1");
    cr_assert_eq(stats_carry_compute(NULL, &l, &c), -1);
    ASSERT_NAN(c.carry, "NULL first");
}

Test(helpers, normalise)
{
    ASSERT_EXACT(stats_likert_normalise(1, 5), 0.0, "likert min");
    ASSERT_EXACT(stats_likert_normalise(4, 5), 75.0, "likert 4/5");
    ASSERT_EXACT(stats_likert_normalise(5, 5), 100.0, "likert max");
    ASSERT_REL(stats_likert_normalise(3, 7), 100.0 / 3, TOL_ARITH, "likert 3/7");
    ASSERT_NAN(stats_likert_normalise(0, 5), "below scale");
    ASSERT_NAN(stats_likert_normalise(6, 5), "above scale");
    ASSERT_NAN(stats_likert_normalise(1, 1), "A<2");
    ASSERT_NAN(stats_likert_normalise(NAN, 5), "NAN");
    ASSERT_EXACT(stats_grade_normalise(1), 0.0, "grade 1");
    ASSERT_EXACT(stats_grade_normalise(10), 100.0, "grade 10");
    ASSERT_EXACT(stats_grade_normalise(5.5), 50.0, "grade 5.5");
    ASSERT_REL(stats_grade_normalise(7), 200.0 / 3, TOL_ARITH, "grade 7");
    ASSERT_NAN(stats_grade_normalise(0.5), "grade < 1");
    ASSERT_NAN(stats_grade_normalise(11), "grade > 10");
}

/* ------------------------------------------------------------------------ */
/* Thermometer                                                              */
/* ------------------------------------------------------------------------ */

static stats_thermometer thermo(const double *m, size_t n)
{
    stats_thermometer t;
    cr_assert(stats_thermometer_compute(m, n, STATS_BAND_GOED_DEFAULT, STATS_BAND_AANDACHT_DEFAULT,
                                        &t) == 0);
    return t;
}

Test(thermometer, grade_rounds_half_away_from_zero)
{
    /* means {55, 45}: level 50, spread 10, T = 50 - 5 = 45;
     * grade = 1 + 9*45/100 = 5.05 exactly -> 5.1 (half away from zero;
     * banker's rounding or a naive binary 5.05 would give 5.0). */
    double m[] = {55, 45};
    stats_thermometer t = thermo(m, 2);
    cr_assert(t.layers == 2);
    ASSERT_EXACT(t.level, 50.0, "level");
    ASSERT_EXACT(t.spread, 10.0, "spread");
    ASSERT_EXACT(t.temperature, 45.0, "temperature");
    ASSERT_EXACT(t.grade, 5.1, "grade 5.05 -> 5.1");
    cr_assert(t.band == STATS_BAND_ZORG);

    /* Every exact x.x5 grade: 1 + 9T/100 = m + 0.05 with T = 10j + 5,
     * grade = 1.45 + 0.9j -> rounds up to (15 + 9j)/10 (integer arithmetic). */
    for (int j = 0; j <= 9; j++) {
        double one = 10.0 * j + 5.0;
        t = thermo(&one, 1);
        cr_assert(t.grade == (15.0 + 9.0 * j) / 10.0, "T = %g: grade %.17g, expected %.17g", one,
                  t.grade, (15.0 + 9.0 * j) / 10.0);
    }
}

Test(thermometer, band_boundaries_at_70_and_55)
{
    double m70[] = {70, 70}; /* T = 70 exactly -> goed; grade 7.3 */
    stats_thermometer t = thermo(m70, 2);
    ASSERT_EXACT(t.temperature, 70.0, "T 70");
    cr_assert(t.band == STATS_BAND_GOED, "70 is goed");
    ASSERT_EXACT(t.grade, 7.3, "grade 7.3");
    cr_assert_str_eq(stats_band_key(t.band), "goed");

    double m55[] = {55}; /* T = 55 -> aandacht; grade 5.95 -> 6.0 */
    t = thermo(m55, 1);
    cr_assert(t.band == STATS_BAND_AANDACHT, "55 is aandacht");
    ASSERT_EXACT(t.grade, 6.0, "grade 6.0");
    cr_assert_str_eq(stats_band_key(t.band), "aandacht");

    /* The next double below each bound falls in the lower band. */
    cr_assert(stats_band_classify(nextafter(70.0, 0.0), 70, 55) == STATS_BAND_AANDACHT);
    cr_assert(stats_band_classify(nextafter(55.0, 0.0), 70, 55) == STATS_BAND_ZORG);
    cr_assert_str_eq(stats_band_key(STATS_BAND_ZORG), "zorg");
    cr_assert(stats_band_key(STATS_BAND_NONE) == NULL);
    cr_assert(stats_band_key((stats_band)99) == NULL);
    cr_assert(stats_band_classify(NAN, 70, 55) == STATS_BAND_NONE);

    /* Instrument-specific bounds. */
    stats_thermometer u;
    double m75[] = {75};
    cr_assert(stats_thermometer_compute(m75, 1, 80, 60, &u) == 0);
    cr_assert(u.band == STATS_BAND_AANDACHT);
}

Test(thermometer, nan_layers_clamp_and_empty)
{
    /* NAN (suppressed) layer skipped: {75, 65}: level 70, spread 10, T 65,
     * grade 1 + 5.85 = 6.85 -> 6.9, aandacht. */
    double m[] = {75, NAN, 65};
    stats_thermometer t = thermo(m, 3);
    cr_assert(t.layers == 2);
    ASSERT_EXACT(t.temperature, 65.0, "T");
    ASSERT_EXACT(t.grade, 6.9, "grade 6.85 -> 6.9");
    cr_assert(t.band == STATS_BAND_AANDACHT);

    double lo[] = {100, 0}; /* level 50, spread 100 -> -0 -> clamp 0 */
    t = thermo(lo, 2);
    ASSERT_EXACT(t.temperature, 0.0, "clamp low");
    ASSERT_EXACT(t.grade, 1.0, "grade 1.0");
    cr_assert(t.band == STATS_BAND_ZORG);

    double hi[] = {120, 110}; /* level 115, spread 10 -> 110 -> clamp 100 */
    t = thermo(hi, 2);
    ASSERT_EXACT(t.temperature, 100.0, "clamp high");
    ASSERT_EXACT(t.grade, 10.0, "grade 10.0");

    double none[] = {NAN, NAN};
    t = thermo(none, 2);
    cr_assert(t.layers == 0);
    ASSERT_NAN(t.level, "no layers level");
    ASSERT_NAN(t.temperature, "no layers temperature");
    ASSERT_NAN(t.grade, "no layers grade");
    cr_assert(t.band == STATS_BAND_NONE);
    t = thermo(NULL, 0);
    cr_assert(t.layers == 0 && t.band == STATS_BAND_NONE);
}

Test(thermometer, bad_arguments)
{
    stats_thermometer t;
    double m[] = {60, INFINITY};
    cr_assert(stats_thermometer_compute(m, 2, 70, 55, &t) == -1);
    ASSERT_NAN(t.temperature, "NAN on error");
    cr_assert(t.band == STATS_BAND_NONE);
    cr_assert(stats_thermometer_compute(m, 1, 55, 70, &t) == -1); /* swapped */
    cr_assert(stats_thermometer_compute(m, 1, NAN, 55, &t) == -1);
    cr_assert(stats_thermometer_compute(NULL, 1, 70, 55, &t) == -1);
    cr_assert(stats_thermometer_compute(m, 1, 70, 55, NULL) == -1);
}

/* ------------------------------------------------------------------------ */
/* Benchmark helpers                                                        */
/* ------------------------------------------------------------------------ */

Test(benchmark, median)
{
    double a[] = {3, NAN, 1, 4, 2};
    ASSERT_EXACT(stats_median_compute(a, 5), 2.5, "even count: (2+3)/2");
    /* Documented side effect: sorted non-NAN front, NAN at the back. */
    ASSERT_EXACT(a[0], 1.0, "sorted");
    ASSERT_EXACT(a[3], 4.0, "sorted");
    ASSERT_NAN(a[4], "NAN moved back");
    double b[] = {5, 1, 3};
    ASSERT_EXACT(stats_median_compute(b, 3), 3.0, "odd count");
    double c[] = {7};
    ASSERT_EXACT(stats_median_compute(c, 1), 7.0, "single");
    double d[] = {NAN, NAN};
    ASSERT_NAN(stats_median_compute(d, 2), "all NAN");
    ASSERT_NAN(stats_median_compute(c, 0), "n=0");
    ASSERT_NAN(stats_median_compute(NULL, 3), "NULL");
    double e[] = {-DBL_MAX, DBL_MAX, DBL_MAX, DBL_MAX};
    ASSERT_EXACT(stats_median_compute(e, 4), DBL_MAX, "no overflow");
}

Test(benchmark, percentile_rank)
{
    double o[] = {1, 2, 3, 4};
    /* 1 below, ... : value 3 -> below 2, equal 1 -> 100 * 2.5 / 4 */
    ASSERT_EXACT(stats_percentile_rank(3, o, 4), 62.5, "mean rank");
    ASSERT_EXACT(stats_percentile_rank(0, o, 4), 0.0, "below all");
    ASSERT_EXACT(stats_percentile_rank(9, o, 4), 100.0, "above all");
    ASSERT_EXACT(stats_percentile_rank(2.5, o, 4), 50.0, "between");
    double t[] = {2, 2, NAN};
    ASSERT_EXACT(stats_percentile_rank(2, t, 3), 50.0, "all tied, NAN skipped");
    ASSERT_NAN(stats_percentile_rank(NAN, o, 4), "value NAN");
    double n2[] = {NAN};
    ASSERT_NAN(stats_percentile_rank(1, n2, 1), "no others");
    ASSERT_NAN(stats_percentile_rank(1, o, 0), "n=0");
    ASSERT_NAN(stats_percentile_rank(1, NULL, 4), "NULL");
}
