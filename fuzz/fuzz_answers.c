/* fuzz_answers.c - libFuzzer target: a JSON answers object: answers_check, as the API takes it.
 * The work and the checks are in fuzz_answers_one (entries.c), which the replay
 * test tests/test_fuzz_regressions.c calls too. Built and run by fuzz/run.sh. */
#include "entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_answers_one(data, size);
}
