/*
 * seed.c - seeding: ${VAR:-default} substitution in SQL seed files (a small
 * lexer that knows strings, quoted identifiers, comments and dollar
 * quotes), running an SQL seed in one transaction with errors pointed back
 * at the file, and running a seed command through sh -c.
 */
#include "migrate/seed.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db/db.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/vec.h"

/* ==== substitution ==== */

/* One replaced reference: out[out_off, +out_len) came from
 * src[in_off, +in_len). */
typedef struct seg {
	size_t out_off, out_len, in_off, in_len;
} seg;

typedef struct lexer {
	st_ctx *cx;
	const char *path;
	const char *src;
	size_t len, i;
	st_strbuf out;
	st_vec segs;          /* seg * */
	st_seed_env_fn env;
	void *env_arg;

	/* statement tracking (top level only) */
	int nstmt;
	bool stmt_content;
	size_t stmt_start;    /* offset in src of the statement's first word */
	int nwords;
	char first[16], second[16], prev[16];
	int atomic;           /* depth inside BEGIN ATOMIC ... END bodies */
} lexer;

static bool
ident_start(int c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static bool
ident_char(int c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static int
line_of(const char *src, size_t off, int *col)
{
	int line = 1;
	size_t bol = 0;

	for (size_t k = 0; k < off && src[k]; k++)
		if (src[k] == '\n') {
			line++;
			bol = k + 1;
		}
	if (col)
		*col = (int)(off - bol) + 1;
	return line;
}

static void
copy(lexer *lx, size_t n)
{
	st_strbuf_add(&lx->out, lx->src + lx->i, n);
	lx->i += n;
}

static void
upper_word(char *dst, size_t cap, const char *s, size_t n)
{
	size_t k;

	for (k = 0; k < n && k + 1 < cap; k++)
		dst[k] = (char)toupper((unsigned char)s[k]);
	dst[k] = '\0';
}

/* A statement ended at ';' or the end: count it, and refuse transaction
 * control (the seed runs inside strata's own transaction). */
static int
end_statement(lexer *lx)
{
	const char *f = lx->first, *bad = NULL;
	char badword[32];

	if (!lx->stmt_content)
		return 0;
	if (lx->atomic > 0)
		return 0; /* a ';' inside BEGIN ATOMIC ... END */
	lx->nstmt++;
	if (!strcmp(f, "BEGIN") || !strcmp(f, "COMMIT") || !strcmp(f, "ABORT") ||
	    !strcmp(f, "END"))
		bad = f;
	else if (!strcmp(f, "START") && !strcmp(lx->second, "TRANSACTION"))
		bad = "START TRANSACTION";
	else if (!strcmp(f, "ROLLBACK") && strcmp(lx->second, "TO"))
		bad = "ROLLBACK"; /* ROLLBACK TO SAVEPOINT is fine */
	if (bad) {
		snprintf(badword, sizeof(badword), "%s", bad);
		bad = badword;
	}
	lx->stmt_content = false;
	lx->nwords = 0;
	lx->first[0] = lx->second[0] = lx->prev[0] = '\0';
	if (bad) {
		st_err_set(lx->cx, ST_EUSAGE,
			   "seed file \"%s\" contains a transaction statement (%s) "
			   "at line %d", lx->path, bad,
			   line_of(lx->src, lx->stmt_start, NULL));
		st_err_detail(lx->cx, "strata runs a seed file in one transaction, "
			      "so that a failure leaves nothing behind.");
		st_err_hint(lx->cx, "Remove the BEGIN/COMMIT/ROLLBACK statements "
			    "from the file.");
		return ST_EUSAGE;
	}
	return 0;
}

static void
word(lexer *lx, size_t n)
{
	char w[16];

	upper_word(w, sizeof(w), lx->src + lx->i, n);
	if (!lx->stmt_content) {
		lx->stmt_content = true;
		lx->stmt_start = lx->i;
	}
	if (lx->nwords == 0)
		memcpy(lx->first, w, sizeof(w));
	else if (lx->nwords == 1)
		memcpy(lx->second, w, sizeof(w));
	if (!strcmp(w, "ATOMIC") && !strcmp(lx->prev, "BEGIN") && lx->nwords > 1)
		lx->atomic++;
	else if (lx->atomic > 0 && !strcmp(w, "CASE"))
		lx->atomic++;
	else if (lx->atomic > 0 && !strcmp(w, "END"))
		lx->atomic--;
	memcpy(lx->prev, w, sizeof(w));
	lx->nwords++;
	copy(lx, n);
}

/* ${NAME} or ${NAME:-default} at lx->i; tag is the enclosing dollar
 * quote's delimiter or NULL. */
static int
reference(lexer *lx, const char *tag, size_t taglen)
{
	const char *s = lx->src + lx->i, *name, *def = NULL, *val;
	size_t j = 2, nlen, dlen = 0;
	int col, line = line_of(lx->src, lx->i, &col);
	st_strbuf lit;
	seg *g;

	name = s + j;
	if (ident_start((unsigned char)s[j]) && !((unsigned char)s[j] >= 0x80))
		while (isalnum((unsigned char)s[j]) || s[j] == '_')
			j++;
	nlen = (size_t)(s + j - name);
	if (nlen && s[j] == ':' && s[j + 1] == '-') {
		def = s + j + 2;
		j += 2;
		while (s[j] && s[j] != '}' && s[j] != '\n')
			j++;
		dlen = (size_t)(s + j - def);
	}
	if (!nlen || s[j] != '}') {
		st_err_set(lx->cx, ST_EUSAGE,
			   "malformed variable reference in \"%s\" at line %d, "
			   "column %d", lx->path, line, col);
		st_err_detail(lx->cx, "A reference is ${NAME} or ${NAME:-default}, "
			      "on one line; NAME is letters, digits and "
			      "underscores.");
		return ST_EUSAGE;
	}
	j++; /* '}' */
	{
		char *n = st_strndup(lx->cx->arena, name, nlen);

		val = lx->env ? lx->env(lx->env_arg, n) : getenv(n);
		if (def && (!val || !*val))
			val = st_strndup(lx->cx->arena, def, dlen);
		if (!val) {
			st_err_set(lx->cx, ST_EUSAGE,
				   "seed variable \"%s\" is not set", n);
			st_err_detail(lx->cx, "%s uses ${%s} at line %d and gives "
				      "no default.", lx->path, n, line);
			st_err_hint(lx->cx, "Set %s in the environment or in .env, "
				    "or write ${%s:-default} in the seed.", n, n);
			return ST_EUSAGE;
		}
	}
	st_strbuf_init_arena(&lit, lx->cx->arena);
	st_sql_literal(&lit, val);
	if (tag && memmem(lit.buf, lit.len, tag, taglen)) {
		st_err_set(lx->cx, ST_EUSAGE,
			   "the value of seed variable \"%.*s\" contains %.*s",
			   (int)nlen, name, (int)taglen, tag);
		st_err_detail(lx->cx, "It is used at line %d of %s inside a body "
			      "quoted with %.*s, which the value would end.",
			      line, lx->path, (int)taglen, tag);
		return ST_EUSAGE;
	}
	g = st_alloc(lx->cx->arena, sizeof(*g));
	g->out_off = lx->out.len;
	g->out_len = lit.len;
	g->in_off = lx->i;
	g->in_len = j;
	st_vec_push(&lx->segs, g);
	st_strbuf_add(&lx->out, lit.buf, lit.len);
	if (!tag && !lx->stmt_content) {
		lx->stmt_content = true;
		lx->stmt_start = lx->i;
	}
	lx->i += j;
	return 0;
}

/* The body of $tag$ ... $tag$ (lx->i just after the opening tag). */
static int
dollar_body(lexer *lx, const char *tag, size_t taglen)
{
	while (lx->i < lx->len) {
		const char *s = lx->src + lx->i;

		if (!strncmp(s, tag, taglen)) {
			copy(lx, taglen);
			return 0;
		}
		if (s[0] == '$' && s[1] == '{') {
			if (reference(lx, tag, taglen) < 0)
				return lx->cx->err;
			continue;
		}
		copy(lx, 1);
	}
	return 0; /* unterminated: the server reports it */
}

static int
lex(lexer *lx)
{
	const char *src = lx->src;

	while (lx->i < lx->len) {
		size_t i = lx->i, j;
		unsigned char c = (unsigned char)src[i];

		if (c == '-' && src[i + 1] == '-') {
			j = i;
			while (src[j] && src[j] != '\n')
				j++;
			copy(lx, j - i);
		} else if (c == '/' && src[i + 1] == '*') {
			int depth = 0;

			j = i;
			do {
				if (src[j] == '/' && src[j + 1] == '*') {
					depth++;
					j += 2;
				} else if (src[j] == '*' && src[j + 1] == '/') {
					depth--;
					j += 2;
				} else {
					j++;
				}
			} while (depth > 0 && src[j]);
			copy(lx, j - i);
		} else if (c == '\'') {
			bool esc = i > 0 && (src[i - 1] == 'E' || src[i - 1] == 'e') &&
				   (i < 2 || !ident_char((unsigned char)src[i - 2]));

			if (!lx->stmt_content) {
				lx->stmt_content = true;
				lx->stmt_start = i;
			}
			j = i + 1;
			while (src[j]) {
				if (esc && src[j] == '\\' && src[j + 1]) {
					j += 2;
				} else if (src[j] == '\'' && src[j + 1] == '\'') {
					j += 2;
				} else if (src[j] == '\'') {
					j++;
					break;
				} else {
					j++;
				}
			}
			copy(lx, j - i);
		} else if (c == '"') {
			if (!lx->stmt_content) {
				lx->stmt_content = true;
				lx->stmt_start = i;
			}
			j = i + 1;
			while (src[j]) {
				if (src[j] == '"' && src[j + 1] == '"')
					j += 2;
				else if (src[j++] == '"')
					break;
			}
			copy(lx, j - i);
		} else if (c == '$' && src[i + 1] == '{') {
			if (reference(lx, NULL, 0) < 0)
				return lx->cx->err;
		} else if (c == '$' && (i == 0 || !ident_char((unsigned char)src[i - 1]))) {
			/* $tag$ opens a dollar-quoted string; $1 is a parameter */
			j = i + 1;
			if (ident_start((unsigned char)src[j]))
				while (src[j] && ident_char((unsigned char)src[j]) &&
				       src[j] != '$')
					j++;
			if (src[j] == '$') {
				size_t taglen = j + 1 - i;
				char *tag = st_strndup(lx->cx->arena, src + i, taglen);

				if (!lx->stmt_content) {
					lx->stmt_content = true;
					lx->stmt_start = i;
				}
				copy(lx, taglen);
				if (dollar_body(lx, tag, taglen) < 0)
					return lx->cx->err;
			} else {
				copy(lx, 1);
			}
		} else if (ident_start(c)) {
			j = i;
			while (src[j] && ident_char((unsigned char)src[j]))
				j++;
			word(lx, j - i);
		} else if (c == ';') {
			copy(lx, 1);
			if (end_statement(lx) < 0)
				return lx->cx->err;
		} else {
			if (!isspace(c) && !lx->stmt_content) {
				lx->stmt_content = true;
				lx->stmt_start = i;
			}
			copy(lx, 1);
		}
	}
	lx->atomic = 0;
	return end_statement(lx);
}

static int
substitute(st_ctx *cx, const char *sql, const char *path, st_seed_env_fn env,
	   void *env_arg, lexer *lx)
{
	memset(lx, 0, sizeof(*lx));
	lx->cx = cx;
	lx->path = path;
	lx->src = sql;
	lx->len = strlen(sql);
	lx->env = env;
	lx->env_arg = env_arg;
	st_strbuf_init_arena(&lx->out, cx->arena);
	st_vec_init(&lx->segs, cx->arena);
	return lex(lx);
}

int
st_seed_substitute(st_ctx *cx, const char *sql, const char *path,
		   st_seed_env_fn env, void *env_arg, char **out, int *nstmt)
{
	lexer lx;

	if (substitute(cx, sql, path, env, env_arg, &lx) < 0)
		return cx->err;
	*out = lx.out.buf;
	if (nstmt)
		*nstmt = lx.nstmt;
	return 0;
}

/* ==== running an SQL seed ==== */

/* A byte offset in the substituted text, back in the seed file. */
static size_t
out_to_in(const lexer *lx, size_t o)
{
	size_t in = o;

	for (size_t k = 0; k < lx->segs.len; k++) {
		const seg *g = lx->segs.items[k];

		if (g->out_off > o)
			break;
		if (o < g->out_off + g->out_len)
			return g->in_off;
		in = g->in_off + g->in_len + (o - (g->out_off + g->out_len));
	}
	return in;
}

/* Adds "At FILE line L, column C: TEXT" to the detail of cx's error. */
static void
point_at(st_ctx *cx, const lexer *lx, const st_db *db)
{
	st_strbuf d;
	size_t in;
	int line, col;
	const char *bol, *eol;

	st_strbuf_init_arena(&d, cx->arena);
	if (db->err.detail)
		st_strbuf_addf(&d, "%s\n", db->err.detail);
	if (db->err.where)
		st_strbuf_addf(&d, "CONTEXT: %s\n", db->err.where);
	if (db->err.position > 0) {
		in = out_to_in(lx, st_dberr_pos_to_byte(lx->out.buf, lx->out.len,
						   db->err.position));
		line = line_of(lx->src, in, &col);
		bol = lx->src + in - (col - 1);
		eol = strchr(bol, '\n');
		if (!eol)
			eol = bol + strlen(bol);
		st_strbuf_addf(&d, "The error is in %s at line %d, column %d: %.*s",
			       lx->path, line, col, (int)(eol - bol), bol);
	} else {
		st_strbuf_addf(&d, "The error is in %s.", lx->path);
	}
	st_err_detail(cx, "%s", d.buf);
}

int
st_seed_run_sql(st_ctx *cx, const char *url, const char *path,
		st_seed_env_fn env, void *env_arg, int *nstmt)
{
	char *sql;
	size_t len;
	lexer lx;
	st_db *db;
	st_db_opts o = { 0 };

	if (st_file_read(cx, path, &sql, &len) < 0)
		return cx->err;
	if (memchr(sql, '\0', len)) {
		/* everything after it would be skipped without a word */
		st_err_set(cx, ST_EPARSE, "the seed \"%s\" contains a NUL byte",
			   path);
		st_err_detail(cx, "Nothing was run.");
		return cx->err;
	}
	if (substitute(cx, sql, path, env, env_arg, &lx) < 0)
		return cx->err;
	if (nstmt)
		*nstmt = lx.nstmt;
	if (st_db_connect(cx, url, &o, &db) < 0)
		return cx->err;
	if (st_db_exec(cx, db, "BEGIN") < 0)
		goto fail;
	if (st_db_exec(cx, db, lx.out.buf) < 0) {
		point_at(cx, &lx, db);
		goto fail;
	}
	if (st_db_in_txn(db) && st_db_exec(cx, db, "COMMIT") < 0)
		goto fail;
	st_db_close(db);
	return 0;
fail:
	{
		/* keep the seed's error; the rollback must not replace it */
		st_ctx *tmp = st_ctx_new(cx->arena);

		if (db->conn && st_db_in_txn(db))
			st_db_exec(tmp, db, "ROLLBACK");
		st_ctx_free(tmp);
	}
	st_db_close(db);
	return cx->err ? cx->err : ST_EDB;
}

/* ==== running a seed command ==== */

static void
shell_quote(st_strbuf *sb, const char *s)
{
	st_strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			st_strbuf_adds(sb, "'\\''");
		else
			st_strbuf_addch(sb, *s);
	}
	st_strbuf_addch(sb, '\'');
}

int
st_seed_run_command(st_ctx *cx, const char *command, const char *dir,
		    const char *url, const char *const *args, size_t nargs,
		    int *status)
{
	st_strbuf line;
	struct sigaction ign = { 0 }, old_int, old_quit;
	pid_t pid;
	int st;

	st_strbuf_init_arena(&line, cx->arena);
	st_strbuf_adds(&line, command);
	for (size_t k = 0; k < nargs; k++) {
		st_strbuf_addch(&line, ' ');
		shell_quote(&line, args[k]);
	}
	fflush(NULL);
	/* like a shell waiting for a job: Ctrl-C goes to the seed */
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid = fork();
	if (pid < 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		return st_err_set(cx, ST_ERROR, "could not run the seed command: %s",
				  strerror(errno));
	}
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		if (dir && chdir(dir) < 0) {
			fprintf(stderr, "strata: could not enter \"%s\": %s\n", dir,
				strerror(errno));
			_exit(127);
		}
		if (url)
			setenv("DATABASE_URL", url, 1);
		execl("/bin/sh", "sh", "-c", line.buf, (char *)NULL);
		fprintf(stderr, "strata: could not run /bin/sh: %s\n",
			strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			st = 127 << 8;
			break;
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	*status = WIFEXITED(st) ? WEXITSTATUS(st)
				: WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
	return 0;
}
