/* stats.c -- statistics for the gap analysis (see stats.h for the API).
 *
 * Implementation notes
 * --------------------
 * Accuracy. Every mean/variance computation works on data shifted to a local
 * origin: for an array the first value, for an accumulator the first value
 * added, for an ANOVA the origin of the first non-empty group. When the data
 * share their leading digits (NIST NumAcc2-4, SmLs04-09) the shifted values
 * x - origin are exact (Sterbenz lemma) and small, so the remaining work is
 * done on numbers without the constant leading digits. Arrays then use the
 * two-pass algorithm with a correction term (Chan, Golub & LeVeque 1983):
 *   d = sum(y)/n;  c = sum(y - d);  M2 = sum((y-d)^2) - c^2/n;  mean = d + c/n
 * with compensated (Neumaier) sums, and accumulators use Welford's update,
 * merged with Chan et al.'s pairwise formula.
 *
 * GSL. The cdf functions are only called with finite statistics and finite,
 * positive degrees of freedom; gsl_cdf_tdist_Pinv is only called for
 * P = 0.975 and df >= 0.5, for which it converges for every df checked from
 * 0.5 to 1e300 (it fails below df ~ 0.0085).
 * So GSL's error handler is never invoked and is left alone.
 */
#include "reports/analysis/stats.h"

#if defined(__FAST_MATH__)
#error "stats.c needs IEEE semantics (NAN tests, compensated sums): no -ffast-math"
#endif

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* ------------------------------------------------------------------------ */
/* Small internal helpers                                                   */
/* ------------------------------------------------------------------------ */

static void summary_set_nan(stats_summary *out, size_t n)
{
    out->n = n;
    out->mean = NAN;
    out->sd = NAN;
    out->ci95_low = NAN;
    out->ci95_high = NAN;
}

/* Fill *out from n, mean and the standard deviation sd (sd ignored when
 * n < 2). */
static void summary_fill(stats_summary *out, size_t n, double mean, double sd)
{
    summary_set_nan(out, n);
    if (n == 0) return;
    out->mean = mean;
    if (n < 2) return;
    out->sd = sd;
    double half = stats_t_crit975((double)(n - 1)) * out->sd / sqrt((double)n);
    out->ci95_low = mean - half;
    out->ci95_high = mean + half;
}

/* Compensated (Neumaier / Kahan-Babuska) running sum: the rounding error of
 * each addition is collected in comp, so the total is accurate to about one
 * rounding regardless of n. Valid because the project never builds with
 * -ffast-math (which would let the compiler cancel the compensation). */
typedef struct ksum {
    double sum;
    double comp;
} ksum;

static void ksum_add(ksum *k, double v)
{
    double t = k->sum + v;
    if (fabs(k->sum) >= fabs(v))
        k->comp += (k->sum - t) + v;
    else
        k->comp += (v - t) + k->sum;
    k->sum = t;
}

static double ksum_value(const ksum *k)
{
    return k->sum + k->comp;
}

/* Two-pass mean and M2 of x[0..n-1] (n >= 1) relative to origin, with the
 * correction term and compensated sums. *dmean receives mean(x - origin),
 * *m2 the sum of squared deviations from the mean. Returns -1 when a value
 * is not finite (outputs then untouched). */
static int two_pass(const double *x, size_t n, double origin, double *dmean, double *m2)
{
    ksum s = {0.0, 0.0};
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i])) return -1;
        ksum_add(&s, x[i] - origin);
    }
    double d = ksum_value(&s) / (double)n;
    ksum c = {0.0, 0.0}, q = {0.0, 0.0};
    for (size_t i = 0; i < n; i++) {
        double e = (x[i] - origin) - d;
        ksum_add(&c, e);
        ksum_add(&q, e * e);
    }
    double cv = ksum_value(&c);
    double m = ksum_value(&q) - cv * cv / (double)n;
    *m2 = m > 0.0 ? m : 0.0;
    *dmean = d + cv / (double)n;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Summary                                                                  */
/* ------------------------------------------------------------------------ */

