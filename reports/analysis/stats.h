/* stats.h -- statistics for the gap analysis of the
 * "Thermometer sociaal domein".
 *
 * This module implements the numbers defined in docs/method.md: per-layer
 * summaries (n, mean, sd, ci95), Welch gaps with Hedges g, Holm-Bonferroni
 * adjustment, one-way ANOVA, rwg, the 0-100 normalisations, the Wilson
 * interval of a share, the carry with its log-scale interval, the
 * thermometer (temperature, grade, band) and the benchmark helpers (median,
 * percentile rank).
 *
 * It is pure computation: no I/O, no printing, no HTTP/SQL/JSON, no global
 * state. GSL is used only for distribution functions (gsl_cdf_tdist_*,
 * gsl_cdf_fdist_Q, gsl_cdf_ugaussian_Pinv). Every call into GSL is guarded so
 * that GSL never sees an argument outside its domain, so GSL's default error
 * handler (which aborts) is never reached; callers need not change it.
 *
 * Conventions
 * -----------
 * - "Not computable" is NAN in the output structs (the JSON layer writes it as
 *   null). A statistic that cannot be computed is never reported as 0.
 * - Functions that can fail return int: 0 on success, -1 on bad arguments
 *   (NULL pointers, non-finite data, negative variances, p-values outside
 *   [0,1], ...) or, for stats_holm_adjust(), on allocation failure. When an
 *   output struct pointer is non-NULL it is always fully written, also on
 *   failure (every double field NAN then), so it never holds stale data.
 * - Helpers that cannot fail other than by "not computable" return a double
 *   that is NAN in that case.
 * - Nothing here allocates except stats_holm_adjust() (internal scratch,
 *   freed before it returns). No returned pointer ever needs freeing.
 * - Thread safety: all functions are reentrant (no static mutable state).
 *
 * Numerical accuracy
 * ------------------
 * Means and variances are computed on data shifted to a local origin (the
 * first value seen), which is exact for data of similar magnitude (Sterbenz),
 * and then either by two-pass with a correction term and compensated sums
 * (arrays) or by Welford's update / Chan et al.'s merge (accumulators). On the
 * NIST StRD data this code reproduces the exact statistics of the data as they
 * are represented in binary64 to within 1.1e-15 relative; see
 * tests/test_stats.c and tests/stats_README.md for the per-dataset figures.
 */
#ifndef STATS_H
#define STATS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Summary of a sample                                                      */
/* ------------------------------------------------------------------------ */

/* Summary of one sample: what the JSON calls {"n", "mean", "sd", "ci95"}.
 *   n         number of values
 *   mean      arithmetic mean; NAN when n == 0
 *   sd        standard deviation with n-1 denominator; NAN when n < 2
 *   ci95_low  mean - t(0.975, n-1) * sd / sqrt(n); NAN when n < 2
 *   ci95_high mean + t(0.975, n-1) * sd / sqrt(n); NAN when n < 2
 * With n >= 2 and all values equal, sd is 0 and ci95 = [mean, mean]. */
typedef struct stats_summary {
    size_t n;
    double mean;
    double sd;
    double ci95_low;
    double ci95_high;
} stats_summary;

/* Summarise the n values x[0..n-1] (two-pass with correction term, on data
 * shifted by x[0]).
 *
 * x may be NULL only when n == 0. All values must be finite.
 * Returns 0 on success; -1 when out is NULL, x is NULL with n > 0, or a value
 * is not finite (then *out has n set and every double NAN).
 *
 * Example:
 *   double x[] = {1, 2, 3, 4};
 *   stats_summary s;
 *   stats_summary_compute(x, 4, &s);
 *   // s.n == 4, s.mean == 2.5, s.sd == 1.2909944487358056 (sqrt(5/3)),
 *   // t(0.975, 3) = 3.18244630528371, so
 *   // [s.ci95_low, s.ci95_high] ~= [0.445739743239478, 4.554260256760522]
 */
int stats_summary_compute(const double *x, size_t n, stats_summary *out);

