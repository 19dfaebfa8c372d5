/*
 * test_studio_auth.c - the studio's request guards (auth.c) and the
 * schema.prisma model-name scanner (schema_models.c).  Both live in the
 * strata binary, not in libstrata.a, so their sources are compiled in here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "studio/auth.c"
#include "studio/schema_models.c"

static void
test_studio_auth__token_is_random_hex(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	char a[ST_STUDIO_TOKEN_LEN + 1], b[ST_STUDIO_TOKEN_LEN + 1];

	assert_int_equal(st_studio_token_new(cx, a), 0);
	assert_int_equal(st_studio_token_new(cx, b), 0);
	assert_int_equal(strlen(a), ST_STUDIO_TOKEN_LEN);
	assert_int_equal(strspn(a, "0123456789abcdef"), ST_STUDIO_TOKEN_LEN);
	assert_string_not_equal(a, b);
	assert_true(st_studio_token_ok(a, a));
	assert_false(st_studio_token_ok(a, b));
	assert_false(st_studio_token_ok(a, NULL));
	assert_false(st_studio_token_ok(a, ""));
	b[0] = '\0';
	snprintf(b, sizeof(b), "%.*s", ST_STUDIO_TOKEN_LEN - 1, a);
	assert_false(st_studio_token_ok(a, b)); /* a prefix is not the token */
	st_ctx_free(cx);
}

static void
test_studio_auth__host_header(void **state)
{
	static const struct {
		const char *bind, *host;
		bool ok;
	} cases[] = {
		{ "127.0.0.1", "127.0.0.1:5555", true },
		{ "127.0.0.1", "localhost:5555", true },
		{ "127.0.0.1", "LOCALHOST:5555", true },
		{ "127.0.0.1", "[::1]:5555", true },
		{ "127.0.0.1", "127.0.0.1", false },          /* no port */
		{ "127.0.0.1", "127.0.0.1:5556", false },
		{ "127.0.0.1", "evil.example:5555", false },
		{ "127.0.0.1", "127.0.0.1.evil.example:5555", false },
		{ "127.0.0.1", "localhost.:5555", false },
		{ "127.0.0.1", "", false },
		{ "127.0.0.1", NULL, false },
		{ "192.168.1.20", "192.168.1.20:5555", true }, /* explicit --host */
		{ "0.0.0.0", "0.0.0.0:5555", false },          /* wildcard: loopback names only */
		{ "0.0.0.0", "10.0.0.1:5555", false },
		{ "::1", "[::1]:5555", true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = st_studio_host_ok(cases[i].bind, 5555, cases[i].host);

		if (got != cases[i].ok)
			fail_msg("bind %s, Host %s: expected %d", cases[i].bind,
				 cases[i].host ? cases[i].host : "(none)", cases[i].ok);
	}
}

static void
test_studio_auth__origin_header(void **state)
{
	assert_true(st_studio_origin_ok("127.0.0.1", 80, NULL));
	assert_true(st_studio_origin_ok("127.0.0.1", 80, "http://127.0.0.1:80"));
	assert_true(st_studio_origin_ok("127.0.0.1", 80, "http://localhost:80"));
	assert_false(st_studio_origin_ok("127.0.0.1", 80, "https://127.0.0.1:80"));
	assert_false(st_studio_origin_ok("127.0.0.1", 80, "http://evil.example"));
	assert_false(st_studio_origin_ok("127.0.0.1", 80, "null"));
	assert_false(st_studio_origin_ok("127.0.0.1", 80, ""));
}

static void
test_studio_auth__loopback(void **state)
{
	assert_true(st_studio_host_is_loopback("127.0.0.1"));
	assert_true(st_studio_host_is_loopback("127.1.2.3"));
	assert_true(st_studio_host_is_loopback("localhost"));
	assert_true(st_studio_host_is_loopback("::1"));
	assert_false(st_studio_host_is_loopback("0.0.0.0"));
	assert_false(st_studio_host_is_loopback("::"));
	assert_false(st_studio_host_is_loopback("192.168.1.20"));
	assert_false(st_studio_host_is_loopback("localhost.evil.example"));
	assert_false(st_studio_host_is_loopback("127.evil.example"));
	assert_false(st_studio_host_is_loopback("127.0.0.1.nip.io"));
}

static void
test_studio_schema_models__map_and_comments(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	char path[] = "/tmp/strata-test-models-XXXXXX";
	const char *src =
		"// model Commented { }\n"
		"datasource db { provider = \"postgresql\" }\n"
		"model User {\n"
		"  id    Int    @id\n"
		"  note  String @default(\"} model Fake {\")\n"
		"  /* @@map(\"nope\") */\n"
		"  @@map(\"users\")\n"
		"}\n"
		"model Order_Item {\n"
		"  id Int @id\n"
		"  @@index([id], map: \"x\")\n"
		"  @@map(name: \"order_items\")\n"
		"}\n"
		"model Plain { id Int @id }\n"
		"enum Role { USER ADMIN }\n";
	int fd = mkstemp(path);
	st_map m;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, src, strlen(src)), (ssize_t)strlen(src));
	close(fd);
	st_map_init(&m, cx->arena);
	st_studio_schema_models(cx, path, &m);
	unlink(path);
	assert_string_equal(st_map_get(&m, "users"), "User");
	assert_string_equal(st_map_get(&m, "order_items"), "Order_Item");
	assert_string_equal(st_map_get(&m, "Plain"), "Plain");
	assert_null(st_map_get(&m, "User"));
	assert_null(st_map_get(&m, "Fake"));
	assert_null(st_map_get(&m, "Commented"));
	assert_null(st_map_get(&m, "nope"));
	assert_null(st_map_get(&m, "Role"));
	assert_int_equal(m.len, 3);
	st_ctx_free(cx);
}

