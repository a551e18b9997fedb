# Thermometer sociaal domein: one binary, bin/thermometer.
#
#   make            build bin/thermometer
#   make run        install what is missing, build, serve (embedded PostgreSQL)
#   make test       install what is missing, build (also with ASan/UBSan), run all tests
#   make bench      benchmarks (figures and ratios; not part of test)
#   make preview    the respondent's page as files in build/preview/ (tools/preview.c)
#   make fixtures   the report tests' analysis JSON in tests/fixtures/ (tools/report_fixtures.c)
#   make format     clang-format every C file;  make lint: doors and cppcheck
#   make doors      the include check: which room may include which (docs/architecture.md)

CC      ?= gcc
PKGS    := libmicrohttpd libpq jansson xlsxwriter libsodium gsl libcurl
CSTD    := -std=c17 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
INCS    := -I. -Ibuild/gen
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread
CFLAGS  ?= -O2 -g
ALL_CFLAGS = $(CSTD) $(WARN) $(INCS) $(PKG_CFLAGS) $(CFLAGS)
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

LIB_SRC := $(sort $(wildcard core/*.c reports/*/*.c server/*/*.c))
CLI_SRC := $(sort $(wildcard cli/*.c))
GEN_SRC := build/gen/embedded.c
TEST_SRC := $(sort $(wildcard tests/test_*.c))
TEST_HELPERS := $(sort $(wildcard tests/helpers/*.c))

REL_OBJ  := $(patsubst %.c,build/rel/%.o,$(LIB_SRC) $(GEN_SRC))
ASAN_OBJ := $(patsubst %.c,build/asan/%.o,$(LIB_SRC) $(GEN_SRC))
TEST_BIN := $(patsubst tests/%.c,build/asan/tests/%,$(TEST_SRC))

.PHONY: all run test test-only bench format lint clean deps asan tests fuzz doors preview fixtures
all: bin/thermometer

deps:
	@scripts/install-deps.sh

build/gen/embedded.c: survey-defs/schema.json data/common-passwords.txt data/common-passwords-nl.txt scripts/embed.sh
	@mkdir -p $(@D)
	scripts/embed.sh $@ instrument_schema_json survey-defs/schema.json \
	  common_passwords_txt data/common-passwords.txt common_passwords_nl_txt data/common-passwords-nl.txt

build/rel/%.o: %.c | build/gen/embedded.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

build/asan/%.o: %.c | build/gen/embedded.c
	@mkdir -p $(@D)
	@echo "  CC-SAN  $<"
	@$(CC) $(ALL_CFLAGS) $(SAN) -MMD -MP -c $< -o $@

bin/thermometer: $(REL_OBJ) $(patsubst %.c,build/rel/%.o,$(CLI_SRC))
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $^ -o $@ $(PKG_LIBS)

# The same binary under AddressSanitizer and UndefinedBehaviorSanitizer: the
# integration tests start this one.
bin/thermometer-asan: $(ASAN_OBJ) $(patsubst %.c,build/asan/%.o,$(CLI_SRC))
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(SAN) $^ -o $@ $(PKG_LIBS)

asan: bin/thermometer-asan

build/asan/tests/%: tests/%.c $(ASAN_OBJ) $(patsubst %.c,build/asan/%.o,$(TEST_HELPERS))
	@mkdir -p $(@D)
	@echo "  TEST    $@"
	@$(CC) $(ALL_CFLAGS) $(SAN) -MMD -MP -MF $@.d -Itests/helpers $< $(ASAN_OBJ) $(patsubst %.c,build/asan/%.o,$(TEST_HELPERS)) \
	  -o $@ $(PKG_LIBS) -lcriterion

tests: $(TEST_BIN)

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run.sh

test: deps
	@scripts/install-deps.sh test browser
	@scripts/e2e-setup.sh
	@$(MAKE) --no-print-directory doors all asan tests
	@scripts/test.sh $(TEST_BIN)

# The rooms' doors (docs/architecture.md): which folder may include which.
doors:
	@scripts/check-doors-selftest.sh
	@scripts/check-doors.sh

# Without the dependency check, for a quick loop while developing.
test-only: doors all asan tests
	@scripts/test.sh $(TEST_BIN)

bench: deps
	@scripts/install-deps.sh bench
	@$(MAKE) --no-print-directory all
	@bench/run.sh

# The respondent's page rendered by the server's code with sample answers,
# one problem and the "saved" notice, in Dutch and English, with the style
# sheet beside it: open build/preview/survey-preview.html in a browser.
build/tools/preview: tools/preview.c $(REL_OBJ)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $< $(REL_OBJ) -o $@ $(PKG_LIBS)

preview: build/tools/preview
	@mkdir -p build/preview
	@build/tools/preview survey-defs/thermometer-sociaal-domein.json build/preview

# The analyses the report tests read: a synthetic municipality analysed by
# the project's own analysis (method 2), with trend, benchmark and rules.
build/tools/report_fixtures: tools/report_fixtures.c $(REL_OBJ)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $< $(REL_OBJ) -o $@ $(PKG_LIBS)

fixtures: build/tools/report_fixtures
	@build/tools/report_fixtures survey-defs/thermometer-sociaal-domein.json tests/fixtures

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(wildcard */*.h */*/*.h) $(TEST_SRC) $(TEST_HELPERS) $(wildcard bench/*.c tools/*.c)

lint: doors
	cppcheck --quiet --error-exitcode=1 --enable=warning,style,performance,portability \
	  --std=c11 --inline-suppr --suppress=missingIncludeSystem \
	  --include=scripts/cppcheck-jansson.h $(INCS) $(LIB_SRC) $(CLI_SRC)

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)

# libFuzzer targets (fuzz/) built with clang under ASan/UBSan, each run for
# FUZZ_SECONDS (default 60); crashing inputs land in build/fuzz/artifacts/.
# See fuzz/run.sh. Not part of `make test`, which replays fuzz/regressions/.
fuzz:
	@scripts/install-deps.sh fuzz
	@$(MAKE) --no-print-directory build/gen/embedded.c
	@FUZZ_SECONDS="$(or $(FUZZ_SECONDS),60)" fuzz/run.sh $(FUZZ_TARGETS)
