/*
 * Unit tests for url.c: one table of URLs that parse, with every field
 * and the SQLAlchemy repr() expected (worked out with SQLAlchemy's own
 * regular expression and render_as_string()), one table of URLs that
 * must fail with a given message, and url_redact() cases. No message and
 * no display may ever contain the password.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "strbuf.h"
#include "url.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void assert_str_or_null(const char *expect, const char *actual)
{
	if (!expect) {
		assert_null(actual);
	} else {
		assert_non_null(actual);
		assert_string_equal(expect, actual);
	}
}

/* ------------------------------------------------------------------
 * URLs that parse
 */

static const struct ok_case {
	const char *text;
	enum url_kind kind;
	const char *scheme, *backend, *driver;
	const char *user, *password;
	const char *hosts;  /* "host:port,..." as the struct holds them */
	const char *database;
	const char *params; /* "k=v&..." in URL order, decoded */
	const char *display;
} ok_cases[] = {
	{ "sqlite://", URL_SQLITE, "sqlite", "sqlite", NULL, NULL, NULL,
	  "", NULL, "", "sqlite://" },
	{ "sqlite:///rel.db", URL_SQLITE, "sqlite", "sqlite", NULL, NULL, NULL,
	  "", "rel.db", "", "sqlite:///rel.db" },
	{ "sqlite:///sub/dir/rel.db", URL_SQLITE, "sqlite", "sqlite", NULL,
	  NULL, NULL, "", "sub/dir/rel.db", "", "sqlite:///sub/dir/rel.db" },
	{ "sqlite:////abs/path.db", URL_SQLITE, "sqlite", "sqlite", NULL, NULL,
	  NULL, "", "/abs/path.db", "", "sqlite:////abs/path.db" },
	{ "sqlite:///:memory:", URL_SQLITE, "sqlite", "sqlite", NULL, NULL,
	  NULL, "", NULL, "", "sqlite://" },
	{ "sqlite:///", URL_SQLITE, "sqlite", "sqlite", NULL, NULL, NULL, "",
	  NULL, "", "sqlite://" },
	{ "sqlite:///my%20file.db", URL_SQLITE, "sqlite", "sqlite", NULL, NULL,
	  NULL, "", "my file.db", "", "sqlite:///my file.db" },
	{ "sqlite:////tmp/a@b:c.db", URL_SQLITE, "sqlite", "sqlite", NULL,
	  NULL, NULL, "", "/tmp/a@b:c.db", "", "sqlite:////tmp/a@b:c.db" },
	{ "sqlite+pysqlite:///x.db?mode=ro&uri=true", URL_SQLITE,
	  "sqlite+pysqlite", "sqlite", "pysqlite", NULL, NULL, "", "x.db",
	  "mode=ro&uri=true", "sqlite+pysqlite:///x.db?mode=ro&uri=true" },
	{ "postgresql://scott:tiger@localhost:5432/test?sslmode=require",
	  URL_POSTGRESQL, "postgresql", "postgresql", NULL, "scott", "tiger",
	  "localhost:5432", "test", "sslmode=require",
	  "postgresql://scott:***@localhost:5432/test?sslmode=require" },
	{ "postgresql+psycopg2://scott:tiger@localhost:5432/test?sslmode=require",
	  URL_POSTGRESQL, "postgresql+psycopg2", "postgresql", "psycopg2",
	  "scott", "tiger", "localhost:5432", "test", "sslmode=require",
	  "postgresql+psycopg2://scott:***@localhost:5432/test?sslmode=require" },
	{ "postgres://u@h/db", URL_POSTGRESQL, "postgres", "postgresql", NULL,
	  "u", NULL, "h:0", "db", "", "postgres://u@h/db" },
	{ "postgresql://u:p%40ss%3Aw%2Fd@h/db", URL_POSTGRESQL, "postgresql",
	  "postgresql", NULL, "u", "p@ss:w/d", "h:0", "db", "",
	  "postgresql://u:***@h/db" },
	/* SQLAlchemy's password is "[^@]*": '/' and '?' belong to it */
	{ "postgresql://u:pa/ss?x@h/db", URL_POSTGRESQL, "postgresql",
	  "postgresql", NULL, "u", "pa/ss?x", "h:0", "db", "",
	  "postgresql://u:***@h/db" },
	/* and the user name "[^:/]*": an '@' without a password belongs to it */
	{ "postgresql://a@b@h/db", URL_POSTGRESQL, "postgresql", "postgresql",
	  NULL, "a@b", NULL, "h:0", "db", "", "postgresql://a%40b@h/db" },
	{ "postgresql://u:@h/db", URL_POSTGRESQL, "postgresql", "postgresql",
	  NULL, "u", "", "h:0", "db", "", "postgresql://u:***@h/db" },
	{ "postgresql://@h/db", URL_POSTGRESQL, "postgresql", "postgresql",
	  NULL, "", NULL, "h:0", "db", "", "postgresql://@h/db" },
	{ "postgresql://user%20name:pw@h/db", URL_POSTGRESQL, "postgresql",
	  "postgresql", NULL, "user name", "pw", "h:0", "db", "",
	  "postgresql://user name:***@h/db" },
	{ "postgresql://u%2Fx+y:pw@h/db", URL_POSTGRESQL, "postgresql",
	  "postgresql", NULL, "u/x+y", "pw", "h:0", "db", "",
	  "postgresql://u%2Fx+y:***@h/db" },
	{ "postgresql://u@h:5432/db", URL_POSTGRESQL, "postgresql",
	  "postgresql", NULL, "u", NULL, "h:5432", "db", "",
	  "postgresql://u@h:5432/db" },
	{ "postgresql://[::1]:5432/db", URL_POSTGRESQL, "postgresql",
	  "postgresql", NULL, NULL, NULL, "::1:5432", "db", "",
	  "postgresql://[::1]:5432/db" },
	{ "postgresql://u:pw@[2001:db8::7]/db", URL_POSTGRESQL, "postgresql",
	  "postgresql", NULL, "u", "pw", "2001:db8::7:0", "db", "",
	  "postgresql://u:***@[2001:db8::7]/db" },
	{ "postgresql://:5432/db", URL_POSTGRESQL, "postgresql", "postgresql",
	  NULL, NULL, NULL, ":5432", "db", "", "postgresql://:5432/db" },
	{ "postgresql://h:65535", URL_POSTGRESQL, "postgresql", "postgresql",
	  NULL, NULL, NULL, "h:65535", NULL, "", "postgresql://h:65535" },
	{ "postgresql://h/", URL_POSTGRESQL, "postgresql", "postgresql", NULL,
	  NULL, NULL, "h:0", "", "", "postgresql://h/" },
	{ "postgresql:///db?host=/var/run/postgresql", URL_POSTGRESQL,
	  "postgresql", "postgresql", NULL, NULL, NULL, "", "db",
	  "host=/var/run/postgresql",
	  "postgresql:///db?host=%2Fvar%2Frun%2Fpostgresql" },
	{ "postgresql://h?sslmode=require", URL_POSTGRESQL, "postgresql",
	  "postgresql", NULL, NULL, NULL, "h:0", NULL, "sslmode=require",
	  "postgresql://h?sslmode=require" },
	/* parse_qsl(): blanks dropped, '+' a space; repr() sorts the keys */
	{ "postgresql://h/db?b=2&a=1&&b=1&c=&d&e=x+y%2Bz%20%C3%A9",
	  URL_POSTGRESQL, "postgresql", "postgresql", NULL, NULL, NULL, "h:0",
	  "db", "b=2&a=1&b=1&e=x y+z \xc3\xa9",
	  "postgresql://h/db?a=1&b=2&b=1&e=x+y%2Bz+%C3%A9" },
	{ "rqlite://h1:4001,h2:4002,[::1]:4003/?level=strong", URL_RQLITE,
	  "rqlite", "rqlite", NULL, NULL, NULL, "h1:4001,h2:4002,::1:4003", "",
	  "level=strong", "rqlite://h1:4001,h2:4002,[::1]:4003/?level=strong" },
	{ "rqlite+pyrqlite://u:pw@localhost:4001/", URL_RQLITE,
	  "rqlite+pyrqlite", "rqlite", "pyrqlite", "u", "pw", "localhost:4001",
	  "", "", "rqlite+pyrqlite://u:***@localhost:4001/" },
	{ "rqlite://localhost", URL_RQLITE, "rqlite", "rqlite", NULL, NULL,
	  NULL, "localhost:0", NULL, "", "rqlite://localhost" },
	{ "libsql://localhost:8080/", URL_LIBSQL, "libsql", "libsql", NULL,
	  NULL, NULL, "localhost:8080", "", "", "libsql://localhost:8080/" },
	{ "sqlite+libsql://localhost:8080/?authToken=abc", URL_LIBSQL,
	  "sqlite+libsql", "libsql", "libsql", NULL, NULL, "localhost:8080", "",
	  "authToken=abc", "sqlite+libsql://localhost:8080/?authToken=***" },
};

