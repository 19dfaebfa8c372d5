/*
 * fuzz_psl.c - libFuzzer target over the schema-language front end:
 * parse (lexer + parser), then for input that parses, format, check that
 * the output parses again and formats to itself (idempotency), and run
 * the validator.  Any crash, sanitizer report, hang or broken invariant
 * (abort) is a finding.  Built and run by `make fuzz FUZZ_SECONDS=60`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psl/model.h"
#include "psl/psl.h"

static void
fail(const char *what, const char *a, size_t alen, const char *b, size_t blen)
{
	fprintf(stderr, "fuzz_psl: %s\n--- first (%zu bytes):\n%.*s\n--- second "
		"(%zu bytes):\n%.*s\n", what, alen, (int)alen, a, blen, (int)blen, b);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_source *src, *src2;
	st_psl_file *file, *file2;
	st_psl_schema *schema;
	st_psl_model *model;
	st_strbuf out, out2;

	src = st_source_new(cx, "fuzz.prisma", (const char *)data, size);
	if (st_psl_parse(cx, src, &file) < 0)
		goto done;
	st_strbuf_init_arena(&out, cx->arena);
	if (st_psl_format(cx, file, &out) < 0)
		fail("format refused a file that parsed", (const char *)data, size,
		     "", 0);
	src2 = st_source_new(cx, "formatted.prisma", out.buf, out.len);
	if (st_psl_parse(cx, src2, &file2) < 0)
		fail("formatted output does not parse", (const char *)data, size,
		     out.buf, out.len);
	st_strbuf_init_arena(&out2, cx->arena);
	if (st_psl_format(cx, file2, &out2) < 0 || out2.len != out.len ||
	    memcmp(out.buf, out2.buf, out.len) != 0)
		fail("format is not idempotent", out.buf, out.len, out2.buf,
		     out2.len);
	if (st_psl_parse_schema(cx, &src, 1, &schema) == 0)
		(void)st_psl_validate(cx, schema, &model);
done:
	st_ctx_free(cx);
	return 0;
}