/* Build the summary from the moments of a sample: n values with the given
 * mean and M2 = sum of squared deviations from the mean (so that the sample
 * variance is M2/(n-1)).
 *
 * mean is ignored when n == 0 and m2 is ignored when n < 2 (they may be NAN
 * then). Otherwise mean must be finite and m2 finite and >= 0.
 * Returns 0 on success, -1 on bad arguments (out, if non-NULL, is then all
 * NAN with n set). */
int stats_summary_from_moments(size_t n, double mean, double m2, stats_summary *out);

/* Same as stats_summary_from_moments() but from the standard deviation sd
 * (n-1 denominator), e.g. a summary stored by an earlier wave.
 * sd is ignored when n < 2 (may be NAN); otherwise it must be finite, >= 0. */
int stats_summary_from_sd(size_t n, double mean, double sd, stats_summary *out);

/* ------------------------------------------------------------------------ */
/* Streaming accumulator (Welford; merge by Chan et al.)                    */
/* ------------------------------------------------------------------------ */

/* Running (n, mean, M2) of a stream of values, without storing them.
 *
 * The mean is kept relative to an origin (the first value added) for
 * accuracy: the mean of the data is origin + dmean. Read the fields freely;
 * change them only through the functions below. A zeroed struct
 * (stats_acc a = {0};) is a valid empty accumulator, as is one set up by
 * stats_acc_init().
 *   n      number of values added
 *   origin shift: the first value added (0 while n == 0)
 *   dmean  mean of (x - origin)
 *   m2     sum of squared deviations from the mean (>= 0)
 *
 * Example (per-layer accumulation, then the summary):
 *   stats_acc a;
 *   stats_acc_init(&a);
 *   for (each respondent r in the layer) stats_acc_add(&a, score[r]);
 *   stats_summary s;
 *   stats_summary_from_acc(&a, &s);
 */
typedef struct stats_acc {
    size_t n;
    double origin;
    double dmean;
    double m2;
} stats_acc;

/* Reset acc to the empty accumulator. acc must not be NULL. */
void stats_acc_init(stats_acc *acc);

/* Add one value x (Welford's update on x - origin).
 * Returns 0; -1 when acc is NULL or x is not finite (acc unchanged). */
int stats_acc_add(stats_acc *acc, double x);

/* Merge the values of other into acc (Chan, Golub & LeVeque's pairwise
 * update), as if every value added to other had been added to acc. acc keeps
 * its own origin (or takes other's when acc is empty). other is unchanged and
 * may be the same object as acc (acc then holds every value twice).
 * Returns 0; -1 when either pointer is NULL. */
int stats_acc_merge(stats_acc *acc, const stats_acc *other);

/* Set acc to represent n values with the given mean and M2 (sum of squared
 * deviations), e.g. to feed stored group summaries to stats_anova_from_accs().
 * mean is ignored when n == 0 and m2 when n == 1 (they may be NAN then), else
 * mean must be finite and m2 finite and >= 0.
 * Returns 0; -1 on bad arguments (acc, if non-NULL, is then emptied). */
int stats_acc_from_moments(stats_acc *acc, size_t n, double mean, double m2);

/* Same as stats_acc_from_moments() with m2 = sd^2 * (n-1); sd is ignored when
 * n < 2 (may be NAN), else it must be finite and >= 0. */
int stats_acc_from_sd(stats_acc *acc, size_t n, double mean, double sd);

/* Mean of the accumulated values (origin + dmean); NAN when acc is NULL or
 * empty. */
double stats_acc_mean(const stats_acc *acc);

/* Summary (n, mean, sd, ci95) of the accumulated values.
 * Returns 0; -1 when a pointer is NULL (out, if non-NULL, is then all NAN). */
int stats_summary_from_acc(const stats_acc *acc, stats_summary *out);

/* ------------------------------------------------------------------------ */
/* Welch gap between two layers                                             */
/* ------------------------------------------------------------------------ */

