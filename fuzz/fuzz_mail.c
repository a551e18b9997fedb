/* fuzz_mail.c - libFuzzer target: an uploaded list of e-mail addresses and a mail made
 * from the same text: mail_list_parse, mail_render, mail_message_write. The work and the
 * checks are in fuzz_mail_one (entries.c), which the replay test
 * tests/test_fuzz_regressions.c calls too. Built and run by fuzz/run.sh. */
#include "entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_mail_one(data, size);
}
