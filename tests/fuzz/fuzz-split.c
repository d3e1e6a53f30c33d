/*
 * libFuzzer target: the split of a revision body into SQLite statements
 * (db/http.c, for rqlite and libSQL). Each statement must lie inside
 * the script, in order, with its line number right.
 */
#include "db/http.h"

#include <stdint.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_stmts st = { NULL, 0, 0 };
	char *sql = malloc(size + 1);
	unsigned last = 0, lines = 1;
	const char *p;
	size_t i;

	if (!sql)
		return 0;
	memcpy(sql, data, size);
	sql[size] = '\0';
	http_split_script(&st, sql);
	for (p = sql; *p; p++)
		if (*p == '\n')
			lines++;
	for (i = 0; i < st.n; i++) {
		if (!st.v[i].sql[0] || st.v[i].line < last)
			abort();
		if (st.v[i].line > lines || !strstr(sql, st.v[i].sql))
			abort();
		last = st.v[i].line;
	}
	http_stmts_clear(&st);
	free(sql);
	return 0;
}