/* Gap between an upper layer (1) and a lower layer (2).
 *   diff      mean1 - mean2; NAN only when a side has n == 0
 *   se        sqrt(s1^2/n1 + s2^2/n2); NAN when n1 < 2 or n2 < 2 (may be 0)
 *   t         diff / se
 *   df        Welch-Satterthwaite degrees of freedom (real-valued)
 *   p         two-sided p-value from Student t(df), in [0,1]
 *   g         Hedges g = J * diff / s_p with J = 1 - 3/(4(n1+n2)-9)
 *   ci95_low  diff - t(0.975, df) * se
 *   ci95_high diff + t(0.975, df) * se
 * t, df, p, g and ci95 are NAN when n1 < 2, n2 < 2 or se == 0 (g also when
 * s_p == 0, which then implies se == 0). p_holm is not here: it is a property
 * of the family, see stats_holm_adjust(). */
typedef struct stats_welch {
    double diff;
    double se;
    double t;
    double df;
    double p;
    double g;
    double ci95_low;
    double ci95_high;
} stats_welch;

/* Compute the Welch gap between the summaries upper (1) and lower (2).
 * Only n, mean and sd of the summaries are read (ci95 is ignored).
 *
 * df is evaluated in the scale-free form
 *   df = 1 / (w1^2/(n1-1) + w2^2/(n2-1)),  wi = (si^2/ni) / (s1^2/n1 + s2^2/n2)
 * which equals se^4 / ((s1^2/n1)^2/(n1-1) + (s2^2/n2)^2/(n2-1)) but cannot
 * underflow or overflow. p = 2 * gsl_cdf_tdist_Q(|t|, df) (upper tail, so no
 * cancellation for huge |t|; it may underflow to 0), capped at 1.
 *
 * Returns 0; -1 when a pointer is NULL, a side with n >= 1 has a non-finite
 * mean, or a side with n >= 2 has an sd that is not finite or is negative
 * (out, if non-NULL, is then all NAN).
 *
 * Example: upper = {n 12, mean 71.2, sd 12.1}, lower = {n 9, mean 64.5,
 * sd 20.3} gives diff 6.7, se 7.61502535196772, t 0.879839487109353,
 * df 12.2013986678059, p 0.395944878790752, g 0.400225383445451 and
 * ci95 [-9.86139148650512, 23.2613914865051]. */
int stats_welch_compute(const stats_summary *upper, const stats_summary *lower, stats_welch *out);

/* ------------------------------------------------------------------------ */
/* Holm-Bonferroni                                                          */
/* ------------------------------------------------------------------------ */

/* Holm-Bonferroni adjusted p-values for a family of p-values.
 *
 * Input p[0..m-1]; NAN entries are not part of the family: they are skipped
 * and their adjusted value is NAN. With m' the number of non-NAN p-values and
 * p_(1) <= ... <= p_(m') those values sorted ascending (ties kept in index
 * order, so the result is deterministic), the adjusted value of p_(i) is
 *   max over j <= i of min(1, (m' - j + 1) * p_(j)),
 * i.e. monotone non-decreasing in the sorted order and capped at 1. Tied
 * p-values get equal adjusted values.
 *
 * adj[0..m-1] receives the adjusted values in the original order; adj may be
 * the same array as p (in-place). Allocates an internal scratch array of m'
 * entries, freed before returning.
 * Returns 0; -1 when p or adj is NULL with m > 0, a non-NAN p-value lies
 * outside [0,1], or allocation fails (adj is then left unchanged).
 *
 * Example: p = {0.01, 0.04, NAN, 0.03, 0.04} -> m' = 4,
 *          adj = {0.04, 0.09, NAN, 0.09, 0.09}. */
int stats_holm_adjust(const double *p, size_t m, double *adj);

/* ------------------------------------------------------------------------ */
/* One-way ANOVA                                                            */
/* ------------------------------------------------------------------------ */