static void hosts_string(struct strbuf *sb, const struct url *u)
{
	size_t i;

	for (i = 0; i < u->nhosts; i++)
		strbuf_addf(sb, "%s%s:%d", i ? "," : "", u->hosts[i].host,
			    u->hosts[i].port);
}

static void params_string(struct strbuf *sb, const struct url *u)
{
	size_t i;

	for (i = 0; i < u->nparams; i++)
		strbuf_addf(sb, "%s%s=%s", i ? "&" : "", u->params[i].key,
			    u->params[i].value);
}

static void test_parse_ok(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok_cases); i++) {
		const struct ok_case *c = &ok_cases[i];
		struct strbuf err = STRBUF_INIT, sb = STRBUF_INIT;
		struct url *u = NULL;

		if (url_parse(&u, c->text, &err))
			fail_msg("'%s' failed: %s", c->text, err.buf);
		assert_non_null(u);
		assert_int_equal(err.len, 0);
		assert_int_equal(u->kind, c->kind);
		assert_string_equal(u->scheme, c->scheme);
		assert_string_equal(u->backend, c->backend);
		assert_str_or_null(c->driver, u->driver);
		assert_str_or_null(c->user, u->user);
		assert_str_or_null(c->password, u->password);
		hosts_string(&sb, u);
		assert_string_equal(sb.buf, c->hosts);
		strbuf_reset(&sb);
		assert_str_or_null(c->database, u->database);
		params_string(&sb, u);
		assert_string_equal(sb.buf, c->params);
		strbuf_reset(&sb);
		url_display(&sb, u);
		assert_string_equal(sb.buf, c->display);
		if (c->password && *c->password)
			assert_null(strstr(sb.buf, c->password));
		strbuf_release(&sb);
		strbuf_release(&err);
		url_free(u);
	}
}

