/*
 * convert: writes the native .sql text of a converted .py revision. It
 * neither runs nor records anything: cmd/convert.c has the statements
 * recorded by the Python helper and hands them here.
 */
#include "convert.h"
#include "usage.h"

#include <string.h>

static void join_list(struct strbuf *sb, char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", v[i]);
}

/* One statement: trailing blanks cut, ";" added unless it ends so. */
static void add_statement(struct strbuf *out, const char *s)
{
	size_t len = strlen(s);

	while (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t') {
		s++;
		len--;
	}
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' ||
		       s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (!len)
		return;
	strbuf_add(out, s, len);
	if (s[len - 1] != ';')
		strbuf_addch(out, ';');
	strbuf_addch(out, '\n');
}

static void add_comment(struct strbuf *out, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		strbuf_addstr(out, "-- ");
		strbuf_add(out, p, n);
		strbuf_addch(out, '\n');
		p += n;
		if (*p)
			p++;
	}
}

void convert_sql_text(struct strbuf *out, const struct revfile *rf,
		      const char *from, const char *dialect,
		      const struct convert_body *up, const struct convert_body *down,
		      const char *note)
{
	const char *base = strrchr(from, '/');
	size_t i;

	base = base ? base + 1 : from;
	if (rf->message)
		strbuf_addf(out, "-- message: %s\n", rf->message);
	strbuf_addf(out, "-- revision: %s\n-- down_revision: ", rf->revision);
	join_list(out, rf->down_revision, rf->ndown);
	strbuf_addstr(out, "\n-- branch_labels: ");
	join_list(out, rf->branch_labels, rf->nlabels);
	strbuf_addstr(out, "\n-- depends_on: ");
	join_list(out, rf->depends_on, rf->ndeps);
	strbuf_addch(out, '\n');
	if (rf->create_date)
		strbuf_addf(out, "-- create_date: %s\n", rf->create_date);
	strbuf_addf(out, "\n-- Converted by git dbmig convert from %s.\n"
		    "-- The bodies are the SQL its upgrade() and downgrade() ran on a %s\n"
		    "-- scratch database.\n", base, dialect);
	if (note)
		add_comment(out, note);
	strbuf_addstr(out, "\n-- migrate:upgrade\n");
	for (i = 0; i < up->n; i++)
		add_statement(out, up->v[i]);
	strbuf_addstr(out, "\n-- migrate:downgrade\n");
	for (i = 0; i < down->n; i++)
		add_statement(out, down->v[i]);
}

void convert_sql_path(struct strbuf *out, const char *path)
{
	size_t n = strlen(path);

	if (n > 3 && !strcmp(path + n - 3, ".py"))
		n -= 3;
	strbuf_add(out, path, n);
	strbuf_addstr(out, ".sql");
}

void convert_body_release(struct convert_body *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		free(b->v[i]);
	free(b->v);
	b->v = NULL;
	b->n = 0;
}