/* Classical one-way ANOVA over k groups (the layers).
 *   k          number of groups with n >= 1 (empty groups are ignored)
 *   n          total number of values N
 *   df1, df2   k - 1 and N - k; NAN when k < 2 (df2 may be 0)
 *   ss_between sum_i n_i (mean_i - grand mean)^2; NAN when k == 0
 *   ss_within  sum_i M2_i; NAN when k == 0
 *   ss_total   ss_between + ss_within; NAN when k == 0
 *   ms_between ss_between / df1; NAN when k < 2
 *   ms_within  ss_within / df2; NAN when k < 2 or df2 < 1
 *   f          ms_between / ms_within; NAN when k < 2, df2 < 1 or
 *              ss_within == 0
 *   p          gsl_cdf_fdist_Q(f, df1, df2); NAN when f is NAN
 *   eta2       ss_between / ss_total (= R^2); NAN when k < 2 or ss_total == 0
 *              (defined, = 1, when ss_within == 0 < ss_between)
 *   resid_sd   sqrt(ms_within), the residual standard deviation; NAN when
 *              ms_within is NAN */
typedef struct stats_anova {
    size_t k;
    size_t n;
    double df1;
    double df2;
    double ss_between;
    double ss_within;
    double ss_total;
    double ms_between;
    double ms_within;
    double f;
    double p;
    double eta2;
    double resid_sd;
} stats_anova;

/* One-way ANOVA from per-group accumulators groups[0..k-1] (no raw data
 * needed): build them with stats_acc_add(), or from stored (n, mean, M2) or
 * (n, mean, sd) with stats_acc_from_moments() / stats_acc_from_sd().
 * Group means are compared on a common origin (that of the first non-empty
 * group) and the grand mean gets a correction pass, so data with many constant
 * leading digits (NIST SmLs07-09) lose no accuracy here.
 * groups may be NULL only when k == 0.
 * Returns 0; -1 when out is NULL, groups is NULL with k > 0, or a non-empty
 * group has a non-finite origin/dmean or a negative or non-finite m2 (out, if
 * non-NULL, is then all NAN with k = n = 0). */
int stats_anova_from_accs(const stats_acc *groups, size_t k, stats_anova *out);

/* One-way ANOVA from raw data: group i holds sizes[i] values groups[i][0..].
 * Two-pass per group (correction term, compensated sums) on data shifted by
 * the first value of the first non-empty group; no allocation. groups[i] may be NULL
 * when sizes[i] == 0. All values must be finite.
 * Returns 0; -1 when out, groups or sizes is NULL with k > 0, a group with
 * sizes[i] > 0 is NULL, or a value is not finite (out as for
 * stats_anova_from_accs()). */
int stats_anova_compute(const double *const *groups, const size_t *sizes, size_t k,
                        stats_anova *out);

/* ------------------------------------------------------------------------ */
/* Scalar helpers                                                           */
/* ------------------------------------------------------------------------ */

/* Two-sided 95% critical value of Student's t: t(0.975, df), via
 * gsl_cdf_tdist_Pinv. df may be real-valued (Welch). Returns
 * 1.959963984540054 (the normal quantile) for df == +inf. Returns NAN when df
 * is NAN or df < 0.5: such df never arise here (n - 1 >= 1, Welch df >= 1),
 * and for tiny df GSL's inverse fails to converge and would call its aborting
 * error handler. Example: stats_t_crit975(10) ~= 2.228138851986274. */
double stats_t_crit975(double df);

/* Within-group agreement of a likert item (James, Demaree & Wolf):
 *   rwg = 1 - s^2 / sigma2_EU,  sigma2_EU = (A^2 - 1) / 12,
 * clamped to [0, 1]. sd is the standard deviation (n-1 denominator) of the
 * raw answers on the 1..A scale (not the 0-100 normalised values), n the
 * number of numeric answers ("weet niet" excluded), A the scale points.
 * Returns NAN when n < 2, A < 2, or sd is NAN, infinite or negative.
 * Example: stats_rwg_compute(10, 1.0, 5) == 0.5 (sigma2_EU = 2). */
double stats_rwg_compute(size_t n, double sd, unsigned scale_points);

/* Likert answer x on a 1..A scale to 0-100: 100 * (x - 1) / (A - 1).
 * Returns NAN when A < 2 or x is NAN or outside [1, A].
 * Example: stats_likert_normalise(4, 5) == 75. */
