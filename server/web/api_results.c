/* api_results.c - GET /api/v1/waves/{id}/analysis and .../report.xlsx. The
 * numbers and the workbook come from server/app (analysis_service,
 * report_service); this file only shapes the answer. */
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/app/analysis_service.h"
#include "server/app/report_service.h"
#include "server/web/routes.h"

/* A viewer (the council's own key) reads the part the council summary
 * shows, nothing per item (analysis_service_read). */
void route_analysis(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *a =
        analysis_service_read(req->app, req->db, &req->wave, req->who.role == ROLE_VIEWER, &err);
    http_respond_result(res, 200, a, &err);
    malloc_trim(0); /* a large wave's working memory goes back to the system */
}

/* GET /api/v1/waves/{id}/report.xlsx?variant=full|council&lang=nl|en. The
 * workbook is written to a temporary file that is unlinked at once and sent
 * from its descriptor, so a large report never sits in memory. */
void route_report(http_request *req, http_response *res)
{
    const char *variant = http_query(req, "variant");
    const char *lang = http_query(req, "lang");
    if (variant && strcmp(variant, "full") && strcmp(variant, "council")) {
        http_respond_message(res, 400, "variant must be \"full\" or \"council\"");
        return;
    }
    if (lang && strcmp(lang, "nl") && strcmp(lang, "en")) {
        http_respond_message(res, 400, "lang must be \"nl\" or \"en\"");
        return;
    }
    /* A viewer (the council's own key) gets the council summary only. */
    int council = variant ? !strcmp(variant, "council") : req->who.role == ROLE_VIEWER;
    if (!council && req->who.role == ROLE_VIEWER) {
        http_respond_message(res, 403,
                             "a viewer key may download the council report only "
                             "(variant=council)");
        return;
    }
    const char *dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char path[4096];
    snprintf(path, sizeof path, "%s/thermometer-report-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0) {
        http_respond_message(res, 500, "cannot create a temporary file for the report");
        return;
    }
    close(fd);
    tm_error err = TM_ERROR_INIT;
    char *filename = NULL;
    report_request rq = {council, lang ? lang : "nl", path};
    if (report_service_write(req->app, req->db, &req->wave, &rq, &filename, &err) != 0) {
        unlink(path);
        http_respond_error(res, &err);
        tm_error_clear(&err);
        return;
    }
    fd = open(path, O_RDONLY);
    unlink(path);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0) close(fd);
        free(filename);
        http_respond_message(res, 500, "the report was written but cannot be read back");
        return;
    }
    http_respond_file(res, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      fd, (size_t)st.st_size);
    char disposition[512];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", filename);
    http_respond_header(res, "Content-Disposition", disposition);
    free(filename);
    malloc_trim(0);
}
