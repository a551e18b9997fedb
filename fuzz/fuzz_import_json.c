/* fuzz_import_json.c - libFuzzer target: a JSON bulk import body, streamed in chunks:
 * import_parser_*. The work and the checks are in fuzz_import_json_one (entries.c), which the
 * replay test tests/test_fuzz_regressions.c calls too. Built and run by fuzz/run.sh. */
#include "entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_import_json_one(data, size);
}
