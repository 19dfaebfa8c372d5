/*
 * test_sha256.c - SHA-256 against the FIPS 180-4 / NIST example vectors,
 * the padding boundaries around 55/56/64 bytes, and incremental updates
 * cut at every chunk size, which must give the one-shot digest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/sha256.h"

static void
hex(char out[2 * ST_SHA256_LEN + 1], const unsigned char md[ST_SHA256_LEN])
{
	for (int i = 0; i < ST_SHA256_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void
assert_digest(const unsigned char md[ST_SHA256_LEN], const char *want)
{
	char got[2 * ST_SHA256_LEN + 1];

	hex(got, md);
	assert_string_equal(got, want);
}

static void
test_util_sha256__nist_vectors(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		/* 448 bits: the padding needs a second block */
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		/* 896 bits */
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
		/* Prisma's checksum.rs test */
		{ "hello", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" },
	};
	unsigned char md[ST_SHA256_LEN];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		st_sha256(md, cases[i].in, strlen(cases[i].in));
		assert_digest(md, cases[i].want);
	}
	st_sha256(md, NULL, 0);
	assert_digest(md, cases[0].want);
}

static void
test_util_sha256__million_a(void **state)
{
	size_t n = 1000000;
	char *a = malloc(n);
	unsigned char md[ST_SHA256_LEN];
	st_sha256_ctx c;

	memset(a, 'a', n);
	st_sha256(md, a, n);
	assert_digest(md, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* the same in 1000 updates of 1000 bytes, which cross block edges */
	st_sha256_init(&c);
	for (int i = 0; i < 1000; i++)
		st_sha256_update(&c, a + 1000 * i, 1000);
	st_sha256_final(&c, md);
	assert_digest(md, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}

/* Lengths where the length field just fits, just does not, and where the
 * message fills whole blocks (digests from Python's hashlib). */
static void
test_util_sha256__padding_boundaries(void **state)
{
	static const struct {
		size_t n;
		const char *want;
	} cases[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 57, "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
		{ 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
		{ 120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c" },
		{ 128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e" },
	};
	char a[128];
	unsigned char md[ST_SHA256_LEN];

	memset(a, 'a', sizeof(a));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		st_sha256(md, a, cases[i].n);
		assert_digest(md, cases[i].want);
	}
}

/* 1024 bytes 00..ff four times, fed in chunks of every size from 1 to 130
 * (plus empty updates in between): each must give the one-shot digest. */
static void
test_util_sha256__chunked_updates(void **state)
{
	unsigned char buf[1024], md[ST_SHA256_LEN];
	const char *want = "785b0751fc2c53dc14a4ce3d800e69ef9ce1009eb327ccf458afe09c242c26c9";

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)i;
	st_sha256(md, buf, sizeof(buf));
	assert_digest(md, want);
	for (size_t chunk = 1; chunk <= 130; chunk++) {
		st_sha256_ctx c;

		st_sha256_init(&c);
		for (size_t off = 0; off < sizeof(buf); off += chunk) {
			size_t n = sizeof(buf) - off < chunk ? sizeof(buf) - off : chunk;

			st_sha256_update(&c, buf + off, n);
			st_sha256_update(&c, buf, 0);
		}
		st_sha256_final(&c, md);
		assert_digest(md, want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util_sha256__nist_vectors),
		cmocka_unit_test(test_util_sha256__million_a),
		cmocka_unit_test(test_util_sha256__padding_boundaries),
		cmocka_unit_test(test_util_sha256__chunked_updates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
