#ifndef TOML_H
#define TOML_H
/*
 * toml: a strict reader of TOML 1.0 documents, as Python's tomllib
 * (3.11) reads them: what it refuses is refused, what it accepts comes
 * back as the same tree. It parses a buffer and does no I/O. The
 * document owns every value, key and string; toml_free() releases it
 * all.
 */
#include "strbuf.h"

#include <stddef.h>

enum toml_type {
	TOML_TABLE,
	TOML_ARRAY,
	TOML_STRING,
	TOML_INTEGER,
	TOML_FLOAT,
	TOML_BOOLEAN,
	/*
	 * An offset or local date-time, a local date or a local time: kept
	 * as written (checked, not converted), in str.
	 */
	TOML_DATETIME,
};

struct toml_value {
	enum toml_type type;
	/* The line where the value starts (a table: its [header], if any). */
	int line;
	/* STRING (UTF-8, may hold NUL bytes), DATETIME: NUL-terminated too */
	char *str;
	size_t len;
	long long integer;
	double number;
	int boolean;
	/*
	 * ARRAY: items[0..nr). TABLE: keys[i] (klen[i] bytes, NUL-terminated)
	 * names items[i], in the order of the document.
	 */
	struct toml_value **items;
	char **keys;
	size_t *klen;
	size_t nr, alloc;
};

/*
 * Parse the document in buf (UTF-8; "\r\n" counts as "\n"). On success
 * *out is its root table. On error returns -1, puts "<name>:<line>:
 * <what>" into err and sets *out to NULL. Integers must fit in 64 bits,
 * and arrays and inline tables nest at most TOML_MAX_DEPTH deep.
 */
#define TOML_MAX_DEPTH 128
int toml_parse(struct toml_value **out, const char *name, const char *buf,
	       size_t len, struct strbuf *err);
void toml_free(struct toml_value *v);

/* The value of key in table (NULL when absent or table is not a table). */
const struct toml_value *toml_get(const struct toml_value *table,
				  const char *key);

/* "table", "array", "string", "integer", "float", "boolean", "datetime" */
const char *toml_type_name(enum toml_type type);

#endif
