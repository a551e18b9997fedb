/* main.c - bin/thermometer: one binary, subcommands like git. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

#ifndef TM_VERSION
#define TM_VERSION "0.1.0"
#endif

const command commands[] = {
    {"serve", "run the HTTP server", cmd_serve,
     "usage: thermometer serve\n"
     "\n"
     "Applies migrations, loads the instruments and serves the API and the survey pages.\n"
     "\n"
     "Environment:\n"
     "  DATABASE_URL     PostgreSQL connection string (required; `make run` sets it)\n"
     "  BIND             address to listen on (default 127.0.0.1)\n"
     "  PORT             port (default 8080; 0 picks a free one)\n"
     "  THREADS          worker threads (default 16)\n"
     "  DB_POOL_SIZE     database connections (default THREADS)\n"
     "  BASE_URL         public address used in invitation links (default http://BIND:PORT)\n"
     "  PORT_FILE        write the listening port to this file once ready\n"
     "  TRUST_PROXY      1: take the client address from X-Real-IP (only behind your own\n"
     "                   reverse proxy; it is what the token-guessing limit counts by)\n"
     "  MAX_CONNECTIONS  connections open at once (default 4000; past three quarters of it a\n"
     "                   connection that has not sent a request's head within 1 s is closed)\n"
     "  MAX_CONNECTIONS_PER_ADDRESS  connections at once from one client address (default\n"
     "                   256; 0 = no limit, the default with TRUST_PROXY: the proxy limits)\n"
     "  HEADER_TIMEOUT   seconds a request's head may take to arrive (default 10)\n"
     "  BODY_MIN_RATE    bytes per second a body must keep coming at (default 1024)\n"
     "  BODIES_PER_ADDRESS  bodies read at once from one client address (default 16)\n"
     "  BODY_MEMORY_MB   bodies buffered at once, in MiB (default 128)\n"
     "  HEAVY_WORKERS    threads for analyses, reports and imports (default 2)\n"
     "  HEAVY_QUEUE      analyses, reports and imports admitted at once (default 8); more\n"
     "                   get 503 with Retry-After\n"
     "  SEAL_KEY         64 hex digits (required, or SEAL_KEY_FILE): submissions wait sealed\n"
     "                   under it until the mixer releases them in shuffled batches; keep it\n"
     "  SEAL_KEY_FILE    a file holding the key (mode 0600); `make run` keeps var/seal.key\n"
     "  METRICS_BIND     ADDRESS:PORT: /metrics there without a key, and not on the public\n"
     "                   address (otherwise /metrics takes an admin key)\n"
     "  SQL_DIR          migrations (default sql)\n"
     "  INSTRUMENTS_DIR  instrument files (default survey-defs)\n"
     "  SEAL_KEY         the server key, 64 hex digits (or SEAL_KEY_FILE: a file holding it)\n"
     "  SMTP_URL         the mail relay: smtp://host:587 (STARTTLS) or smtps://host:465;\n"
     "                   plain smtp:// only to localhost. Unset: no mail (CSV mail merge)\n"
     "  SMTP_USER, SMTP_PASSWORD  login at the relay;  SMTP_CA_FILE  its authority\n"
     "  MAIL_FROM        the sender, \"Gemeente Voorbeeld <enquete@voorbeeld.nl>\"\n"
     "  MAIL_RATE        mails per minute (default 600; 0 = no limit)\n"
     "  MAIL_CONNECTIONS connections to the relay (default 2)\n"
     "  MAIL_BACKOFF     seconds before the first retry (default 60, doubling)\n"
     "\n"
     "SIGINT/SIGTERM stop accepting connections, finish requests in flight (up to 10 s),\n"
     "stop the mail sender (a mail being handed over is kept for later), close the\n"
     "database pool and exit 0.\n"},
    {"migrate", "apply database migrations and load instruments", cmd_migrate,
     "usage: thermometer migrate\n"
     "\n"
     "Applies the migrations in SQL_DIR (default sql) that have not been applied, each in\n"
     "its own transaction under an advisory lock, and loads new instrument versions from\n"
     "INSTRUMENTS_DIR (default survey-defs). Needs DATABASE_URL. Running it twice is harmless.\n"},
    {"validate", "check instrument files", cmd_validate,
     "usage: thermometer validate FILE...\n"
     "\n"
     "Checks each instrument file: JSON syntax (with line and column), the schema\n"
     "(survey-defs/schema.json) and the meaning: unique keys, known layers, themes and\n"
     "domains, intent items with a valid intended option, and every theme x domain cell\n"
     "asked to at least two layers. Prints one line per problem; exits 1 on any, 0 when clean.\n"},
    {"apikey", "create, list and revoke API keys", cmd_apikey,
     "usage: thermometer apikey create --name NAME --role admin|consultant|viewer\n"
     "                                 [--organisation ID]... [--expires TIME]\n"
     "       thermometer apikey list\n"
     "       thermometer apikey revoke ID\n"
     "\n"
     "create makes an API key and prints it alone on the last line; only its hash is\n"
     "stored, so keep it. A consultant key may be granted several organisations (repeat\n"
     "--organisation); a viewer key needs exactly one. --expires takes ISO 8601 with an\n"
     "offset (2027-04-01T17:00:00+02:00); an expired key is refused. list shows every key:\n"
     "id, name, role, organisations, created, last used, expires, revoked. revoke refuses\n"
     "the key from the next request on. Needs DATABASE_URL.\n"},
    {"user", "create, list and disable console accounts", cmd_user,
     "usage: thermometer user create --email ADDRESS --name NAME --role admin|consultant|viewer\n"
     "                               [--organisation ID]...\n"
     "       thermometer user list\n"
     "       thermometer user disable ID|ADDRESS\n"
     "       thermometer user reset ID|ADDRESS\n"
     "\n"
     "Accounts sign in to the console at /beheer. create prints a one-time password alone\n"
     "on the last line (shown once; it must be changed at the first sign-in). A consultant\n"
     "may be granted several organisations, a viewer exactly one, an admin none. disable\n"
     "ends the account's sessions at once; reset gives it a new one-time password.\n"
     "Needs DATABASE_URL.\n"},
    {"analyse", "print a wave's gap analysis as JSON", cmd_analyse,
     "usage: thermometer analyse --wave ID [--pretty]\n"
     "\n"
     "Prints the analysis of wave ID as JSON: the same document as\n"
     "GET /api/v1/waves/ID/analysis (layer statistics, gaps, ANOVA, carry-through,\n"
     "thermometer, trend and benchmark), with small groups suppressed. A wave's results\n"
     "exist only once it is closed. Needs DATABASE_URL, and the server's SEAL_KEY when\n"
     "submissions of the closed wave still wait to be mixed.\n"},
    {"report", "write a wave's Excel report", cmd_report,
     "usage: thermometer report --wave ID [--variant full|council] [--lang nl|en] -o FILE.xlsx\n"
     "\n"
     "Writes the gap report of wave ID as an Excel workbook: the full report for\n"
     "consultants (default) or the council summary (--variant council), in Dutch (default)\n"
     "or English. The numbers are those of `thermometer analyse`; groups smaller than the\n"
     "wave's minimum group size appear nowhere. Only for a closed wave. Needs DATABASE_URL\n"
     "(and SEAL_KEY as for analyse).\n"},
    {"demo", "create a demo municipality with realistic synthetic answers", cmd_demo,
     "usage: thermometer demo [--if-absent]\n"
     "\n"
     "Creates \"Gemeente Voorbeeldstad (demo)\" (code GM9001) with two closed waves of synthetic\n"
     "answers in which the intent fades down the chain, and five benchmark municipalities\n"
     "(GM9002-GM9006), so that the analysis, trend, benchmark and report have something to\n"
     "show. The data come from a model with a fixed seed, not from people. With --if-absent\n"
     "it does nothing when the demo exists. Needs DATABASE_URL.\n"},
    {NULL, NULL, NULL, NULL},
};

int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return 1;
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: thermometer COMMAND [ARGS]\n\n"
               "Thermometer sociaal domein: survey and gap-analysis server.\n\nCommands:\n");
    for (const command *c = commands; c->name; c++)
        fprintf(f, "  %-10s %s\n", c->name, c->summary);
    fprintf(f, "\n`thermometer COMMAND --help` explains each.\n");
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "thermometer: libsodium could not initialise\n");
        return 1;
    }
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("thermometer %s\n", TM_VERSION);
        return 0;
    }
    for (const command *c = commands; c->name; c++) {
        if (strcmp(c->name, argv[1]) != 0) continue;
        if (wants_help(argc - 1, argv + 1)) {
            fputs(c->help, stdout);
            return 0;
        }
        return c->run(argc - 1, argv + 1);
    }
    fprintf(stderr, "thermometer: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
