/*
 * sha256.h - SHA-256 (FIPS 180-4), for the checksums of migration files.
 *
 *	unsigned char md[ST_SHA256_LEN];
 *	st_sha256(md, text, len);
 *
 * or incrementally, when the input arrives in pieces:
 *
 *	st_sha256_ctx c;
 *	st_sha256_init(&c);
 *	st_sha256_update(&c, part1, n1);
 *	st_sha256_update(&c, part2, n2);
 *	st_sha256_final(&c, md);
 *
 * Not constant-time and not meant for secrets: it hashes files that are
 * public anyway, so it stays small rather than pulling in libcrypto.
 */
#ifndef ST_UTIL_SHA256_H
#define ST_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define ST_SHA256_LEN 32

typedef struct st_sha256_ctx {
	uint32_t h[8];          /* the chaining state */
	uint64_t total;         /* bytes hashed so far */
	unsigned char buf[64];  /* a partial block */
	size_t nbuf;            /* bytes in buf, always < 64 */
} st_sha256_ctx;

void st_sha256_init(st_sha256_ctx *c);
void st_sha256_update(st_sha256_ctx *c, const void *data, size_t len);
/* Writes the digest; the context must be initialised again before reuse. */
void st_sha256_final(st_sha256_ctx *c, unsigned char out[ST_SHA256_LEN]);

/* The digest of one buffer. */
void st_sha256(unsigned char out[ST_SHA256_LEN], const void *data, size_t len);

#endif