static void test_display_appends(void **state)
{
	struct strbuf err = STRBUF_INIT, sb = STRBUF_INIT;
	struct url *u;

	assert_int_equal(url_parse(&u, "sqlite:///a.db", &err), 0);
	strbuf_addstr(&sb, "url: ");
	url_display(&sb, u);
	assert_string_equal(sb.buf, "url: sqlite:///a.db");
	strbuf_release(&sb);
	url_free(u);
}

static void test_param(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct url *u;

	assert_int_equal(url_parse(&u, "postgresql://h/db?a=1&b=2&a=3", &err), 0);
	assert_string_equal(url_param(u, "a"), "1");
	assert_string_equal(url_param(u, "b"), "2");
	assert_null(url_param(u, "c"));
	assert_null(url_param(u, "A"));
	url_free(u);

	assert_int_equal(url_parse(&u, "sqlite://", &err), 0);
	assert_null(url_param(u, "a"));
	url_free(u);
}

static void test_free_null(void **state)
{
	url_free(NULL);
}

/* ------------------------------------------------------------------
 * URLs that fail
 */

static const struct bad_case {
	const char *text;
	const char *message;
	const char *secret; /* must not appear in the message */
} bad_cases[] = {
	{ "mysql://u:secret@h/db",
	  "unknown database URL scheme 'mysql' in 'mysql://u:***@h/db'",
	  "secret" },
	{ "mysql+pymysql://u:secret@h/db",
	  "unknown database URL scheme 'mysql+pymysql' in 'mysql+pymysql://u:***@h/db'",
	  "secret" },
	{ "Postgresql://u:secret@h/db",
	  "unknown database URL scheme 'Postgresql' in 'Postgresql://u:***@h/db'",
	  "secret" },
	{ "sqlite+://", "unknown database URL scheme 'sqlite+' in 'sqlite+://'",
	  NULL },
	{ "sqlite+a+b://", "unknown database URL scheme 'sqlite+a+b' in 'sqlite+a+b://'",
	  NULL },
	{ "", "could not parse database URL ''", NULL },
	{ "localhost:5432/db", "could not parse database URL 'localhost:5432/db'",
	  NULL },
	{ "postgresql:/u:secret@h/db",
	  "could not parse database URL 'postgresql:***@h/db'", "secret" },
	{ "u:secret@h", "could not parse database URL 'u:***@h'", "secret" },
	{ "postgresql//u:secret@h:5432/db@x",
	  "could not parse database URL 'postgresql//u:***@x'", "secret" },
	{ "://u:secret@h/db", "could not parse database URL '://u:***@h/db'",
	  "secret" },
	{ "my-sql://u:secret@h/db",
	  "could not parse database URL 'my-sql://u:***@h/db'", "secret" },
	{ " postgresql://u:secret@h/db",
	  "could not parse database URL ' postgresql://u:***@h/db'", "secret" },
	{ "sqlite://host/x.db",
	  "invalid SQLite URL 'sqlite://host/x.db': a user, host or port is not"
	  " allowed; use sqlite:///relative.db, sqlite:////absolute.db or"
	  " sqlite:// (in memory)", NULL },
	{ "sqlite://u:secret@/x.db",
	  "invalid SQLite URL 'sqlite://u:***@/x.db': a user, host or port is not"
	  " allowed; use sqlite:///relative.db, sqlite:////absolute.db or"
	  " sqlite:// (in memory)", "secret" },
	{ "sqlite+pysqlite://:123/x.db",
	  "invalid SQLite URL 'sqlite+pysqlite://:123/x.db': a user, host or port"
	  " is not allowed; use sqlite:///relative.db, sqlite:////absolute.db or"
	  " sqlite:// (in memory)", NULL },
	{ "postgresql://u:secret@h:54x2/db",
	  "invalid port in database URL 'postgresql://u:***@h:54x2/db'", "secret" },
	{ "postgresql://u:secret@h:/db",
	  "invalid port in database URL 'postgresql://u:***@h:/db'", "secret" },
	{ "postgresql://u:secret@h:0/db",
	  "invalid port in database URL 'postgresql://u:***@h:0/db'", "secret" },
	{ "postgresql://u:secret@h:65536/db",
	  "invalid port in database URL 'postgresql://u:***@h:65536/db'", "secret" },
	{ "postgresql://u:secret@h:123456/db",
	  "invalid port in database URL 'postgresql://u:***@h:123456/db'", "secret" },
	{ "postgresql://u:secret@h:-1/db",
	  "invalid port in database URL 'postgresql://u:***@h:-1/db'", "secret" },
	/* no '@': for SQLAlchemy "tiger" is a port, for us a hidden one */
	{ "postgresql://scott:tiger/db",
	  "invalid port in database URL 'postgresql://scott:***/db'", "tiger" },
	{ "postgresql://scott:tiger",
	  "invalid port in database URL 'postgresql://scott:***'", "tiger" },
	{ "postgresql://u:secret@[::1/db",
	  "invalid IPv6 host in database URL 'postgresql://u:***@[::1/db'",
	  "secret" },
	{ "postgresql://u:secret@[]/db",
	  "invalid IPv6 host in database URL 'postgresql://u:***@[]/db'", "secret" },
	{ "postgresql://u:secret@[::1]x/db",
	  "invalid IPv6 host in database URL 'postgresql://u:***@[::1]x/db'",
	  "secret" },
	{ "postgresql://u:secret@[::1]:x/db",
	  "invalid port in database URL 'postgresql://u:***@[::1]:x/db'", "secret" },
	{ "rqlite://h1:4001,,h2:4001/", "empty host in database URL 'rqlite://h1:4001,,h2:4001/'",
	  NULL },
	{ "rqlite://h1:4001,/", "empty host in database URL 'rqlite://h1:4001,/'",
	  NULL },
	{ "rqlite://,h1/", "empty host in database URL 'rqlite://,h1/'", NULL },
	{ "rqlite://h1:4001,h2:x/", "invalid port in database URL 'rqlite://h1:4001,h2:x/'",
	  NULL },
	{ "postgresql://u:sec%zzret@h/db",
	  "invalid percent-escape in the password of database URL 'postgresql://u:***@h/db'",
	  "zzret" },
	{ "postgresql://u:secret%4@h/db",
	  "invalid percent-escape in the password of database URL 'postgresql://u:***@h/db'",
	  "secret" },
	{ "postgresql://u:secret%@h/db",
	  "invalid percent-escape in the password of database URL 'postgresql://u:***@h/db'",
	  "secret" },
	{ "postgresql://u:secret%00@h/db",
	  "invalid percent-escape in the password of database URL 'postgresql://u:***@h/db'",
	  "secret" },
	{ "postgresql://u%g0:secret@h/db",
	  "invalid percent-escape in the user name of database URL 'postgresql://u%g0:***@h/db'",
	  "secret" },
	{ "postgresql://u:secret@h/d%zzb",
	  "invalid percent-escape in the database name of database URL 'postgresql://u:***@h/d%zzb'",
	  "secret" },
	{ "postgresql://u:secret@h/db?a=%zz",
	  "invalid percent-escape in a query parameter of database URL 'postgresql://u:***@h/db?a=%zz'",
	  "secret" },
	{ "postgresql://u:secret@h/db?%zz=1",
	  "invalid percent-escape in a query parameter of database URL 'postgresql://u:***@h/db?%zz=1'",
	  "secret" },
	{ "sqlite:///100%.db",
	  "invalid percent-escape in the database name of database URL 'sqlite:///100%.db'",
	  NULL },
};