double stats_likert_normalise(double x, unsigned scale_points);

/* Grade (Dutch report mark) x in 1..10 to 0-100: 100 * (x - 1) / 9.
 * Returns NAN when x is NAN or outside [1, 10].
 * Example: stats_grade_normalise(10) == 100. */
double stats_grade_normalise(double x);

/* The two-sided 95% quantile of the standard normal distribution, z(0.975),
 * as the method writes it (gsl_cdf_ugaussian_Pinv(0.975) gives the same
 * double). */
#define STATS_Z975 1.959963984540054

/* x clipped to [lo, hi]; NAN stays NAN. Example: stats_clip(103.4, 0, 100)
 * == 100. */
double stats_clip(double x, double lo, double hi);

/* Wilson score interval (95%) of a proportion: x successes of n trials,
 * p = x/n, z = STATS_Z975:
 *   centre = (p + z^2/(2n)) / (1 + z^2/n)
 *   half   = z * sqrt(p(1-p)/n + z^2/(4n^2)) / (1 + z^2/n)
 *   [low, high] = [centre - half, centre + half], clipped to [0, 1]
 * (the clip only removes rounding noise: the interval lies in [0, 1]; low
 * is exactly 0 when x = 0 and high exactly 1 when x = n). It
 * is the set of proportions that a two-sided score test at 5% does not
 * reject, so unlike mean +- t*sd/sqrt(n) it never leaves [0, 1] and is not
 * empty at p = 0 or 1.
 * Returns 0; -1 when a pointer is NULL, n == 0 or x > n (low and high, when
 * non-NULL, are then NAN).
 * Example (Newcombe 1998, Statistics in Medicine 17:857, method 3):
 * x = 81, n = 263 -> [0.2553, 0.3662]; x = 0, n = 20 -> [0, 0.1611]. */
int stats_wilson_ci95(size_t x, size_t n, double *low, double *high);

/* Carry-through: how much of the first layer's mean reaches the last.
 *   carry     100 * last.mean / first.mean; NAN when first.mean == 0
 *   se_log    standard error of log(carry) by the delta method:
 *             sqrt(s_l^2 / (n_l m_l^2) + s_f^2 / (n_f m_f^2))
 *   ci95_low  carry * exp(-STATS_Z975 * se_log)
 *   ci95_high carry * exp(+STATS_Z975 * se_log)
 * se_log and ci95 are NAN when a mean is 0 (or negative: the log is then
 * undefined) or a side has n < 2. The interval is not clipped: a lower layer
 * may score higher than the first (carry above 100). */
typedef struct stats_carry {
    double carry;
    double se_log;
    double ci95_low;
    double ci95_high;
} stats_carry;

/* Computes the carry from the first to the last layer's summary (n, mean,
 * sd are read). Returns 0; -1 when a pointer is NULL or a mean is NAN (out,
 * if non-NULL, is then all NAN).
 * Example: first {n 9, mean 80, sd 10}, last {n 16, mean 40, sd 20} gives
 * carry 50, se_log = sqrt(400/(16*1600) + 100/(9*6400)) = 0.1317615691736825,
 * ci95 = 50 * exp(-+1.959963984540054 * se_log) = [38.62018531082446,
 * 64.73298819980805]. */
int stats_carry_compute(const stats_summary *first, const stats_summary *last, stats_carry *out);

/* ------------------------------------------------------------------------ */
/* Thermometer                                                              */
/* ------------------------------------------------------------------------ */

/* Band of a thermometer; STATS_BAND_NONE when the temperature is not
 * computable (the JSON layer writes null). */
typedef enum stats_band {
    STATS_BAND_NONE = 0,
    STATS_BAND_GOED,
    STATS_BAND_AANDACHT,
    STATS_BAND_ZORG
} stats_band;

/* Default band bounds from docs/method.md (instruments may override). */
#define STATS_BAND_GOED_DEFAULT 70.0
#define STATS_BAND_AANDACHT_DEFAULT 55.0

