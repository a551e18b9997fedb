/* console_assets.c - the console's style sheet and its one script, served
 * as files (/assets/console.css, /assets/console.js): the CSP allows no
 * inline style or script.
 *
 * Mobile first; tables scroll sideways inside their own box on a phone.
 * Text contrast is at least 4.5:1 (#4b5563 on white 7.6:1, #b3261e 6.3:1,
 * #1d4f91 8.6:1, white on #1d4f91 8.6:1) and every focusable element shows
 * a 3px outline. The script only refreshes the progress table every 30
 * seconds; without it the page works the same and shows a "refresh" link.
 */
#include <stdlib.h>
#include <string.h>

#include "server/web/console.h"

static const char console_css[] =
    "*, *::before, *::after { box-sizing: border-box; }\n"
    "html { color-scheme: light; -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }\n"
    "body { margin: 0; background: #f3f4f6; color: #1a1a1a;\n"
    "  font-family: system-ui, -apple-system, \"Segoe UI\", Roboto, Arial, sans-serif;\n"
    "  font-size: 1rem; line-height: 1.5; }\n"
    ".wrap { max-width: 64rem; margin: 0 auto; padding: 0 1rem; }\n"
    "main.wrap { padding-bottom: 3rem; }\n"
    "main:focus { outline: none; }\n"
    "a { color: #1d4f91; text-underline-offset: 0.15em; }\n"
    "a:hover { text-decoration-thickness: 2px; }\n"
    ":focus-visible, input:focus, select:focus, textarea:focus, input:focus-within {\n"
    "  outline: 3px solid #1a1a1a; outline-offset: 2px; }\n"
    ".skip { position: absolute; left: -999px; top: 0; background: #fff; padding: 0.5rem 1rem;\n"
    "  z-index: 10; }\n"
    ".skip:focus { left: 0.5rem; top: 0.5rem; }\n"
    ".top { background: #1d4f91; color: #fff; }\n"
    ".top .wrap { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 1.25rem;\n"
    "  padding-top: 0.5rem; padding-bottom: 0.5rem; }\n"
    ".top a, .top button.link { color: #fff; }\n"
    ".top :focus-visible { outline-color: #fff; }\n"
    ".brand { margin: 0; font-weight: 700; font-size: 1.125rem; }\n"
    ".brand a { text-decoration: none; }\n"
    ".brand span { font-weight: 400; }\n"
    ".top nav ul { display: flex; flex-wrap: wrap; gap: 0 1rem; margin: 0; padding: 0;\n"
    "  list-style: none; }\n"
    ".top nav a { display: inline-block; padding: 0.5rem 0; }\n"
    ".top nav a[aria-current=page] { font-weight: 700; text-decoration-thickness: 3px; }\n"
    ".who { display: flex; flex-wrap: wrap; align-items: center; gap: 0 1rem; margin-left: auto; "
    "}\n"
    ".who a, .who button { display: inline-block; padding: 0.5rem 0; }\n"
    ".who form { margin: 0; }\n"
    "button.link { background: none; border: 0; padding: 0; font: inherit; text-decoration: "
    "underline;\n  cursor: pointer; color: #1d4f91; }\n"
    "h1 { font-size: 1.75rem; line-height: 1.2; margin: 1.5rem 0 1rem; overflow-wrap: anywhere; }\n"
    "h2 { font-size: 1.3rem; line-height: 1.25; margin: 2rem 0 0.75rem; }\n"
    "h3 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }\n"
    "p { margin: 0 0 1rem; max-width: 46rem; }\n"
    ".crumbs { margin: 1rem 0 0; font-size: 0.9375rem; }\n"
    ".crumbs + h1 { margin-top: 0.5rem; }\n"
    ".hint, .meta { color: #4b5563; }\n"
    "ul.plain { list-style: none; margin: 0; padding: 0; }\n"
    ".visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;\n"
    "  clip: rect(0 0 0 0); white-space: nowrap; }\n"
    ".notice { padding: 0.75rem 1rem; border-left: 4px solid #1e7b34; background: #e6f4ea;\n"
    "  font-weight: 600; }\n"
    ".warning { padding: 0.75rem 1rem; border-left: 4px solid #8a5a00; background: #fff4d6; }\n"
    ".error-summary { margin: 0 0 1.5rem; padding: 1rem; border: 3px solid #b3261e;\n"
    "  background: #fff; }\n"
    ".error-summary h2 { margin-top: 0; color: #b3261e; }\n"
    ".error-summary ul { margin: 0; padding-left: 1.25rem; }\n"
    ".error-summary a { color: #b3261e; font-weight: 600; }\n"
    ".card { background: #fff; border: 1px solid #d1d5db; border-radius: 4px; padding: 1rem;\n"
    "  margin: 0 0 1.25rem; }\n"
    ".card > h2:first-child, .card > h3:first-child { margin-top: 0; }\n"
    ".grid { display: grid; gap: 1.25rem; }\n"
    "@media (min-width: 48rem) { .grid.two { grid-template-columns: 1fr 1fr; } }\n"
    ".table { overflow-x: auto; margin: 0 0 1.25rem; }\n"
    "table { border-collapse: collapse; width: 100%; background: #fff; }\n"
    "caption { text-align: left; font-weight: 600; padding: 0.5rem 0; }\n"
    "th, td { text-align: left; padding: 0.5rem 0.625rem; border-bottom: 1px solid #d1d5db;\n"
    "  vertical-align: top; }\n"
    "thead th { background: #e5e7eb; }\n"
    "td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }\n"
    "form.stack { max-width: 36rem; }\n"
    ".field { margin: 0 0 1.25rem; }\n"
    ".field label, .field legend { display: block; font-weight: 600; margin-bottom: 0.25rem; }\n"
    ".field .hint { display: block; font-size: 0.9375rem; margin-bottom: 0.25rem; }\n"
    "fieldset { border: 0; padding: 0; margin: 0 0 1.25rem; min-width: 0; }\n"
    "input[type=text], input[type=email], input[type=password], input[type=number],\n"
    "input[type=date], input[type=time], input[type=file], select {\n"
    "  font: inherit; padding: 0.5rem; border: 2px solid #4b5563; border-radius: 4px;\n"
    "  background: #fff; color: #1a1a1a; max-width: 100%; min-height: 2.75rem; }\n"
    "input[type=text], input[type=email], input[type=password] { width: 100%; }\n"
    "input[type=number] { width: 8rem; }\n"
    "textarea { font: inherit; padding: 0.5rem; border: 2px solid #4b5563; border-radius: 4px;\n"
    "  background: #fff; color: #1a1a1a; width: 100%; min-height: 8rem; }\n"
    "pre.mail { white-space: pre-wrap; overflow-wrap: anywhere; background: #f4f5f7;\n"
    "  border: 1px solid #d0d4da; padding: 1rem; font: inherit; }\n"
    ".pair { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; }\n"
    ".pair div label { font-weight: 400; }\n"
    ".choice { display: flex; align-items: center; gap: 0.5rem; margin: 0.25rem 0; }\n"
    ".choice input { width: 1.25rem; height: 1.25rem; }\n"
    ".choice label { font-weight: 400; margin: 0; }\n"
    "[aria-invalid=true] { border-color: #b3261e; }\n"
    ".field-error { color: #b3261e; font-weight: 600; margin: 0 0 0.25rem; }\n"
    "button, .button { font: inherit; font-weight: 600; display: inline-block; min-height: "
    "2.75rem;\n"
    "  padding: 0.5rem 1.125rem; border-radius: 4px; border: 2px solid #1d4f91;\n"
    "  background: #1d4f91; color: #fff; cursor: pointer; text-decoration: none; }\n"
    "button.secondary, .button.secondary { background: #fff; color: #1d4f91; }\n"
    "button.danger { background: #b3261e; border-color: #b3261e; }\n"
    "button.link { min-height: 0; border: 0; font-weight: 400; }\n"
    ".actions { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center;\n"
    "  margin: 0 0 1rem; }\n"
    ".actions form { margin: 0; }\n"
    ".status { display: inline-block; padding: 0.125rem 0.5rem; border-radius: 999px;\n"
    "  font-size: 0.875rem; font-weight: 600; background: #e5e7eb; color: #1a1a1a; }\n"
    ".status.open { background: #e6f4ea; color: #14532d; }\n"
    ".status.closed { background: #e3eaf5; color: #1d4f91; }\n"
    ".status.test { background: #fff4d6; color: #6b4500; }\n"
    "dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem;\n"
    "  margin: 0 0 1rem; }\n"
    "dl.facts dt { font-weight: 600; }\n"
    "dl.facts dd { margin: 0; overflow-wrap: anywhere; }\n"
    ".secret { font-family: ui-monospace, monospace; font-size: 0.9375rem; background: #fff;\n"
    "  border: 2px dashed #8a5a00; padding: 0.75rem; overflow-wrap: anywhere; }\n"
    ".chart { background: #fff; border: 1px solid #d1d5db; border-radius: 4px; padding: 0.5rem;\n"
    "  margin: 0 0 1rem; }\n"
    ".chart svg { display: block; width: 100%; height: auto; max-width: 40rem; }\n"
    ".band-goed { color: #14532d; } .band-aandacht { color: #6b4500; } .band-zorg { color: "
    "#b3261e; }\n"
    ".legend { display: flex; flex-wrap: wrap; gap: 1rem; margin: 0 0 0.5rem; font-size: "
    "0.9375rem; }\n"
    ".legend span::before { content: \"\"; display: inline-block; width: 1.5rem; height: 0;\n"
    "  border-top: 3px solid #1d4f91; vertical-align: middle; margin-right: 0.375rem; }\n"
    ".legend .knowledge::before { border-top: 3px dashed #b45309; }\n"
    ".charts { display: grid; gap: 0 1.25rem; }\n"
    "@media (min-width: 60rem) { .charts { grid-template-columns: 1fr 1fr; } }\n"
    "@media (max-width: 40rem) { h1 { font-size: 1.5rem; }\n"
    "  th, td { padding: 0.375rem 0.25rem; font-size: 0.875rem; }\n"
    "  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden;\n"
    "    clip: rect(0 0 0 0); }\n"
    "  table.stack tr { display: block; border-bottom: 1px solid #d1d5db; padding: 0.25rem 0; }\n"
    "  table.stack th, table.stack td { display: flex; justify-content: space-between;\n"
    "    border: 0; padding: 0.125rem 0.5rem; }\n"
    "  table.stack td::before { content: attr(data-label); color: #4b5563; }\n"
    "  dl.facts { grid-template-columns: 1fr; } }\n";