int stats_summary_compute(const double *x, size_t n, stats_summary *out)
{
    if (out == NULL) return -1;
    summary_set_nan(out, n);
    if (n == 0) return 0;
    if (x == NULL) return -1;
    double dmean, m2;
    if (two_pass(x, n, x[0], &dmean, &m2) != 0) return -1;
    double sd = n > 1 ? sqrt(m2 / (double)(n - 1)) : NAN;
    summary_fill(out, n, x[0] + dmean, sd);
    return 0;
}

int stats_summary_from_moments(size_t n, double mean, double m2, stats_summary *out)
{
    if (out == NULL) return -1;
    summary_set_nan(out, n);
    if (n == 0) return 0;
    if (!isfinite(mean)) return -1;
    if (n >= 2 && !(isfinite(m2) && m2 >= 0.0)) return -1;
    double sd = n > 1 ? sqrt(m2 / (double)(n - 1)) : NAN;
    summary_fill(out, n, mean, sd);
    return 0;
}

int stats_summary_from_sd(size_t n, double mean, double sd, stats_summary *out)
{
    if (out == NULL) return -1;
    summary_set_nan(out, n);
    if (n == 0) return 0;
    if (!isfinite(mean)) return -1;
    if (n >= 2 && !(isfinite(sd) && sd >= 0.0)) return -1;
    summary_fill(out, n, mean, sd);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Accumulator                                                              */
/* ------------------------------------------------------------------------ */

void stats_acc_init(stats_acc *acc)
{
    acc->n = 0;
    acc->origin = 0.0;
    acc->dmean = 0.0;
    acc->m2 = 0.0;
}

int stats_acc_add(stats_acc *acc, double x)
{
    if (acc == NULL || !isfinite(x)) return -1;
    if (acc->n == 0) {
        acc->n = 1;
        acc->origin = x;
        acc->dmean = 0.0;
        acc->m2 = 0.0;
        return 0;
    }
    double y = x - acc->origin;
    acc->n++;
    double delta = y - acc->dmean;
    acc->dmean += delta / (double)acc->n;
    acc->m2 += delta * (y - acc->dmean);
    return 0;
}

int stats_acc_merge(stats_acc *acc, const stats_acc *other)
{
    if (acc == NULL || other == NULL) return -1;
    if (other->n == 0) return 0;
    if (acc->n == 0) {
        *acc = *other;
        return 0;
    }
    /* Copy first: other may alias acc. */
    size_t nb = other->n;
    double bmean = (other->origin - acc->origin) + other->dmean;
    double bm2 = other->m2;
    size_t na = acc->n;
    double n = (double)na + (double)nb;
    double delta = bmean - acc->dmean;
    acc->dmean += delta * ((double)nb / n);
    acc->m2 += bm2 + delta * delta * ((double)na * (double)nb / n);
    acc->n = na + nb;
    return 0;
}

int stats_acc_from_moments(stats_acc *acc, size_t n, double mean, double m2)
{
    if (acc == NULL) return -1;
    stats_acc_init(acc);
    if (n == 0) return 0;
    if (!isfinite(mean)) return -1;
    if (n == 1) m2 = 0.0;
    if (!(isfinite(m2) && m2 >= 0.0)) return -1;
    acc->n = n;
    acc->origin = mean;
    acc->m2 = m2;
    return 0;
}

int stats_acc_from_sd(stats_acc *acc, size_t n, double mean, double sd)
{
    if (n < 2) return stats_acc_from_moments(acc, n, mean, 0.0);
    if (!(isfinite(sd) && sd >= 0.0)) {
        if (acc != NULL) stats_acc_init(acc);
        return -1;
    }
    return stats_acc_from_moments(acc, n, mean, sd * sd * (double)(n - 1));
}

double stats_acc_mean(const stats_acc *acc)
{
    if (acc == NULL || acc->n == 0) return NAN;
    return acc->origin + acc->dmean;
}

int stats_summary_from_acc(const stats_acc *acc, stats_summary *out)
{
    if (out == NULL) return -1;
    if (acc == NULL) {
        summary_set_nan(out, 0);
        return -1;
    }
    summary_fill(out, acc->n, stats_acc_mean(acc),
                 acc->n > 1 ? sqrt(acc->m2 / (double)(acc->n - 1)) : NAN);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Welch                                                                    */
/* ------------------------------------------------------------------------ */

static void welch_set_nan(stats_welch *out)
{
    out->diff = NAN;
    out->se = NAN;
    out->t = NAN;
    out->df = NAN;
    out->p = NAN;
    out->g = NAN;
    out->ci95_low = NAN;
    out->ci95_high = NAN;
}

/* A summary side is valid when its mean is finite (n >= 1) and its sd finite
 * and non-negative (n >= 2). */
static int welch_side_ok(const stats_summary *s)
{
    if (s->n >= 1 && !isfinite(s->mean)) return 0;
    if (s->n >= 2 && !(isfinite(s->sd) && s->sd >= 0.0)) return 0;
    return 1;
}

int stats_welch_compute(const stats_summary *upper, const stats_summary *lower, stats_welch *out)
{
    if (out == NULL) return -1;
    welch_set_nan(out);
    if (upper == NULL || lower == NULL) return -1;
    if (!welch_side_ok(upper) || !welch_side_ok(lower)) return -1;

    size_t n1 = upper->n, n2 = lower->n;
    if (n1 >= 1 && n2 >= 1) out->diff = upper->mean - lower->mean;
    if (n1 < 2 || n2 < 2) return 0;

    double s1 = upper->sd, s2 = lower->sd;
    double v1 = s1 * s1 / (double)n1;
    double v2 = s2 * s2 / (double)n2;
    double v = v1 + v2;
    out->se = sqrt(v);
    if (!(out->se > 0.0)) return 0;

    double w1 = v1 / v, w2 = v2 / v;
    double df = 1.0 / (w1 * w1 / (double)(n1 - 1) + w2 * w2 / (double)(n2 - 1));
    double t = out->diff / out->se;
    if (!isfinite(t) || !(df > 0.0)) return 0; /* overflow guard */
    out->t = t;
    out->df = df;

    double p = 2.0 * gsl_cdf_tdist_Q(fabs(t), df);
    out->p = p > 1.0 ? 1.0 : p;

    double half = stats_t_crit975(df) * out->se;
    out->ci95_low = out->diff - half;
    out->ci95_high = out->diff + half;

    double sp2 = ((double)(n1 - 1) * s1 * s1 + (double)(n2 - 1) * s2 * s2) / (double)(n1 + n2 - 2);
    double sp = sqrt(sp2);
    if (sp > 0.0) {
        double j = 1.0 - 3.0 / (4.0 * (double)(n1 + n2) - 9.0);
        out->g = j * (out->diff / sp);
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Holm-Bonferroni                                                          */
/* ------------------------------------------------------------------------ */

typedef struct holm_item {
    double p;
    size_t idx;
} holm_item;

/* Ascending by p, ties by original index: a total order, so qsort's lack of
 * stability does not matter. */
static int holm_cmp(const void *a, const void *b)
{
    const holm_item *x = a, *y = b;
    if (x->p < y->p) return -1;
    if (x->p > y->p) return 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

int stats_holm_adjust(const double *p, size_t m, double *adj)
{
    if (m == 0) return 0;
    if (p == NULL || adj == NULL) return -1;

    size_t mm = 0;
    for (size_t i = 0; i < m; i++) {
        if (isnan(p[i])) continue;
        if (!(p[i] >= 0.0 && p[i] <= 1.0)) return -1;
        mm++;
    }
    if (mm == 0) {
        for (size_t i = 0; i < m; i++)
            adj[i] = NAN;
        return 0;
    }
    if (mm > SIZE_MAX / sizeof(holm_item)) return -1;
    holm_item *it = malloc(mm * sizeof *it);
    if (it == NULL) return -1;

    size_t j = 0;
    for (size_t i = 0; i < m; i++) {
        if (isnan(p[i])) continue;
        it[j].p = p[i];
        it[j].idx = i;
        j++;
    }
    qsort(it, mm, sizeof *it, holm_cmp);

    /* All reads of p are done: from here on adj may alias p. */
    for (size_t i = 0; i < m; i++)
        if (isnan(p[i])) adj[i] = NAN;
    double run = 0.0;
    for (size_t r = 0; r < mm; r++) {
        double a = (double)(mm - r) * it[r].p; /* (m' - j + 1) p_(j), j = r+1 */
        if (a > 1.0) a = 1.0;
        if (a > run) run = a;
        adj[it[r].idx] = run;
    }
    free(it);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* ANOVA                                                                    */
/* ------------------------------------------------------------------------ */

static void anova_set_nan(stats_anova *out)
{
    out->k = 0;
    out->n = 0;
    out->df1 = NAN;
    out->df2 = NAN;
    out->ss_between = NAN;
    out->ss_within = NAN;
    out->ss_total = NAN;
    out->ms_between = NAN;
    out->ms_within = NAN;
    out->f = NAN;
    out->p = NAN;
    out->eta2 = NAN;
    out->resid_sd = NAN;
}

/* One group as seen by anova_core(): n, mean relative to a common origin,
 * M2. */
typedef struct anova_group {
    size_t n;
    double cmean;
    double m2;
} anova_group;

/* Source of groups for anova_core(): fetch group i into *g (relative to the
 * common origin chosen by the source). Returns -1 on bad data. */
typedef int (*anova_fetch)(const void *ctx, size_t i, anova_group *g);

/* The ANOVA proper, shared by the raw and accumulator variants. Two sweeps
 * over the groups: grand mean (with correction term), then the sums of
 * squares. Groups are fetched twice, which for raw data means recomputing
 * the group means; that keeps the raw variant allocation-free. */
static int anova_core(const void *ctx, anova_fetch fetch, size_t k, stats_anova *out)
{
    anova_group g;
    size_t groups = 0, n = 0;
    double s = 0.0;
    for (size_t i = 0; i < k; i++) {
        if (fetch(ctx, i, &g) != 0) return -1;
        if (g.n == 0) continue;
        groups++;
        n += g.n;
        s += (double)g.n * g.cmean;
    }
    out->k = groups;
    out->n = n;
    if (groups == 0) return 0;

    double grand = s / (double)n;
    double c = 0.0;
    for (size_t i = 0; i < k; i++) {
        if (fetch(ctx, i, &g) != 0) return -1;
        if (g.n > 0) c += (double)g.n * (g.cmean - grand);
    }
    grand += c / (double)n;

    double ssb = 0.0, ssw = 0.0;
    for (size_t i = 0; i < k; i++) {
        if (fetch(ctx, i, &g) != 0) return -1;
        if (g.n == 0) continue;
        double d = g.cmean - grand;
        ssb += (double)g.n * d * d;
        ssw += g.m2;
    }
    out->ss_between = ssb;
    out->ss_within = ssw;
    out->ss_total = ssb + ssw;
    if (groups < 2) return 0;

    out->df1 = (double)(groups - 1);
    out->df2 = (double)(n - groups);
    out->ms_between = ssb / out->df1;
    if (out->ss_total > 0.0) out->eta2 = ssb / out->ss_total;
    if (n - groups < 1) return 0;
    out->ms_within = ssw / out->df2;
    out->resid_sd = sqrt(out->ms_within);
    if (!(ssw > 0.0)) return 0;
    out->f = out->ms_between / out->ms_within;
    if (isfinite(out->f)) out->p = gsl_cdf_fdist_Q(out->f, out->df1, out->df2);
    return 0;
}

/* Accumulator source: origin of the first non-empty group is common. */
typedef struct acc_src {
    const stats_acc *groups;
    double origin;
} acc_src;

static int acc_fetch(const void *ctx, size_t i, anova_group *g)
{
    const acc_src *src = ctx;
    const stats_acc *a = &src->groups[i];
    g->n = a->n;
    g->cmean = 0.0;
    g->m2 = 0.0;
    if (a->n == 0) return 0;
    if (!isfinite(a->origin) || !isfinite(a->dmean)) return -1;
    if (!(isfinite(a->m2) && a->m2 >= 0.0)) return -1;
    g->cmean = (a->origin - src->origin) + a->dmean;
    g->m2 = a->m2;
    return 0;
}

int stats_anova_from_accs(const stats_acc *groups, size_t k, stats_anova *out)
{
    if (out == NULL) return -1;
    anova_set_nan(out);
    if (k > 0 && groups == NULL) return -1;
    acc_src src = {groups, 0.0};
    for (size_t i = 0; i < k; i++) {
        if (groups[i].n > 0) {
            src.origin = groups[i].origin;
            break;
        }
    }
    if (anova_core(&src, acc_fetch, k, out) != 0) {
        anova_set_nan(out);
        return -1;
    }
    return 0;
}

/* Raw-data source: origin is the first value of the first non-empty group. */
typedef struct raw_src {
    const double *const *groups;
    const size_t *sizes;
    double origin;
} raw_src;

static int raw_fetch(const void *ctx, size_t i, anova_group *g)
{
    const raw_src *src = ctx;
    g->n = src->sizes[i];
    g->cmean = 0.0;
    g->m2 = 0.0;
    if (g->n == 0) return 0;
    if (src->groups[i] == NULL) return -1;
    return two_pass(src->groups[i], g->n, src->origin, &g->cmean, &g->m2);
}

int stats_anova_compute(const double *const *groups, const size_t *sizes, size_t k,
                        stats_anova *out)
{
    if (out == NULL) return -1;
    anova_set_nan(out);
    if (k > 0 && (groups == NULL || sizes == NULL)) return -1;
    raw_src src = {groups, sizes, 0.0};
    for (size_t i = 0; i < k; i++) {
        if (sizes[i] > 0) {
            if (groups[i] == NULL) return -1;
            src.origin = groups[i][0];
            break;
        }
    }
    if (!isfinite(src.origin) || anova_core(&src, raw_fetch, k, out) != 0) {
        anova_set_nan(out);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Scalar helpers                                                           */
/* ------------------------------------------------------------------------ */

double stats_t_crit975(double df)
{
    /* Below df ~ 0.0085 gsl_cdf_tdist_Pinv fails to converge and calls the
     * (aborting) GSL error handler; 0.5 keeps a wide margin and is far below
     * any df this module produces (Welch df >= min(n1, n2) - 1 >= 1). */
    if (isnan(df) || df < 0.5) return NAN;
    if (isinf(df)) return gsl_cdf_ugaussian_Pinv(0.975);
    return gsl_cdf_tdist_Pinv(0.975, df);
}

double stats_rwg_compute(size_t n, double sd, unsigned scale_points)
{
    if (n < 2 || scale_points < 2) return NAN;
    if (!(isfinite(sd) && sd >= 0.0)) return NAN;
    double a = (double)scale_points;
    double eu = (a * a - 1.0) / 12.0;
    double r = 1.0 - sd * sd / eu;
    if (r < 0.0) r = 0.0;
    if (r > 1.0) r = 1.0;
    return r;
}

double stats_likert_normalise(double x, unsigned scale_points)
{
    if (scale_points < 2) return NAN;
    double a = (double)scale_points;
    if (!(x >= 1.0 && x <= a)) return NAN; /* also rejects NAN */
    return 100.0 * (x - 1.0) / (a - 1.0);
}

double stats_grade_normalise(double x)
{
    if (!(x >= 1.0 && x <= 10.0)) return NAN;
    return 100.0 * (x - 1.0) / 9.0;
}

double stats_clip(double x, double lo, double hi)
{
    if (x < lo) return lo;
    if (x > hi) return hi;
    return x; /* NAN fails both tests and stays NAN */
}

int stats_wilson_ci95(size_t x, size_t n, double *low, double *high)
{
    if (low) *low = NAN;
    if (high) *high = NAN;
    if (!low || !high || n == 0 || x > n) return -1;
    double nn = (double)n, p = (double)x / nn, z2 = STATS_Z975 * STATS_Z975;
    double denom = 1.0 + z2 / nn;
    double centre = (p + z2 / (2.0 * nn)) / denom;
    double half = STATS_Z975 * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / denom;
    /* At x = 0 (x = n) the lower (upper) bound is exactly 0 (1); the
     * subtraction would leave rounding noise such as 1e-17 there. */
    *low = x == 0 ? 0.0 : stats_clip(centre - half, 0.0, 1.0);
    *high = x == n ? 1.0 : stats_clip(centre + half, 0.0, 1.0);
    return 0;
}

int stats_carry_compute(const stats_summary *first, const stats_summary *last, stats_carry *out)
{
    if (out) *out = (stats_carry){NAN, NAN, NAN, NAN};
    if (!out || !first || !last || isnan(first->mean) || isnan(last->mean)) return -1;
    double mf = first->mean, ml = last->mean;
    if (mf != 0.0) out->carry = 100.0 * ml / mf;
    if (!(mf > 0.0 && ml > 0.0) || first->n < 2 || last->n < 2) return 0;
    if (!(isfinite(first->sd) && isfinite(last->sd))) return 0;
    double vf = first->sd * first->sd / ((double)first->n * mf * mf);
    double vl = last->sd * last->sd / ((double)last->n * ml * ml);
    out->se_log = sqrt(vl + vf);
    out->ci95_low = out->carry * exp(-STATS_Z975 * out->se_log);
    out->ci95_high = out->carry * exp(STATS_Z975 * out->se_log);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Thermometer                                                              */
/* ------------------------------------------------------------------------ */

static void thermometer_set_nan(stats_thermometer *out)
{
    out->layers = 0;
    out->level = NAN;
    out->spread = NAN;
    out->temperature = NAN;
    out->grade = NAN;
    out->band = STATS_BAND_NONE;
}

int stats_thermometer_compute(const double *means, size_t n, double goed_bound,
                              double aandacht_bound, stats_thermometer *out)
{
    if (out == NULL) return -1;
    thermometer_set_nan(out);
    if (n > 0 && means == NULL) return -1;
    if (!isfinite(goed_bound) || !isfinite(aandacht_bound) || aandacht_bound > goed_bound)
        return -1;

    size_t used = 0;
    double sum = 0.0, lo = 0.0, hi = 0.0;
    for (size_t i = 0; i < n; i++) {
        double m = means[i];
        if (isnan(m)) continue;
        if (isinf(m)) return -1;
        if (used == 0 || m < lo) lo = m;
        if (used == 0 || m > hi) hi = m;
        sum += m;
        used++;
    }
    if (used == 0) return 0;

    double level = sum / (double)used;
    double spread = hi - lo;
    double t = level - spread / 2.0;
    if (t < 0.0) t = 0.0;
    if (t > 100.0) t = 100.0;

    out->layers = used;
    out->level = level;
    out->spread = spread;
    out->temperature = t;
    out->grade = round(10.0 + 9.0 * t / 10.0) / 10.0;
    out->band = stats_band_classify(t, goed_bound, aandacht_bound);
    return 0;
}

stats_band stats_band_classify(double temperature, double goed_bound, double aandacht_bound)
{
    if (isnan(temperature)) return STATS_BAND_NONE;
    if (temperature >= goed_bound) return STATS_BAND_GOED;
    if (temperature >= aandacht_bound) return STATS_BAND_AANDACHT;
    return STATS_BAND_ZORG;
}

const char *stats_band_key(stats_band band)
{
    switch (band) {
    case STATS_BAND_GOED:
        return "goed";
    case STATS_BAND_AANDACHT:
        return "aandacht";
    case STATS_BAND_ZORG:
        return "zorg";
    case STATS_BAND_NONE:
    default:
        return NULL;
    }
}

/* ------------------------------------------------------------------------ */
/* Benchmark helpers                                                        */
/* ------------------------------------------------------------------------ */

static int double_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double stats_median_compute(double *x, size_t n)
{
    if (x == NULL) return NAN;
    /* Move NAN entries to the back (comparisons with NAN would break the
     * ordering qsort needs). */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i])) continue;
        double v = x[i];
        x[i] = x[m];
        x[m] = v;
        m++;
    }
    if (m == 0) return NAN;
    qsort(x, m, sizeof *x, double_cmp);
    if (m % 2 == 1) return x[m / 2];
    double a = x[m / 2 - 1], b = x[m / 2];
    double mid = (a + b) / 2.0; /* correctly rounded unless a + b overflows */
    return isfinite(mid) ? mid : a / 2.0 + b / 2.0;
}

double stats_percentile_rank(double value, const double *others, size_t n)
{
    if (isnan(value) || others == NULL) return NAN;
    size_t below = 0, equal = 0, m = 0;
    for (size_t i = 0; i < n; i++) {
        double o = others[i];
        if (isnan(o)) continue;
        m++;
        if (o < value)
            below++;
        else if (o == value)
            equal++;
    }
    if (m == 0) return NAN;
    return 100.0 * ((double)below + 0.5 * (double)equal) / (double)m;
}
