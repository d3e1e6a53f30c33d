/*
 * toml-dump FILE...: parse each FILE with src/toml.c and print one line
 * for it on stdout: "ok " and the document as JSON, each leaf tagged
 * with its type as toml-test does ({"type": "integer", "value": "42"}),
 * or "error " and the message. Only the tests use it:
 * tests/toml_oracle.py checks it against Python's tomllib.
 */
#include "toml.h"
#include "strbuf.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static void json_string(struct strbuf *sb, const char *s, size_t len)
{
	size_t i;

	strbuf_addch(sb, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			strbuf_addf(sb, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(sb, "\\u%04x", c);
		else
			strbuf_addch(sb, c);
	}
	strbuf_addch(sb, '"');
}

static void leaf(struct strbuf *sb, const char *type, const char *value)
{
	strbuf_addf(sb, "{\"type\": \"%s\", \"value\": ", type);
	json_string(sb, value, strlen(value));
	strbuf_addch(sb, '}');
}

static void dump(struct strbuf *sb, const struct toml_value *v)
{
	char num[64];
	size_t i;

	switch (v->type) {
	case TOML_TABLE:
		strbuf_addch(sb, '{');
		for (i = 0; i < v->nr; i++) {
			if (i)
				strbuf_addstr(sb, ", ");
			json_string(sb, v->keys[i], v->klen[i]);
			strbuf_addstr(sb, ": ");
			dump(sb, v->items[i]);
		}
		strbuf_addch(sb, '}');
		break;
	case TOML_ARRAY:
		strbuf_addch(sb, '[');
		for (i = 0; i < v->nr; i++) {
			if (i)
				strbuf_addstr(sb, ", ");
			dump(sb, v->items[i]);
		}
		strbuf_addch(sb, ']');
		break;
	case TOML_STRING:
		strbuf_addstr(sb, "{\"type\": \"string\", \"value\": ");
		json_string(sb, v->str, v->len);
		strbuf_addch(sb, '}');
		break;
	case TOML_INTEGER:
		snprintf(num, sizeof(num), "%lld", v->integer);
		leaf(sb, "integer", num);
		break;
	case TOML_FLOAT:
		if (isnan(v->number))
			snprintf(num, sizeof(num), "nan");
		else if (isinf(v->number))
			snprintf(num, sizeof(num), "%sinf", v->number < 0 ? "-" : "");
		else
			snprintf(num, sizeof(num), "%.17g", v->number);
		leaf(sb, "float", num);
		break;
	case TOML_BOOLEAN:
		leaf(sb, "bool", v->boolean ? "true" : "false");
		break;
	case TOML_DATETIME:
		leaf(sb, "datetime", v->str);
		break;
	}
}

static int dump_file(const char *path)
{
	struct strbuf buf = STRBUF_INIT, err = STRBUF_INIT, out = STRBUF_INIT;
	struct toml_value *doc = NULL;

	if (strbuf_read_file(&buf, path)) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (toml_parse(&doc, path, buf.buf, buf.len, &err)) {
		printf("error %s\n", err.buf);
	} else {
		dump(&out, doc);
		printf("ok %s\n", out.buf);
	}
	toml_free(doc);
	strbuf_release(&buf);
	strbuf_release(&err);
	strbuf_release(&out);
	return 0;
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: toml-dump FILE...\n");
		return 2;
	}
	for (i = 1; i < argc; i++)
		if (dump_file(argv[i]))
			return 2;
	return 0;
}
