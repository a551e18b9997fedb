/* fuzz_form.c - libFuzzer target: a form-urlencoded body: survey_form_decode, as POST /s/TOKEN.
 * The work and the checks are in fuzz_form_one (entries.c), which the replay
 * test tests/test_fuzz_regressions.c calls too. Built and run by fuzz/run.sh. */
#include "entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_form_one(data, size);
}