/* Refreshes the element with data-refresh every 30 s from the same page,
 * and says so in its live region; nothing else. */
static const char console_js[] =
    "(function () {\n"
    "  'use strict';\n"
    "  var box = document.querySelector('[data-refresh]');\n"
    "  if (!box || !window.fetch || !window.DOMParser) return;\n"
    "  var live = document.getElementById('refreshed');\n"
    "  function update() {\n"
    "    fetch(window.location.href, { credentials: 'same-origin' })\n"
    "      .then(function (r) { return r.ok ? r.text() : null; })\n"
    "      .then(function (html) {\n"
    "        if (!html) return;\n"
    "        var doc = new DOMParser().parseFromString(html, 'text/html');\n"
    "        var fresh = doc.querySelector('[data-refresh]');\n"
    "        if (fresh) box.innerHTML = fresh.innerHTML;\n"
    "        if (live) live.textContent = live.getAttribute('data-text') + ' ' +\n"
    "          new Date().toLocaleTimeString(document.documentElement.lang, "
    "{ hour: '2-digit', minute: '2-digit' });\n"
    "      })\n"
    "      .catch(function () {});\n"
    "  }\n"
    "  window.setInterval(update, 30000);\n"
    "})();\n";

static void respond_static(http_response *res, const char *type, const char *text)
{
    char *body = strdup(text);
    if (!body) {
        http_respond_message(res, 500, "out of memory");
        return;
    }
    http_respond_body(res, 200, type, body, strlen(body));
}

void route_console_css(http_request *req, http_response *res)
{
    (void)req;
    respond_static(res, "text/css; charset=utf-8", console_css);
}

void route_console_js(http_request *req, http_response *res)
{
    (void)req;
    respond_static(res, "text/javascript; charset=utf-8", console_js);
}
