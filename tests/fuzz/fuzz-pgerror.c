/*
 * libFuzzer target: PostgreSQL's error fields as git-dbmig reads them
 * (db/postgres.c: the message, detail and SQLSTATE on one line with the
 * password scrubbed, the error position mapped to a line of the body)
 * and its psql-like statement splitter. The fields come from the input
 * (NUL-separated: primary, detail, SQLSTATE, position, then the body),
 * handed out by a stand-in for PQresultErrorField().
 */
#define PQresultErrorField fake_result_error_field
#include "../../src/db/postgres.c"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fields[5];

char *fake_result_error_field(const PGresult *res, int code)
{
	(void)res;
	switch (code) {
	case PG_DIAG_MESSAGE_PRIMARY: return (char *)fields[0];
	case PG_DIAG_MESSAGE_DETAIL: return (char *)fields[1];
	case PG_DIAG_SQLSTATE: return (char *)fields[2];
	case PG_DIAG_STATEMENT_POSITION: return (char *)fields[3];
	default: return NULL;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static PGresult *res;
	struct postgres_db pg;
	struct strbuf err = STRBUF_INIT;
	char *copy = malloc(size + 1), *p, sqlstate[6] = "";
	struct stmt *st = NULL;
	size_t k, n, off;
	long pos;

	if (!copy)
		return 0;
	if (!res)
		res = PQmakeEmptyPGresult(NULL, PGRES_FATAL_ERROR);
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (k = 0, p = copy; k < 5; k++) {
		fields[k] = p < copy + size ? p : NULL;
		if (p < copy + size)
			p += strlen(p) + 1;
	}
	memset(&pg, 0, sizeof(pg));
	pg.password = (char *)"S3cret";
	if (fields[0]) {
		result_fail(&pg, res, sqlstate, &err);
		if (strstr(err.buf, "S3cret") || strchr(err.buf, '\n'))
			abort();
	}
	if (fields[4]) {
		pos = statement_position(res);
		off = char_to_byte(fields[4], pos);
		if (off > strlen(fields[4]))
			abort();
		line_at(fields[4], off);
		n = split_statements(fields[4], &st);
		for (k = 0; k < n; k++)
			if (st[k].start >= st[k].end || st[k].end > strlen(fields[4]) ||
			    (k && st[k].start < st[k - 1].end))
				abort();
		free(st);
	}
	strbuf_release(&err);
	free(copy);
	return 0;
}