static void test_parse_bad(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct strbuf err = STRBUF_INIT;
		struct url *u = (struct url *)&err; /* must be reset */

		if (url_parse(&u, c->text, &err) != -1)
			fail_msg("'%s' parsed", c->text);
		assert_null(u);
		assert_string_equal(err.buf, c->message);
		if (c->secret)
			assert_null(strstr(err.buf, c->secret));
		strbuf_release(&err);
	}
}

/* The password of every URL that parses stays out of every message. */
static void test_errors_hide_parsed_password(void **state)
{
	static const char *const bad[] = {
		"mysql://%s@h/db", "sqlite://%s@/x.db", "postgresql://%s@h:x/db",
		"postgresql://%s@[::1/db", "postgresql://%s@h/%%zz",
		"rqlite://%s@h1,,h2/", "postgresql://%s@h/db?a=%%",
	};
	static const char *const userinfo[] = {
		"u:hunter2", "u:hun/ter2", "u:hun?ter2", "a@b:hunter2",
		"u:hunter2%41", "u:hun:ter2",
	};
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		for (j = 0; j < ARRAY_SIZE(userinfo); j++) {
			struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
			struct url *u;

			strbuf_addf(&text, bad[i], userinfo[j]);
			assert_int_equal(url_parse(&u, text.buf, &err), -1);
			assert_non_null(strstr(err.buf, ":***@"));
			assert_null(strstr(err.buf, "ter2"));
			strbuf_release(&text);
			strbuf_release(&err);
		}
	}
}