/* models_of SRC: the table -> model map of a one-file schema */
static st_map
models_of(st_ctx *cx, const char *src)
{
	char path[] = "/tmp/strata-test-models-XXXXXX";
	int fd = mkstemp(path);
	st_map m;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, src, strlen(src)), (ssize_t)strlen(src));
	close(fd);
	st_map_init(&m, cx->arena);
	st_studio_schema_models(cx, path, &m);
	unlink(path);
	return m;
}

static void
test_studio_schema_models__valid_and_invalid(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	const char *valid =
		"datasource db {\n  provider = \"postgresql\"\n}\n"
		"model Post {\n  id     Int  @id\n  author User @relation(fields: [userId], references: [id])\n"
		"  userId Int\n  @@map(\"posts\")\n}\n"
		"model User {\n  id    Int    @id\n  posts Post[]\n}\n";
	/* an unknown type: does not validate, the scanner still maps */
	const char *invalid =
		"datasource db {\n  provider = \"postgresql\"\n}\n"
		"model Draft {\n  id Int @id\n  x  Unknown\n  @@map(\"drafts\")\n}\n";
	st_map m = models_of(cx, valid);

	assert_int_equal(m.len, 2);
	assert_string_equal(st_map_get(&m, "posts"), "Post");
	assert_string_equal(st_map_get(&m, "User"), "User");
	m = models_of(cx, invalid);
	assert_int_equal(m.len, 1);
	assert_string_equal(st_map_get(&m, "drafts"), "Draft");
	assert_false(st_err_is_set(cx));
	st_ctx_free(cx);
}

static void
test_studio_schema_models__missing_file(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_map m;

	st_map_init(&m, cx->arena);
	st_studio_schema_models(cx, "/nonexistent/schema.prisma", &m);
	assert_int_equal(m.len, 0);
	assert_false(st_err_is_set(cx));
	st_ctx_free(cx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_studio_auth__token_is_random_hex),
		cmocka_unit_test(test_studio_auth__host_header),
		cmocka_unit_test(test_studio_auth__origin_header),
		cmocka_unit_test(test_studio_auth__loopback),
		cmocka_unit_test(test_studio_schema_models__map_and_comments),
		cmocka_unit_test(test_studio_schema_models__valid_and_invalid),
		cmocka_unit_test(test_studio_schema_models__missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