/* Thermometer of a theme.
 *   layers      number of layer means used (non-NAN entries)
 *   level       unweighted mean of the layer means
 *   spread      max - min of the layer means (0 for one layer)
 *   temperature clamp(level - spread / 2, 0, 100)
 *   grade       1 + 9 * temperature / 100 rounded to one decimal, half away
 *               from zero (see stats_thermometer_compute())
 *   band        from the unrounded temperature, see stats_band_classify()
 * All doubles NAN and band STATS_BAND_NONE when layers == 0. */
typedef struct stats_thermometer {
    size_t layers;
    double level;
    double spread;
    double temperature;
    double grade;
    stats_band band;
} stats_thermometer;

/* Compute the thermometer from the layer means means[0..n-1] of the carry
 * measure (0-100 scale; NAN entries, e.g. suppressed layers, are skipped).
 * goed_bound and aandacht_bound are the band bounds (pass
 * STATS_BAND_GOED_DEFAULT / STATS_BAND_AANDACHT_DEFAULT for the defaults).
 *
 * Grade rounding: the grade in tenths is computed as 10 + 9 * T / 10 (the
 * same number as 10 * (1 + 9 * T / 100), written so that it is exact when
 * 9 * T is, e.g. for every integer T) and rounded with round(), i.e. half
 * away from zero; the grade is that integer / 10. So T = 45 gives
 * 5.05 -> 5.1 and T = 55 gives 5.95 -> 6.0. No fuzz is applied: a T that is
 * a hair below a boundary because of rounding noise in the means rounds down.
 *
 * means may be NULL only when n == 0. Infinite means are bad arguments.
 * Returns 0; -1 when out is NULL, means is NULL with n > 0, a mean is
 * infinite, a bound is not finite, or aandacht_bound > goed_bound (out, if
 * non-NULL, is then the all-NAN / STATS_BAND_NONE thermometer).
 *
 * Example: means {55, 45}, default bounds -> level 50, spread 10,
 * temperature 45, grade 5.1, band STATS_BAND_ZORG. */
int stats_thermometer_compute(const double *means, size_t n, double goed_bound,
                              double aandacht_bound, stats_thermometer *out);

/* Band of a temperature: STATS_BAND_GOED when temperature >= goed_bound,
 * else STATS_BAND_AANDACHT when temperature >= aandacht_bound, else
 * STATS_BAND_ZORG; STATS_BAND_NONE when temperature is NAN. Bounds are
 * inclusive: with the defaults, 70 is "goed" and 55 is "aandacht". */
stats_band stats_band_classify(double temperature, double goed_bound, double aandacht_bound);

/* Dutch JSON key of a band: "goed", "aandacht", "zorg"; NULL for
 * STATS_BAND_NONE or an out-of-range value (the JSON layer writes null).
 * The string is static: never free it. */
const char *stats_band_key(stats_band band);

/* ------------------------------------------------------------------------ */
/* Benchmark helpers                                                        */
/* ------------------------------------------------------------------------ */

/* Median of x[0..n-1], ignoring NAN entries: the middle value for an odd
 * count, the average of the two middle values for an even count.
 * SIDE EFFECT: x is reordered (non-NAN values sorted ascending at the front,
 * NAN entries moved to the back); pass a scratch copy if the order matters.
 * Returns NAN when x is NULL, or there is no non-NAN value.
 * Example: {3, NAN, 1, 4, 2} -> 2.5. */
double stats_median_compute(double *x, size_t n);

/* Percentile rank of value among others[0..n-1] (the other organisations'
 * layer means; value itself is not among them), as the "mean rank"
 * percentile
 *   100 * (count_below + 0.5 * count_equal) / n'
 * where n' is the number of non-NAN others (NAN entries are skipped). Ties
 * count half, so the result is 50 when all are equal to value, 0 when value
 * is below all and 100 when above all. Returns NAN when value is NAN, others
 * is NULL, or n' == 0. Example: value 3 among {1, 2, 3, 4} -> 62.5. */
double stats_percentile_rank(double value, const double *others, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* STATS_H */