static void test_error_appends(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct url *u;

	strbuf_addstr(&err, "--url: ");
	assert_int_equal(url_parse(&u, "nope", &err), -1);
	assert_string_equal(err.buf, "--url: could not parse database URL 'nope'");
	strbuf_release(&err);
}

/* ------------------------------------------------------------------
 * url_redact()
 */

static const struct redact_case {
	const char *in, *out;
} redact_cases[] = {
	{ "", "" },
	{ "no url here", "no url here" },
	{ "postgresql://scott:tiger@localhost/db",
	  "postgresql://scott:***@localhost/db" },
	{ "postgresql://scott:p%40ss@localhost/db",
	  "postgresql://scott:***@localhost/db" },
	{ "postgresql://u:p@ss@h/db", "postgresql://u:***@ss@h/db" },
	{ "postgresql://u:pa/ss?x@h/db", "postgresql://u:***@h/db" },
	{ "postgresql://u:@h/db", "postgresql://u:***@h/db" },
	{ "postgresql://u@h:5432/db", "postgresql://u@h:5432/db" },
	{ "postgresql://h:5432/db", "postgresql://h:5432/db" },
	{ "postgresql://[::1]:5432/db", "postgresql://[::1]:5432/db" },
	{ "rqlite://h1:4001,h2:x/", "rqlite://h1:4001,h2:x/" },
	{ "postgresql://scott:tiger/db", "postgresql://scott:***/db" },
	{ "postgresql://scott:tiger?x=1", "postgresql://scott:***?x=1" },
	{ "sqlite:////tmp/a:b@c.db", "sqlite:////tmp/a:b@c.db" },
	{ "a 'pg://u:p@h' and 'pg://v:q@i' b",
	  "a 'pg://u:***@h' and 'pg://v:***@i' b" },
	{ "x = pg://u:p@h", "x = pg://u:***@h" },
	{ "://", "://" },
	{ "a://b://c:d@e", "a://b:***@e" }, /* as url_parse() splits it */
};

static void test_redact(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(redact_cases); i++) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addstr(&sb, ">");
		url_redact(&sb, redact_cases[i].in);
		assert_string_equal(sb.buf + 1, redact_cases[i].out);
		assert_int_equal(sb.buf[0], '>');
		strbuf_release(&sb);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_display_appends),
		cmocka_unit_test(test_param),
		cmocka_unit_test(test_free_null),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_errors_hide_parsed_password),
		cmocka_unit_test(test_error_appends),
		cmocka_unit_test(test_redact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
