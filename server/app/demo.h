/* demo.h - `thermometer demo`: a demo municipality with two closed waves
 * of synthetic answers in which the intent fades down the chain, plus five
 * benchmark municipalities, so a new user sees a full analysis and report
 * within a minute of `make run`.
 */
#ifndef TM_DEMO_H
#define TM_DEMO_H

#include "core/error.h"
#include "server/app/app.h"

#define DEMO_CODE "GM9001" /* the demo municipality's CBS code */
#define DEMO_INSTRUMENT "thermometer-sociaal-domein"

/* Creates the demo in one transaction. Returns 0 with *org and *wave (the
 * newest wave) filled, 1 when the demo exists already (*org filled), or -1
 * with err (nothing left behind). */
int demo_create(app *a, PGconn *c, long long *org, long long *wave, tm_error *err);

#endif
