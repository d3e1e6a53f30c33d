/* libFuzzer target: the TOML reader, and a walk over what it returns. */
#include "toml.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t walk(const struct toml_value *v)
{
	size_t n = 1, i;

	if (v->type == TOML_TABLE) {
		for (i = 0; i < v->nr; i++) {
			if (strlen(v->keys[i]) > v->klen[i] || toml_get(v, v->keys[i]) == NULL)
				__builtin_trap();
			n += walk(v->items[i]);
		}
	} else if (v->type == TOML_ARRAY) {
		for (i = 0; i < v->nr; i++)
			n += walk(v->items[i]);
	} else if ((v->type == TOML_STRING || v->type == TOML_DATETIME) &&
		   (!v->str || v->str[v->len])) {
		__builtin_trap();
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf err = STRBUF_INIT;
	struct toml_value *doc = NULL;

	if (!toml_parse(&doc, "/tmp/fuzz/pyproject.toml", (const char *)data, size, &err)) {
		walk(doc);
		toml_free(doc);
	} else if (doc || !err.len) {
		__builtin_trap();
	}
	strbuf_release(&err);
	return 0;
}
