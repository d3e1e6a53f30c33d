/*
 * Unit tests for dynlib.c: a library's functions land in their slots, a
 * missing library or function is an error naming it and fills nothing
 * that is used, and a library once loaded is not looked up again.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "dynlib.h"
#include "strbuf.h"

/* two functions of the C library, the one library every build has */
#define LIBC_FUNCS(X) X(strlen) X(strcmp)
static struct { LIBC_FUNCS(DYNLIB_SLOT) } libc;
static const char *const libc_names[] = { LIBC_FUNCS(DYNLIB_NAME) };

static void test_load_fills_slots(void **state)
{
	struct strbuf err = STRBUF_INIT;
	int loaded = 0;

	(void)state;
	memset(&libc, 0, sizeof(libc));
	assert_int_equal(dynlib_load(&loaded, "libc.so.6", "the C library", libc_names, &libc, 2, &err), 0);
	assert_int_equal(loaded, 1);
	assert_int_equal(err.len, 0);
	assert_non_null(libc.strlen);
	assert_non_null(libc.strcmp);
	assert_int_equal(libc.strlen("seven c"), 7);
	assert_true(libc.strcmp("a", "b") < 0);
	strbuf_release(&err);
}

static void test_missing_library(void **state)
{
	struct strbuf err = STRBUF_INIT;
	int loaded = 0;

	(void)state;
	assert_int_equal(dynlib_load(&loaded, "libdbmig-no-such.so.9", "a library nobody has",
				     libc_names, &libc, 2, &err), -1);
	assert_int_equal(loaded, 0);
	assert_non_null(strstr(err.buf, "cannot load libdbmig-no-such.so.9 (a library nobody has): "));
	strbuf_release(&err);
}

static void test_missing_function(void **state)
{
	static const char *const names[] = { "strlen", "dbmig_no_such_function" };
	struct strbuf err = STRBUF_INIT;
	int loaded = 0;

	(void)state;
	assert_int_equal(dynlib_load(&loaded, "libc.so.6", "the C library", names, &libc, 2, &err), -1);
	assert_int_equal(loaded, 0);
	assert_string_equal(err.buf, "cannot load libc.so.6 (the C library): it has no function dbmig_no_such_function");
	strbuf_release(&err);
}

static void test_loaded_once(void **state)
{
	struct strbuf err = STRBUF_INIT;
	int loaded = 1;

	(void)state;
	/* remembered: the missing library is not even looked for */
	assert_int_equal(dynlib_load(&loaded, "libdbmig-no-such.so.9", "a library nobody has",
				     libc_names, &libc, 2, &err), 0);
	assert_int_equal(err.len, 0);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_fills_slots),
		cmocka_unit_test(test_missing_library),
		cmocka_unit_test(test_missing_function),
		cmocka_unit_test(test_loaded_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
